"""A declaration from a spreadsheet (issue 3 item 3): CSV or XLSX, one row per line.

This module only reads the file and turns its rows into the same payload as the JSON declaration
(``POST /api/v1/declaraties``); the API's serializer then checks every field exactly as for JSON,
and the service judges the lines. Errors in a cell are reported by file row (``regel 7:
ingediendBedrag``), the header being row 1. Nothing in a cell is ever evaluated: a cell that looks
like a formula is text (CSV) or the value the spreadsheet stored (XLSX, ``data_only``).

Column layout: docs/declaraties.md."""

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

MAX_BYTES = 10 * 1024 * 1024  # 10 MB
MAX_REGELS = 10_000
MAX_UITGEPAKT = 100 * 1024 * 1024  # an XLSX is a zip: refuse what unpacks to more than 100 MB

DECLARATIE_KOLOMMEN = ("declaratieNummer", "declaratiePeriodeBegin", "declaratiePeriodeEind")
PRESTATIE_KOLOMMEN = (
    "productReferentie",
    "toewijzingNummer",
    "productCode",
    "productPeriodeBegin",
    "productPeriodeEind",
    "geleverdVolume",
    "ingediendBedrag",
    "debetCredit",
    "vorigReferentieNummer",
)
KOLOMMEN = DECLARATIE_KOLOMMEN + PRESTATIE_KOLOMMEN
OPTIONEEL = {"debetCredit", "vorigReferentieNummer"}
DECIMAAL = {"geleverdVolume", "ingediendBedrag"}
DATUM = {"declaratiePeriodeBegin", "declaratiePeriodeEind", "productPeriodeBegin", "productPeriodeEind"}

# JSON field name (as the serializer reports it) -> column name, for error messages per row.
_JSON_NAAR_KOLOM = {
    "declaratieNummer": "declaratieNummer",
    "declaratiePeriode": "declaratiePeriodeBegin",
    "declaratiePeriode.begindatum": "declaratiePeriodeBegin",
    "declaratiePeriode.einddatum": "declaratiePeriodeEind",
    "productPeriode": "productPeriodeBegin",
    "productPeriode.begindatum": "productPeriodeBegin",
    "productPeriode.einddatum": "productPeriodeEind",
}

VOORBEELD = {
    "declaratieNummer": "D2026-01-001",
    "declaratiePeriodeBegin": dt.date(2026, 1, 1),
    "declaratiePeriodeEind": dt.date(2026, 1, 31),
    "productReferentie": "REF-2026-0001",
    "toewijzingNummer": 123456,
    "productCode": "periode",
    "productPeriodeBegin": dt.date(2026, 1, 1),
    "productPeriodeEind": dt.date(2026, 1, 31),
    "geleverdVolume": Decimal("31"),
    "ingediendBedrag": Decimal("88.89"),
    "debetCredit": "D",
    "vorigReferentieNummer": "",
}


class UploadFout(Exception):
    """The file itself is unusable: every problem found, as invalidParams."""

    def __init__(self, params: list[dict]):
        super().__init__("; ".join(p["reason"] for p in params))
        self.params = params


def _fout(code: str, reason: str, name: str = "bestand") -> UploadFout:
    return UploadFout([{"name": name, "code": code, "reason": reason}])


@dataclass
class Gelezen:
    """The payload in the shape the JSON parser hands to the serializer, and per line its row."""

    data: dict
    bron: str
    rijen: list[int] = field(default_factory=list)
    fouten: list[dict] = field(default_factory=list)  # cells that are no date, reported with the serializer's

    def regel(self, index: int) -> int:
        return self.rijen[index] if 0 <= index < len(self.rijen) else 0


# --- reading ----------------------------------------------------------------------------------------


def lees(bestand) -> Gelezen:
    """Read an uploaded file (Django ``UploadedFile`` or anything with ``name``, ``size``, ``read``)."""
    naam = (getattr(bestand, "name", "") or "").lower()
    size = getattr(bestand, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _fout("bestand-te-groot", f"Het bestand is groter dan {MAX_BYTES // (1024 * 1024)} MB.")
    raw = bestand.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise _fout("bestand-te-groot", f"Het bestand is groter dan {MAX_BYTES // (1024 * 1024)} MB.")
    if not raw.strip():
        raise _fout("bestand-leeg", "Het bestand is leeg.")
    if naam.endswith(".xlsx"):
        return _van_rijen(_xlsx_rijen(raw), bron="xlsx")
    if naam.endswith(".csv"):
        return _van_rijen(_csv_rijen(raw), bron="csv")
    raise _fout("bestandstype-onbekend", "Alleen een .csv- of .xlsx-bestand kan worden ingelezen.")


def _csv_rijen(raw: bytes) -> list[tuple[int, list]]:
    if raw.startswith(b"PK\x03\x04"):
        raise _fout("bestand-onleesbaar", "Dit is geen CSV-bestand (het lijkt een XLSX-bestand).")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fout("codering-ongeldig", "Het CSV-bestand is niet in UTF-8 gecodeerd.") from None
    if "\x00" in text:
        raise _fout("bestand-onleesbaar", "Het CSV-bestand bevat ongeldige tekens (NUL).")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    rows: list[tuple[int, list]] = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            if any(cell.strip() for cell in row):
                rows.append((number, row))
                if len(rows) > MAX_REGELS + 1:
                    raise _fout("te-veel-regels", f"Het bestand heeft meer dan {MAX_REGELS} regels.")
    except csv.Error as exc:
        raise _fout("bestand-onleesbaar", f"Het CSV-bestand is niet te lezen: {exc}.") from None
    return rows


def _xlsx_rijen(raw: bytes) -> list[tuple[int, list]]:
    import openpyxl

    if not raw.startswith(b"PK\x03\x04"):
        raise _fout("bestand-onleesbaar", "Dit is geen geldig XLSX-bestand.")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UITGEPAKT:
                raise _fout("bestand-te-groot", "Het XLSX-bestand is uitgepakt te groot.")
    except zipfile.BadZipFile:
        raise _fout("bestand-onleesbaar", "Dit is geen geldig XLSX-bestand.") from None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise _fout("bestand-onleesbaar", "Dit is geen geldig XLSX-bestand.") from None
    rows: list[tuple[int, list]] = []
    try:
        if not workbook.worksheets:
            raise _fout("bestand-leeg", "Het XLSX-bestand heeft geen werkblad.")
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True, max_col=len(KOLOMMEN) + 20), start=1):
            if any(cell is not None and str(cell).strip() for cell in row):
                rows.append((number, list(row)))
                if len(rows) > MAX_REGELS + 1:
                    raise _fout("te-veel-regels", f"Het bestand heeft meer dan {MAX_REGELS} regels.")
    except UploadFout:
        raise
    except Exception:  # noqa: BLE001
        raise _fout("bestand-onleesbaar", "Het XLSX-bestand is niet te lezen.") from None
    finally:
        workbook.close()
    return rows


# --- cells ------------------------------------------------------------------------------------------


def _tekst(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f") if value == value else ""
    return str(value).strip()


def _decimaal(value) -> str:
    """Decimal as text for the serializer; a Dutch decimal comma (and thousands dots) accepted."""
    text = _tekst(value)
    if "," in text:
        text = text.replace(".", "").replace(",", ".") if "." in text else text.replace(",", ".")
    return text


def _geheel(value) -> str:
    text = _tekst(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    if not number.is_finite() or number.adjusted() > 18:
        # Far beyond any toewijzingNummer: leave the text to the serializer (400). ``int()`` of
        # "1e5000" raised ValueError (a 500) and of "1e999999999" would build a gigantic integer.
        return text
    return str(int(number)) if number == number.to_integral_value() else text


_NL_DATUM = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_ISO_DATUM = re.compile(r"\d{4}-\d{2}-\d{2}")
DATUM_UITLEG = "Schrijf een datum als DD-MM-JJJJ (01-12-2026) of JJJJ-MM-DD (2026-12-01)."


def _datum(value) -> str | None:
    """A date cell as ISO text: a spreadsheet date, ``01-12-2026`` (also ``1-12-2026``, with ``/`` or
    ``.``) or ``2026-12-01``; empty stays empty (the serializer says it is required); None: not a date."""
    text = _tekst(value)
    if not text or _ISO_DATUM.fullmatch(text):
        return text
    match = _NL_DATUM.fullmatch(text)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _cel(kolom: str, value) -> str:
    if kolom in DATUM:
        datum = _datum(value)
        return _tekst(value) if datum is None else datum
    if kolom in DECIMAAL:
        return _decimaal(value)
    if kolom == "toewijzingNummer":
        return _geheel(value)
    if kolom == "debetCredit":
        return _tekst(value).upper()
    return _tekst(value)


def _van_rijen(rows: list[tuple[int, list]], *, bron: str) -> Gelezen:
    if not rows:
        raise _fout("bestand-leeg", "Het bestand is leeg.")
    header_row, header = rows[0]
    wanted = {k.lower(): k for k in KOLOMMEN}
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = wanted.get(_tekst(cell).lower())
        if name and name not in positions:
            positions[name] = index
    missing = [k for k in KOLOMMEN if k not in positions and k not in OPTIONEEL]
    if missing:
        raise UploadFout(
            [
                {"name": "bestand", "code": "kolom-ontbreekt", "reason": f"Kolom {k} ontbreekt in de kopregel."}
                for k in missing
            ]
        )
    data_rows = rows[1:]
    if not data_rows:
        raise _fout("bestand-leeg", "Het bestand heeft een kopregel maar geen regels.")
    if len(data_rows) > MAX_REGELS:
        raise _fout("te-veel-regels", f"Het bestand heeft meer dan {MAX_REGELS} regels.")

    def cell(row: list, kolom: str) -> str:
        index = positions.get(kolom)
        return _cel(kolom, row[index] if index is not None and index < len(row) else None)

    first_number, first = data_rows[0]
    declaratie = {k: cell(first, k) for k in DECLARATIE_KOLOMMEN}
    params, datumfouten = [], []
    prestaties, rijen = [], []
    for number, row in data_rows:
        for kolom in sorted(DATUM, key=KOLOMMEN.index):
            index = positions.get(kolom)
            raw = row[index] if index is not None and index < len(row) else None
            if _datum(raw) is None:
                datumfouten.append(
                    {
                        "name": f"regel {number}: {kolom}",
                        "code": "datum-ongeldig",
                        "reason": f"'{_tekst(raw)}' is geen geldige datum. {DATUM_UITLEG}",
                    }
                )
        for kolom in DECLARATIE_KOLOMMEN:
            if cell(row, kolom) != declaratie[kolom]:
                params.append(
                    {
                        "name": f"regel {number}: {kolom}",
                        "code": "declaratie-kolom-wisselt",
                        "reason": f"{kolom} moet op elke regel gelijk zijn; wijkt af van regel {first_number}.",
                    }
                )
        prestatie = {
            "product_referentie": cell(row, "productReferentie"),
            "toewijzing_nummer": cell(row, "toewijzingNummer"),
            "product_code": cell(row, "productCode"),
            "product_periode": {
                "begindatum": cell(row, "productPeriodeBegin"),
                "einddatum": cell(row, "productPeriodeEind"),
            },
            "geleverd_volume": cell(row, "geleverdVolume"),
            "ingediend_bedrag": cell(row, "ingediendBedrag"),
            "vorig_referentie_nummer": cell(row, "vorigReferentieNummer"),
        }
        debet_credit = cell(row, "debetCredit")
        if debet_credit:
            prestatie["debet_credit"] = debet_credit
        prestaties.append(prestatie)
        rijen.append(number)
    if params:
        raise UploadFout(params)
    data = {
        "declaratie_nummer": declaratie["declaratieNummer"],
        "declaratie_periode": {
            "begindatum": declaratie["declaratiePeriodeBegin"],
            "einddatum": declaratie["declaratiePeriodeEind"],
        },
        "prestaties": prestaties,
    }
    return Gelezen(data=data, bron=bron, rijen=rijen, fouten=datumfouten)


def hernoem(params: list[dict], gelezen: Gelezen) -> list[dict]:
    """Serializer errors (``prestaties.3.ingediendBedrag``) in the file's terms (``regel 5: ingediendBedrag``)."""
    first_row = gelezen.regel(0)
    out = []
    for param in params:
        name = param["name"]
        parts = name.split(".")
        if parts[0] == "prestaties" and len(parts) >= 3 and parts[1].isdigit():
            rest = ".".join(parts[2:])
            name = f"regel {gelezen.regel(int(parts[1]))}: {_JSON_NAAR_KOLOM.get(rest, rest)}"
        elif parts[0] == "prestaties":
            name = "bestand"
        elif name in _JSON_NAAR_KOLOM:
            name = f"regel {first_row}: {_JSON_NAAR_KOLOM[name]}"
        out.append({**param, "name": name})
    return out


# --- templates --------------------------------------------------------------------------------------


def _nl(value) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",") if value != value.to_integral_value() else str(int(value))
    return str(value)


def sjabloon_csv() -> bytes:
    """Header and one example row; ``;`` and a decimal comma as Dutch spreadsheets write them, with a
    BOM so that Excel opens it as UTF-8."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(KOLOMMEN)
    writer.writerow([_nl(VOORBEELD[k]) for k in KOLOMMEN])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def sjabloon_xlsx() -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Declaratie"
    sheet.append(list(KOLOMMEN))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append([float(v) if isinstance(v, Decimal) else v for v in (VOORBEELD[k] for k in KOLOMMEN)])
    for cell in sheet[2]:
        if isinstance(cell.value, dt.date):
            cell.number_format = "yyyy-mm-dd"
        elif cell.column_letter and KOLOMMEN[cell.column - 1] in DECIMAAL:
            cell.number_format = "0.00"
    for index, kolom in enumerate(KOLOMMEN, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = max(14, len(kolom) + 2)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
