"""The co-financing claim as an invoice to the gemeente (domain.md 8 and 13): the one set of data
that both the PDF (template ``declaraties/documenten/factuur.html``) and the UBL e-invoice
(``declaraties/ubl.py``) are made from. They agree when they are made from the same claim state,
but not always afterwards: the PDF is fixed when the claim is sent, while the UBL is made from the
claim as it is at the download, so a line added late (``regels_bijschrijven``) or dropped after an
upheld dispute shows in the UBL only, under the same invoice number.

No personal data: a line names the trajectory only by its ``toewijzingNummer`` (which the gemeente
finds in its own beschikking), the product, the period and the amounts."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings

from . import selectors
from .models import ZERO, Vordering

PRODUCTEN = {"start": "Start", "periode": "Periode", "plaatsing": "Plaatsing"}


@dataclass(frozen=True)
class Factuurregel:
    nummer: int
    toewijzing_nummer: int
    product_code: str
    product: str
    regeling: str
    begindatum: date
    einddatum: date
    debet_credit: str
    betaald_bedrag: Decimal  # what UWV paid on the declaration line (negative for a credit)
    aandeel: Decimal  # the gemeente's co-financing share, 0.00-1.00
    bedrag: Decimal  # what is claimed: betaald_bedrag x aandeel (negative for a credit)

    @property
    def omschrijving(self) -> str:
        return f"Traject {self.toewijzing_nummer}, {self.product} ({self.regeling})"


@dataclass(frozen=True)
class Factuur:
    vordering: Vordering
    nummer: str
    datum: date
    vervaldatum: date
    periode: date
    verkoper: dict
    koper: dict
    regels: list[Factuurregel]

    @property
    def totaal(self) -> Decimal:
        return sum((r.bedrag for r in self.regels), start=ZERO)

    @property
    def totaal_betaald(self) -> Decimal:
        return sum((r.betaald_bedrag for r in self.regels), start=ZERO)


def verkoper() -> dict:
    """UWV as the seller, from settings (placeholders until configured: docs/declaraties.md)."""
    return dict(settings.IPS_FACTUUR_VERKOPER)


def koper(gemeente) -> dict:
    """The gemeente as the buyer: its name and CBS code, and from ``IPS_GEMEENTE_FACTUURGEGEVENS``
    its OIN (Peppol scheme 0190) and postal address. What is not configured is a PLACEHOLDER
    (``placeholder`` lists which): the OIN then is 20 digits made from the CBS code, which no real
    OIN is, and the address says it is unknown."""
    gegevens = settings.IPS_GEMEENTE_FACTUURGEGEVENS.get(gemeente.code, {})
    standaard = {
        "oin": f"00000001{'0' * 5}{gemeente.code}000",
        "straat": "Adres onbekend (placeholder)",
        "postcode": "0000 AA",
        "plaats": gemeente.naam,
    }
    out = {"naam": f"Gemeente {gemeente.naam}", "code": gemeente.code, "land": "NL"}
    out |= {k: gegevens.get(k) or v for k, v in standaard.items()}
    out["placeholder"] = [k for k in standaard if not gegevens.get(k)]
    return out


def regels(vordering: Vordering) -> list[Factuurregel]:
    """The claimed lines, by toewijzingNummer and period; a line whose dispute was upheld is no
    longer claimed and is left out (so the lines add up to ``vordering.bedrag``)."""
    return regels_van([vordering])[vordering.pk]


def regels_van(vorderingen: list[Vordering]) -> dict[int, list[Factuurregel]]:
    """``regels`` of many claims in one query, per claim id."""
    out: dict[int, list[Factuurregel]] = {v.pk: [] for v in vorderingen}
    rijen = (
        selectors.vordering_regels(vorderingen)
        .exclude(bezwaar="toegewezen")
        .values_list(
            "vordering_id",
            "prestatie__toewijzing_nummer",
            "prestatie__product_code",
            "regeling__code",
            "prestatie__begindatum",
            "prestatie__einddatum",
            "prestatie__debet_credit",
            "prestatie__toegekend_bedrag",
            "aandeel",
            "bedrag",
        )
    )  # as tuples, not models: a month has thousands of lines (docs/performance.md, issue 13)
    for vordering_id, toewijzing, product_code, regeling, begin, eind, dc, toegekend, aandeel, bedrag in rijen:
        lijst = out[vordering_id]
        lijst.append(
            Factuurregel(
                nummer=len(lijst) + 1,
                toewijzing_nummer=toewijzing,
                product_code=product_code,
                product=PRODUCTEN.get(product_code, product_code),
                regeling=regeling,
                begindatum=begin,
                einddatum=eind,
                debet_credit=dc,
                betaald_bedrag=toegekend * (-1 if dc == "C" else 1),
                aandeel=aandeel,
                bedrag=bedrag,
            )
        )
    return out


def factuur(vordering: Vordering, regels_: list[Factuurregel] | None = None) -> Factuur:
    """The invoice of a sent claim (a concept claim has no invoice number yet: the caller checks);
    ``regels_``: its lines when the caller has them (``regels_van``)."""
    return Factuur(
        vordering=vordering,
        nummer=vordering.factuurnummer,
        datum=vordering.factuurdatum,
        vervaldatum=vordering.vervaldatum,
        periode=vordering.periode,
        verkoper=verkoper(),
        koper=koper(vordering.gemeente),
        regels=regels(vordering) if regels_ is None else regels_,
    )
