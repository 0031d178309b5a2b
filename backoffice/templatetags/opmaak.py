"""Money and dates in every template, without ``{% load %}`` (a builtin, settings.TEMPLATES):
``{{ bedrag|euro }}`` (``€ 8.000,00``, negative ``€ -8.000,00``; ``{{ p.bedrag|euro:p.debet_credit }}``
shows a credit line negative), ``{{ d|datum }}`` (``1 december 2026``), ``{{ d|datum_kort }}``
(``01-12-2026``), ``{{ t|datum_tijd }}`` (``1 december 2026, 14:05``), ``{{ t|datum_tijd_kort }}``
(``01-12-2026 14:05``), ``{{ d|maand }}`` (``december 2026``). The functions: backoffice/opmaak.py."""

from django import template

from backoffice import opmaak

register = template.Library()

register.filter("euro", opmaak.euro)
register.filter("datum", opmaak.datum)
register.filter("datum_kort", opmaak.datum_kort)
register.filter("datum_tijd", opmaak.datum_tijd)
register.filter("datum_tijd_kort", opmaak.datum_tijd_kort)
register.filter("maand", opmaak.maand)
