"""The one spreadsheet writer (backoffice/spreadsheet.py): a text cell that a spreadsheet program
would run as a formula is written with a leading apostrophe, in CSV and in XLSX alike; numbers
and dates stay numbers and dates. No database needed."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from backoffice import spreadsheet

DANGEROUS = ["=1+2", "+31 20 123", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "  =1+2", " @x"]
HEADER = ["tekst", "bedrag", "negatief", "aantal", "datum", "op", "ja", "leeg"]
OP = dt.datetime(2026, 3, 1, 12, 5, tzinfo=dt.UTC)


def _row(text: str) -> list:
    return [text, Decimal("3200.5"), Decimal("-10"), -3, dt.date(2026, 3, 1), OP, True, None]


def _csv(rows, **kwargs) -> list[list[str]]:
    body = spreadsheet.csv_bytes(HEADER, rows, **kwargs).decode("utf-8")
    delimiter = kwargs.get("delimiter", ";")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"), newline=""), delimiter=delimiter))


def _xlsx(rows) -> list[tuple]:
    return list(load_workbook(io.BytesIO(spreadsheet.xlsx_bytes(HEADER, rows))).active.iter_rows(values_only=True))


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_formula_lead_gets_an_apostrophe_in_csv_and_xlsx(text):
    assert spreadsheet.safe_text(text) == "'" + text
    assert _csv([_row(text)])[1][0] == "'" + text
    # an XML reader may read a bare \r as \n (expat does, lxml does not): the apostrophe is what counts
    assert _xlsx([_row(text)])[1][0].replace("\r", "\n") == ("'" + text).replace("\r", "\n")


@pytest.mark.parametrize("text", ["GGZ Noord", "3200", "a=b", "2026-03-01", "< 5", "", "'al veilig"])
def test_ordinary_text_is_left_alone(text):
    assert spreadsheet.safe_text(text) == text
    assert _csv([_row(text)])[1][0] == text


def test_numbers_dates_and_booleans_stay_what_they_are_in_csv():
    header, row = _csv([_row("x")])
    assert header == HEADER
    assert row[1:] == ["3200.50", "-10.00", "-3", "2026-03-01", "2026-03-01T12:05:00Z", "ja", ""]


def test_numbers_dates_and_booleans_stay_what_they_are_in_xlsx():
    header, row = _xlsx([_row("x")])
    assert list(header) == HEADER
    assert row[1] == 3200.5 and row[2] == -10 and row[3] == -3  # numbers a spreadsheet can add up
    assert row[4] == dt.datetime(2026, 3, 1) and row[5] == dt.datetime(2026, 3, 1, 12, 5)  # dates, in UTC
    assert row[6] == "ja" and row[7] is None


def test_the_header_is_guarded_too():
    rows = list(csv.reader(io.StringIO(spreadsheet.csv_bytes(["=kop"], []).decode("utf-8-sig")), delimiter=";"))
    assert rows == [["'=kop"]]


def test_csv_streams_line_by_line_with_the_asked_delimiter_and_bom():
    lines = list(spreadsheet.iter_csv(["a", "b"], [[1, "=x"], [2.5, "y"]], delimiter=",", bom=False))
    assert lines == ["a,b\r\n", "1,'=x\r\n", "2.5,y\r\n"]
    dutch = list(spreadsheet.iter_csv(["a", "b"], [[1, "x"]]))
    assert dutch == ["\ufeffa;b\r\n", "1;x\r\n"]


def test_the_download_says_its_name_and_type():
    response = spreadsheet.response("xlsx", "regels", HEADER, [_row("=1")])
    assert response["Content-Type"] == spreadsheet.XLSX_TYPE and response.content[:2] == b"PK"
    assert response["Content-Disposition"] == 'attachment; filename="regels.xlsx"'
    response = spreadsheet.response("csv", "regels", HEADER, [_row("=1")])
    assert response["Content-Type"] == spreadsheet.CSV_TYPE
    assert response.content.decode("utf-8-sig").splitlines()[1].startswith("'=1;3200.50;")
