"""The work monitor as files: CSV (streamed line by line) and XLSX (two sheets), and their names,
through the core's one spreadsheet writer and its injection guard (backoffice/spreadsheet.py)."""

import itertools
from collections.abc import Iterator

from backoffice import spreadsheet

from .kwartaal import Kwartaal
from .rows import BIN_KOLOMMEN, CONTRACTEN, REDENEN
from .uitvoer import Uitvoer


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


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
    columns += [f"eerste_baan_{col}_incl_beschut" for col in BIN_KOLOMMEN]
    columns += [
        "banen",
        "banen_incl_beschut",
        *[f"banen_{c}" for c in CONTRACTEN],
        "vaste_banen",
        "gem_banen_per_werkende",
        "gem_maanden_gewerkt",
        "gem_uren_per_maand",
        "werkzaam_op_peildatum",
        "beeindigd_met_werk",
        "nog_werkzaam_bij_einde",
        "nog_werkzaam_bij_einde_pct",
        "werkzaam_op_peildatum_incl_beschut",
        "beeindigd_met_werk_incl_beschut",
        "nog_werkzaam_bij_einde_incl_beschut",
        "nog_werkzaam_bij_einde_incl_beschut_pct",
    ]
    return columns


def _rows(records, columns, notes) -> Iterator[list]:
    """The records' values in ``columns``, then the notes as rows of their own: ``opmerking`` in
    the first column, the text in the second."""
    yield from ([record[c] for c in columns] for record in records)
    yield from (["opmerking", note] for note in notes)


def iter_csv(records, columns, notes=()) -> Iterator[str]:
    """CSV lines (with a header in camelCase, as in the JSON), semicolon-free: comma, UTF-8, no BOM;
    the notes under the table."""
    return spreadsheet.iter_csv([_camel(c) for c in columns], _rows(records, columns, notes), delimiter=",", bom=False)


def xlsx_sheets(uitvoer: "Uitvoer") -> list[spreadsheet.Sheet]:
    """Two sheets, Trajecten and Totalen; the notes under each table, after an empty row."""
    columns = _group_columns()
    notes = [[], *(["opmerking", note] for note in uitvoer.opmerkingen)]
    trajecten = itertools.chain(_rows(uitvoer.records(), uitvoer.kolommen, ()), notes)
    return [
        ("Trajecten", [_camel(c) for c in uitvoer.kolommen], trajecten),
        ("Totalen", [_camel(c) for c in columns], itertools.chain(_rows(uitvoer.groepen(), columns, ()), notes)),
    ]


def write_xlsx(target, uitvoer: "Uitvoer") -> None:
    """The workbook of ``xlsx_sheets``, written in write-only mode (constant memory)."""
    spreadsheet.xlsx_write(target, xlsx_sheets(uitvoer))


def bestandsnaam(kwartaal: Kwartaal, deel: str, extensie: str) -> str:
    return f"werkmonitor-{kwartaal.code}-{deel}.{extensie}" if deel else f"werkmonitor-{kwartaal.code}.{extensie}"
