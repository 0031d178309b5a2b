"""Spreadsheet files, CSV and XLSX, and their download: the one writer of every export (the money
lists of declaraties, the work monitor of trajecten), with one guard against formula injection.

Spreadsheet programs execute a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage
return or a line feed as a formula, also after leading spaces; such a text cell gets a leading
apostrophe (OWASP "CSV injection"). Numbers and dates are written as numbers and dates, never as
text, so they stay usable in a spreadsheet and are not touched by the guard (a negative amount is
a number, not a formula). Booleans are ``ja``/``nee``; nothing (None) is an empty cell.

CSV: UTF-8, ``\\r\\n`` line ends; by default semicolon-separated with a BOM, as Dutch Excel expects
(the work monitor's API answers comma-separated without BOM: ``delimiter=","``, ``bom=False``);
amounts with a decimal point and two places, dates ISO 8601, times in UTC with a ``Z``.
``iter_csv`` yields line by line (a streaming response of any length in constant memory).
XLSX: openpyxl in write-only mode (constant memory), one or more sheets."""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse

FORMATS = ("csv", "xlsx")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n")

Sheet = tuple[str, Sequence[str], Iterable[Sequence]]  # (title, header, rows)


def safe_text(value: str) -> str:
    """A text cell that cannot be read as a formula."""
    if value[:1] in _DANGEROUS or value.lstrip(" ")[:1] in _DANGEROUS:
        return "'" + value
    return value


def cell(value):
    """One value as a cell: None stays empty, a boolean is ja/nee, numbers and dates stay what they
    are, anything else is text behind the guard."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, (int, float, Decimal, date)):  # datetime is a date
        return value
    return safe_text(str(value))


def _csv_value(value, nl: bool = False):
    value = cell(value)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        if nl:  # Dutch Excel: 1.234,56 (the lists' exports, backoffice.lijsten)
            return f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
        return f"{value:.2f}"
    if isinstance(value, datetime):
        if nl:  # a local time without zone (backoffice.lijsten converts it)
            return value.strftime("%d-%m-%Y %H:%M")
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y") if nl else value.isoformat()
    return value


def iter_csv(
    header: Sequence[str], rows: Iterable[Sequence], *, delimiter: str = ";", bom: bool = True, nl: bool = False
) -> Iterator[str]:
    """The CSV lines, the header first (after a BOM when ``bom``), one string per row. ``nl``:
    amounts as ``1.234,56`` and dates as ``01-12-2026`` (the list exports, for Dutch Excel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([_csv_value(h) for h in header])
    yield ("\ufeff" if bom else "") + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_value(value, nl) for value in row])
        yield buffer.getvalue()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence], *, delimiter: str = ";", bom: bool = True) -> bytes:
    return "".join(iter_csv(header, rows, delimiter=delimiter, bom=bom)).encode("utf-8")


def _xlsx_value(value):
    value = cell(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # openpyxl cannot store a time zone; these are UTC
    return value


def xlsx_write(target, sheets: Iterable[Sheet]) -> None:
    """A workbook with one sheet per ``(title, header, rows)``, to a path or a binary file."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([_xlsx_value(h) for h in header])

        def _cel(value, sheet=sheet):
            value = _xlsx_value(value)
            if isinstance(value, Decimal):  # money: a number shown with two places
                value = WriteOnlyCell(sheet, value=value)
                value.number_format = "#,##0.00"
            elif isinstance(value, date) and not isinstance(value, datetime):
                value = WriteOnlyCell(sheet, value=value)
                value.number_format = "DD-MM-YYYY"
            return value

        for row in rows:
            sheet.append([_cel(value) for value in row])
    workbook.save(target)


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence], *, title: str = "Export") -> bytes:
    buffer = io.BytesIO()
    xlsx_write(buffer, [(title, header, rows)])
    return buffer.getvalue()


def attachment(response, filename: str):
    """``response`` as a download named ``filename`` (with its extension)."""
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def response(formaat: str, filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """A download in the format asked for (``csv`` or ``xlsx``); ``filename`` without extension."""
    if formaat == "xlsx":
        body, content_type = xlsx_bytes(header, rows, title=filename), XLSX_TYPE
    else:
        body, content_type = csv_bytes(header, rows), CSV_TYPE
    return attachment(HttpResponse(body, content_type=content_type), f"{filename}.{formaat}")


def csv_streaming_response(lines: Iterable[str], filename: str) -> StreamingHttpResponse:
    """A CSV download streamed from ``iter_csv`` lines; ``filename`` with its extension."""
    return attachment(StreamingHttpResponse(lines, content_type=CSV_TYPE), filename)


def xlsx_response(sheets: Iterable[Sheet], filename: str) -> HttpResponse:
    """An XLSX download of ``sheets`` (see ``xlsx_write``); ``filename`` with its extension."""
    buffer = io.BytesIO()
    xlsx_write(buffer, sheets)
    return attachment(HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE), filename)
