"""Server-rendered charts for the dashboards: horizontal stacked bars as inline SVG.

No JavaScript, no build step, no inline style (only SVG attributes and CSS classes). A chart is
decoration for sighted users: the template marks it ``role="img"`` with a title and a one-line
description, and every chart has a table with the same numbers next to it."""

from dataclasses import dataclass, field
from decimal import Decimal

BREEDTE = 640
LABEL = 120
RIJ = 26
BALK = 18
MARGE = 8

# SVG presentation attributes, not style: nothing for a Content-Security-Policy to refuse.
KLEUREN = {
    "seg-gerealiseerd": "#01689b",
    "seg-gereserveerd": "#8fcae7",
    "seg-vrij": "#f3f3f3",
    "seg-ontvangen": "#39870c",
    "seg-open": "#ffb612",
    "seg-te-laat": "#d52b1e",
}


@dataclass
class Segment:
    naam: str
    waarde: Decimal
    klasse: str
    x: float = 0
    breedte: float = 0

    @property
    def kleur(self) -> str:
        return KLEUREN.get(self.klasse, "#535353")

    @property
    def tekst(self) -> str:
        return f"{self.naam}: {euro_kort(self.waarde)}"


@dataclass
class Rij:
    label: str
    segmenten: list[Segment]
    y: float = 0
    totaal: Decimal = Decimal("0")
    tekst_x: float = 0

    @property
    def totaal_tekst(self) -> str:
        return euro_kort(self.totaal)


@dataclass
class Diagram:
    titel: str
    beschrijving: str
    rijen: list[Rij]
    legenda: list[tuple[str, str, str]] = field(default_factory=list)
    breedte: int = BREEDTE
    hoogte: int = 0
    label_breedte: int = LABEL
    tekst_y: float = 0


def euro_kort(value: Decimal) -> str:
    """€ 12.345 (no cents: a chart label, the table has the exact amount)."""
    return "€\u00a0" + f"{value:,.0f}".replace(",", ".")


def gestapeld(*, titel: str, beschrijving: str, rijen: list[tuple[str, list[tuple[str, Decimal, str]]]]) -> Diagram:
    """One horizontal bar per row, its segments stacked left to right, scaled to the largest row.
    ``rijen`` = [(label, [(segment name, amount, css class), ...]), ...]; negative amounts count 0."""
    plot = BREEDTE - LABEL - 2 * MARGE - 90  # room for the total right of the bar
    totals = [sum((max(v, Decimal("0")) for _, v, _ in segs), Decimal("0")) for _, segs in rijen]
    grootste = max(totals, default=Decimal("0")) or Decimal("1")
    out, legenda = [], {}
    for index, ((label, segs), totaal) in enumerate(zip(rijen, totals, strict=True)):
        x = float(LABEL + MARGE)
        segmenten = []
        for naam, waarde, klasse in segs:
            legenda.setdefault(klasse, naam)
            breedte = float(max(waarde, Decimal("0")) / grootste) * plot
            segmenten.append(Segment(naam, waarde, klasse, round(x, 1), round(breedte, 1)))
            x += breedte
        out.append(Rij(label, segmenten, y=MARGE + index * RIJ, totaal=totaal, tekst_x=round(x + 6, 1)))
    hoogte = MARGE * 2 + max(len(out), 1) * RIJ
    return Diagram(
        titel=titel,
        beschrijving=beschrijving,
        rijen=out,
        legenda=[(klasse, naam, KLEUREN.get(klasse, "#535353")) for klasse, naam in legenda.items()],
        hoogte=hoogte,
        tekst_y=BALK - 5,
    )
