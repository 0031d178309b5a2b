"""CSV and XLSX exports of money lists (payment-order lines, claim lines, the claims overview).

Spreadsheet programs execute a cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or
carriage return followed by one) as a formula, so every text cell that starts with one of those is
prefixed with a quote (OWASP "CSV injection"). Amounts and dates are written as numbers and dates,
never as text, so they stay usable in a spreadsheet and are not touched by the guard."""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_text(value: str) -> str:
    """A text cell that cannot be read as a formula."""
    if value[:1] in _DANGEROUS or value.lstrip(" ")[:1] in _DANGEROUS:
        return "'" + value
    return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, (int, Decimal, date, datetime)):
        return value
    return safe_text(str(value))


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a BOM (so Excel reads the accents), semicolon-separated as Dutch Excel expects,
    amounts with a decimal point and two places."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in header])
    for row in rows:
        out = []
        for value in row:
            value = _cell(value)
            if isinstance(value, Decimal):
                value = f"{value:.2f}"
            elif isinstance(value, datetime):
                value = value.strftime("%Y-%m-%dT%H:%M:%SZ")
            elif isinstance(value, date):
                value = value.isoformat()
            out.append(value)
        writer.writerow(out)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence], *, title: str = "Export") -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([safe_text(h) for h in header])
    for row in rows:
        out = []
        for value in row:
            value = _cell(value)
            if isinstance(value, datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)  # openpyxl cannot store a time zone; these are UTC
            out.append(value)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def response(formaat: str, filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """A download in the format asked for (``csv`` or ``xlsx``); ``filename`` without extension."""
    if formaat == "xlsx":
        body, content_type = xlsx_bytes(header, rows, title=filename), XLSX_TYPE
    else:
        body, content_type = csv_bytes(header, rows), CSV_TYPE
    result = HttpResponse(body, content_type=content_type)
    result["Content-Disposition"] = f'attachment; filename="{filename}.{formaat}"'
    return result
