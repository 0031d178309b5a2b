"""Money and dates in every template, without ``{% load %}`` (a builtin, settings.TEMPLATES):
``{{ bedrag|euro }}`` (``€ 8.000,00``, negative ``€ -8.000,00``; ``{{ p.bedrag|euro:p.debet_credit }}``
shows a credit line negative), ``{{ d|datum }}`` (``1 december 2026``), ``{{ d|datum_kort }}``
(``01-12-2026``), ``{{ t|datum_tijd }}`` (``1 december 2026, 14:05``), ``{{ t|datum_tijd_kort }}``
(``01-12-2026 14:05``), ``{{ d|maand }}`` (``december 2026``), ``{% periode begin eind %}``. The functions: backoffice/opmaak.py."""

from django import template
from django.utils.html import format_html

from backoffice import opmaak

register = template.Library()

register.filter("euro", opmaak.euro)
register.filter("datum", opmaak.datum)


@register.filter
def datum_kort(waarde) -> str:
    """``01-12-2026`` kept on one line (a narrow column would break it after a hyphen)."""
    tekst = opmaak.datum_kort(waarde)
    return format_html('<span class="datum">{}</span>', tekst) if tekst else ""


register.filter("datum_tijd", opmaak.datum_tijd)


@register.filter
def datum_tijd_kort(waarde) -> str:
    """``01-12-2026 14:05`` kept on one line."""
    tekst = opmaak.datum_tijd_kort(waarde)
    return format_html('<span class="datum">{}</span>', tekst) if tekst else ""


register.filter("maand", opmaak.maand)


@register.simple_tag
def periode(begin, eind) -> str:
    """``{% periode p.begindatum p.einddatum %}``: ``01-04-2026 t/m 30-04-2026``, each date kept on
    one line (a narrow table column breaks between the dates, never inside one)."""
    if not begin and not eind:
        return ""
    return format_html(
        "{} t/m {}",
        datum_kort(begin),
        datum_kort(eind),
    )


@register.filter
def aantal(getal, vormen: str) -> str:
    """``{{ n|aantal:"regel,regels" }}``: ``1 regel``, ``0 regels``, ``3 regels`` (Dutch plurals are
    not a suffix: ``maand,maanden``, ``traject,trajecten``)."""
    enkelvoud, _, meervoud = vormen.partition(",")
    try:
        een = int(getal) == 1
    except (TypeError, ValueError):
        een = False
    return f"{getal} {enkelvoud if een else meervoud or enkelvoud}"


@register.simple_tag
def historie_regels(records):
    """``{% historie_regels historie as regels %}``: history rows as entries with who, when, why and
    per changed field the old and new value (backoffice/history.py)."""
    from backoffice.history import historie_regels as regels

    return regels(records or [])
