"""How the pages, messages, e-mails and documents write money and dates: one place, Dutch.

- Money: ``euro(8000)`` -> ``€ 8.000,00`` (a non-breaking space after the sign, a dot between
  thousands, a comma before the cents, half-up to the cent). A negative amount puts the minus
  after the sign, as the Dutch CLDR locale (nl-NL) and Dutch banks write it: ``€ -8.000,00``.
  ``euro(bedrag, "C")`` shows a credit line (debet/credit ``"C"``) as negative.
- Dates: ``datum`` -> ``1 december 2026``; ``datum_kort`` -> ``01-12-2026`` (tables, CSV for
  people); ``datum_tijd`` -> ``1 december 2026, 14:05``; ``datum_tijd_kort`` ->
  ``01-12-2026 14:05``; ``maand`` -> ``december 2026``. A moment (aware datetime) is shown in
  Europe/Amsterdam. Empty stays empty. The month names are Dutch whatever language is active (a
  Celery task or management command renders the same text as a page).

In templates these are builtins (``settings.TEMPLATES`` ``builtins``: no ``{% load %}``):
``{{ bedrag|euro }}``, ``{{ d|datum }}``, ``{{ d|datum_kort }}``, ``{{ t|datum_tijd }}``,
``{{ d|maand }}``. tests/backoffice/test_opmaak.py fails on any other money format in the
templates and in rendered pages (docs/ui.md)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

MAANDEN = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

NBSP = "\u00a0"


def euro(bedrag, debet_credit: str | None = None) -> str:
    """``8000`` -> ``€ 8.000,00``; ``-8000`` -> ``€ -8.000,00``; None or "" -> ``€ 0,00``;
    with ``debet_credit="C"`` the amount is shown negative (a credit line)."""
    if bedrag is None or bedrag == "":
        bedrag = 0
    try:
        waarde = Decimal(str(bedrag)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(bedrag)
    if debet_credit == "C":
        waarde = -abs(waarde)
    if waarde == 0:
        waarde = abs(waarde)  # no "€ -0,00"
    teken = "-" if waarde < 0 else ""
    heel, _, cent = f"{abs(waarde):.2f}".partition(".")
    groepen = []
    while heel:
        groepen.insert(0, heel[-3:])
        heel = heel[:-3]
    return f"€{NBSP}{teken}{'.'.join(groepen)},{cent}"


def _als_datum(waarde):
    if isinstance(waarde, datetime):
        return timezone.localtime(waarde) if timezone.is_aware(waarde) else waarde
    return waarde


def datum(waarde) -> str:
    """``1 december 2026``."""
    waarde = _als_datum(waarde)
    if not isinstance(waarde, date):
        return "" if not waarde else str(waarde)
    return f"{waarde.day} {MAANDEN[waarde.month - 1]} {waarde.year}"


def datum_kort(waarde) -> str:
    """``01-12-2026``."""
    waarde = _als_datum(waarde)
    if not isinstance(waarde, date):
        return "" if not waarde else str(waarde)
    return f"{waarde.day:02d}-{waarde.month:02d}-{waarde.year:04d}"


def datum_tijd(waarde) -> str:
    """``1 december 2026, 14:05`` (a date without time: ``1 december 2026``)."""
    waarde = _als_datum(waarde)
    if not isinstance(waarde, datetime):
        return datum(waarde)
    return f"{datum(waarde)}, {waarde:%H:%M}"


def datum_tijd_kort(waarde) -> str:
    """``01-12-2026 14:05``."""
    waarde = _als_datum(waarde)
    if not isinstance(waarde, datetime):
        return datum_kort(waarde)
    return f"{datum_kort(waarde)} {waarde:%H:%M}"


def maand(waarde) -> str:
    """``december 2026``."""
    waarde = _als_datum(waarde)
    if not isinstance(waarde, date):
        return "" if not waarde else str(waarde)
    return f"{MAANDEN[waarde.month - 1]} {waarde.year}"


# Every "€" a user reads is followed by this; "EUR" is never shown (tests/backoffice/test_opmaak.py).
# Whole euros (``€ 12.345``) only where cents would be noise: a chart's axis (declaraties/grafiek.py).
GOED_BEDRAG = re.compile(r"€[\u00a0 ]-?\d{1,3}(?:\.\d{3})*(?:,\d{2}(?!\d)|(?![\d,.]))")
_EURO_TEKEN = re.compile(r"-?\s?€(?=[\u00a0 ]?-?\d)")
_EUR_WOORD = re.compile(r"\bEUR\b")


def verkeerde_bedragen(tekst: str) -> list[str]:
    """The money in ``tekst`` not written as ``€ 8.000,00``, with some context (empty: all well)."""
    fout = []
    for m in _EUR_WOORD.finditer(tekst):
        fout.append(tekst[max(0, m.start() - 20) : m.end() + 20])
    for m in _EURO_TEKEN.finditer(tekst):
        begin = m.end() - 1
        if m.group().startswith("-") or not GOED_BEDRAG.match(tekst, begin):
            fout.append(tekst[max(0, m.start() - 20) : m.end() + 20])
    return fout
