"""``{{ p.product_code|product_naam }}``: a product's Dutch name instead of its code (``start`` ->
``Start``, ``periode`` -> ``Periode (per maand)``), in every template without ``{% load %}`` (a
builtin, settings.TEMPLATES). The names are those of the default payment plan
(financiering/rules.py); an unknown code is shown with a capital, never as a raw slug."""

from django import template
from django.utils.text import capfirst

from financiering.rules import DEFAULT_PAYMENT_PLAN

register = template.Library()

NAMEN = {code: naam for code, naam, *_ in DEFAULT_PAYMENT_PLAN}


@register.filter
def product_naam(code) -> str:
    if not code:
        return ""
    return NAMEN.get(str(code), capfirst(str(code).replace("-", " ").replace("_", " ")))
