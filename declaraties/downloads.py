"""What the money's spreadsheets contain, for the API (``formaat=csv|xlsx``) and the web pages
alike: the lines of a payment order, the lines of a claim and the claims overview per gemeente.
Columns and rows only; the file itself (and its guard against formulas) is ``backoffice.spreadsheet.response``.
No BSN and no name in any of them: only the numbers a provider quotes."""

from django.http import HttpResponse
from django.utils import timezone

from backoffice import spreadsheet

from . import upload
from .models import Betaalopdracht, Prestatie, Vordering

OPDRACHT_REGEL_KOLOMMEN = [
    "toewijzingNummer",
    "productReferentie",
    "productCode",
    "periodeBegin",
    "periodeEind",
    "bedrag",
    "debetCredit",
    "vorigReferentieNummer",
    "gemeente",
    "perceel",
    "betaaldOp",
]


def opdracht_regel_rij(p: Prestatie) -> list:
    return [
        p.toewijzing_nummer,
        p.product_referentie,
        p.product_code,
        p.begindatum,
        p.einddatum,
        p.toegekend_bedrag,
        p.debet_credit,
        p.vorig_referentie_nummer,
        p.traject.gemeente.code if p.traject_id and p.traject.gemeente_id else "",
        p.traject.perceel.code if p.traject_id else "",
        p.betaald_op,
    ]


def betaalopdracht_regels_export(formaat: str, opdracht: Betaalopdracht, regels) -> HttpResponse:
    """An order's lines (``selectors.betaalopdracht_regels``) as CSV or XLSX."""
    return spreadsheet.response(
        formaat,
        f"betaalopdracht-{opdracht.datum:%Y-%m-%d}-{opdracht.uuid}",
        OPDRACHT_REGEL_KOLOMMEN,
        (opdracht_regel_rij(p) for p in regels.iterator(chunk_size=2000)),
    )


VORDERING_REGEL_KOLOMMEN = [
    "vordering",
    "gemeente",
    "periode",
    "toewijzingNummer",
    "productReferentie",
    "productCode",
    "periodeBegin",
    "periodeEind",
    "debetCredit",
    "betaaldBedrag",
    "betaaldOp",
    "aandeel",
    "bedrag",
    "bezwaar",
    "bezwaarToelichting",
    "bezwaarBesluitToelichting",
]


def vordering_regels_export(formaat: str, vordering: Vordering, regels) -> HttpResponse:
    """A claim's lines (``selectors.vordering_regels``) as CSV or XLSX."""
    periode = f"{vordering.periode:%Y-%m}"
    rows = (
        [
            str(vordering.uuid),
            vordering.gemeente.code,
            periode,
            r.prestatie.toewijzing_nummer,
            r.prestatie.product_referentie,
            r.prestatie.product_code,
            r.prestatie.begindatum,
            r.prestatie.einddatum,
            r.prestatie.debet_credit,
            r.prestatie.toegekend_bedrag,
            r.prestatie.betaald_op,
            r.aandeel,
            r.bedrag,
            r.bezwaar,
            r.bezwaar_toelichting,
            r.bezwaar_besluit_toelichting,
        ]
        for r in regels
    )
    return spreadsheet.response(
        formaat, f"vordering-{vordering.gemeente.code}-{periode}", VORDERING_REGEL_KOLOMMEN, rows
    )


OVERZICHT_KOLOMMEN = [
    ("gemeente", "gemeente__code"),
    ("gemeenteNaam", "gemeente__naam"),
    ("aantalVorderingen", "aantal"),
    ("aantalBetaald", "aantal_betaald"),
    ("aantalTeLaat", "aantal_te_laat"),
    ("aantalBetwist", "aantal_betwist"),
    ("gevorderd", "gevorderd"),
    ("ontvangen", "ontvangen_totaal"),
    ("openstaand", "openstaand"),
    ("teLaat", "te_laat"),
    ("oudsteVervaldatum", "oudste_vervaldatum"),
    ("trajecten", "trajecten"),
    ("trajectenNietVergoed", "trajecten_niet_vergoed"),
]


def vorderingen_overzicht_export(formaat: str, rows: list[dict]) -> HttpResponse:
    """The overview per gemeente (``selectors.vorderingen_overzicht_for``) as CSV or XLSX."""
    return spreadsheet.response(
        formaat,
        f"vorderingen-overzicht-{timezone.localdate():%Y-%m-%d}",
        [name for name, _ in OVERZICHT_KOLOMMEN],
        ([row[key] for _, key in OVERZICHT_KOLOMMEN] for row in rows),
    )


def sjabloon_response(formaat: str) -> HttpResponse:
    """The empty declaration spreadsheet (``upload.sjabloon_csv``/``sjabloon_xlsx``) as a download,
    for the web page and the API alike."""
    if formaat == "xlsx":
        body, content_type = upload.sjabloon_xlsx(), spreadsheet.XLSX_TYPE
    else:
        body, content_type = upload.sjabloon_csv(), spreadsheet.CSV_TYPE
    return spreadsheet.attachment(HttpResponse(body, content_type=content_type), f"declaratie-sjabloon.{formaat}")
