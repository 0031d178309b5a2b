"""The work monitor as files: CSV (streamed line by line) and XLSX (two sheets), and their names."""

import csv
import io
import itertools

from .kwartaal import Kwartaal
from .rows import BIN_KOLOMMEN, CONTRACTEN, REDENEN
from .uitvoer import Uitvoer

_GEVAARLIJK = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Against formula injection (OWASP): a text cell that a spreadsheet would read as a formula
    gets a leading apostrophe. Numbers, dates and booleans stay what they are."""
    if isinstance(value, str) and value.startswith(_GEVAARLIJK):
        return "'" + value
    return value


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _cell(value):
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if value is None:
        return ""
    return neutralise(value)


def _group_columns() -> list[str]:
    columns = ["niveau", "sleutel", "naam", "kwartaal", "onderdrukt", "trajecten", "gestart", "beeindigd"]
    columns += [f"reden_{r}" for r in REDENEN]
    columns += [
        "ooit_betaald_werk",
        "ooit_betaald_werk_pct",
        "ooit_betaald_werk_incl_beschut",
        "ooit_betaald_werk_incl_beschut_pct",
        "proefplaatsing",
    ]
    columns += [f"eerste_baan_{col}" for col in BIN_KOLOMMEN]
    columns += [
        "banen",
        *[f"banen_{c}" for c in CONTRACTEN],
        "vaste_banen",
        "gem_banen_per_werkende",
        "gem_maanden_gewerkt",
        "gem_uren_per_maand",
        "werkzaam_op_peildatum",
        "beeindigd_met_werk",
        "nog_werkzaam_bij_einde",
        "nog_werkzaam_bij_einde_pct",
    ]
    return columns


def iter_csv(records, columns, notes=()) -> "iter[str]":
    """CSV lines (with a header in camelCase, as in the JSON), semicolon-free: comma, UTF-8. The
    notes follow as rows of their own: ``opmerking`` in the first column, the text in the second."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_camel(c) for c in columns])
    yield buffer.getvalue()
    rows = ([_cell(record[c]) for c in columns] for record in records)
    for row in itertools.chain(rows, (["opmerking", note] for note in notes)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        yield buffer.getvalue()


def write_xlsx(target, uitvoer: "Uitvoer") -> None:
    """Two sheets, Trajecten and Totalen, written in write-only mode (constant memory); the notes
    under each table."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Trajecten")
    sheet.append([_camel(c) for c in uitvoer.kolommen])
    for record in uitvoer.records():
        sheet.append([_xlsx_cell(record[c]) for c in uitvoer.kolommen])
    sheet.append([])
    for note in uitvoer.opmerkingen:
        sheet.append(["opmerking", note])
    sheet = workbook.create_sheet("Totalen")
    columns = _group_columns()
    sheet.append([_camel(c) for c in columns])
    for record in uitvoer.groepen():
        sheet.append([_xlsx_cell(record[c]) for c in columns])
    sheet.append([])
    for note in uitvoer.opmerkingen:
        sheet.append(["opmerking", note])
    workbook.save(target)


def _xlsx_cell(value):
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return neutralise(value)


def bestandsnaam(kwartaal: Kwartaal, deel: str, extensie: str) -> str:
    return f"werkmonitor-{kwartaal.code}-{deel}.{extensie}" if deel else f"werkmonitor-{kwartaal.code}.{extensie}"
