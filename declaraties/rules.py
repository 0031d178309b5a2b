"""Pure rules of the money module: tariffs and the judgement of declaration lines with iWmo return
codes (domain.md section 8), the tables of allowed transitions of the money, and when a claim is
overdue. No database: the service gathers the facts in a fixed number of queries, these functions
judge any number of lines (a ``*_q`` twin says the same rule to a queryset)."""

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import F, Q

from backoffice.states import Toestandsmachine
from financiering.rules import money

# --- the tables of allowed transitions (backoffice.states; drawn in docs/states.md) ----------------
# A line, an order or a claim is created by its service or job in its first state; every change
# after that is one row of these tables. A self-loop (toegekend -> toegekend) is a move that keeps
# the status but is history all the same: a line taken into an order, paid, credited.

PRESTATIE = Toestandsmachine(
    "declaratieregel",
    {
        "toekennen": {"in_behandeling": "toegekend"},
        "afwijzen": {"in_behandeling": "afgewezen"},
        "crediteren": {"toegekend": "toegekend"},
        "in_betaalopdracht": {"toegekend": "toegekend"},
        "betalen": {"toegekend": "toegekend"},
        "herroepen": {"toegekend": "in_behandeling", "afgewezen": "in_behandeling"},
        "afwijzen_na_herroeping": {"in_behandeling": "afgewezen", "toegekend": "afgewezen"},
    },
    {
        "toekennen": "toekennen",
        "afwijzen": "afwijzen",
        "crediteren": "crediteren",
        "in_betaalopdracht": "in een betaalopdracht opnemen",
        "betalen": "als betaald boeken",
        "herroepen": "herroepen",
        "afwijzen_na_herroeping": "afwijzen na herroeping",
    },
)
BETAALOPDRACHT = Toestandsmachine(
    "betaalopdracht",
    {
        "regels_bijwerken": {"te_accorderen": "te_accorderen"},
        "eerste_akkoord": {"te_accorderen": "te_accorderen"},
        "accorderen": {"te_accorderen": "geaccordeerd"},
        "bevestigen": {"geaccordeerd": "betaald"},
    },
    {
        "regels_bijwerken": "bijwerken",
        "eerste_akkoord": "accorderen",
        "accorderen": "accorderen",
        "bevestigen": "als betaald bevestigen",
    },
)
_NA_GELD = ("verzonden", "deels_betaald", "betaald")
VORDERING = Toestandsmachine(
    "vordering",
    {
        "verzenden": {"concept": "verzonden"},
        "herinneren": {"verzonden": "verzonden", "deels_betaald": "deels_betaald"},
        "ontvangst_registreren": {
            "verzonden": ("deels_betaald", "betaald"),
            "deels_betaald": ("deels_betaald", "betaald"),
            "betwist": ("betwist",),
        },
        "regels_bijschrijven": {"verzonden": _NA_GELD, "deels_betaald": _NA_GELD, "betaald": _NA_GELD},
        "betwisten": {"verzonden": "betwist", "deels_betaald": "betwist", "betwist": "betwist"},
        "bezwaar_besluiten": {"betwist": ("betwist", *_NA_GELD)},
    },
    {
        "verzenden": "verzenden",
        "herinneren": "herinneren",
        "ontvangst_registreren": "een ontvangst op registreren",
        "regels_bijschrijven": "regels bijschrijven",
        "betwisten": "betwisten",
        "bezwaar_besluiten": "over een bezwaar besluiten",
    },
)
BEZWAAR = Toestandsmachine(
    "regel",
    {
        "indienen": {"geen": "ingediend"},
        "toewijzen": {"ingediend": "toegewezen"},
        "afwijzen": {"ingediend": "afgewezen"},
    },
    {"indienen": "betwisten", "toewijzen": "toewijzen", "afwijzen": "afwijzen"},
)
BEZWAAR_BESLUITEN = {"toegewezen": "toewijzen", "afgewezen": "afwijzen"}  # besluit -> action


def vordering_status_na_geld(*, ontvangen: Decimal, bedrag: Decimal, open_bezwaar: bool) -> str:
    """The state of a sent claim that its money and disputes imply."""
    if open_bezwaar:
        return "betwist"
    if ontvangen >= bedrag:
        return "betaald"
    if ontvangen > 0:
        return "deels_betaald"
    return "verzonden"


def vordering_te_laat(
    *, status: str, vervaldatum: date | None, bedrag: Decimal, ontvangen: Decimal, today: date
) -> bool:
    """A claim is overdue: sent, its due date before ``today`` (the due date itself is on time),
    not paid and money still outstanding. A disputed claim is overdue too (the gemeente's pages say
    so), but gets no reminder or signal while it waits for the decision (``VORDERING``: a reminder
    starts only from ``verzonden`` or ``deels_betaald``). The queryset twin is
    :func:`vordering_te_laat_q`; both agree on every day."""
    return (
        status not in ("concept", "betaald") and vervaldatum is not None and vervaldatum < today and bedrag > ontvangen
    )


def vordering_te_laat_q(today: date) -> Q:
    """The queryset twin of :func:`vordering_te_laat` (lists, totals, the reminder and the signal)."""
    return Q(vervaldatum__lt=today, bedrag__gt=F("ontvangen")) & ~Q(status__in=("concept", "betaald"))


# Return codes: the iWmo number where the meaning is the same, IPS.. where it is our own.
RETOURCODES = {
    "8001": "Declaratie volledig toegekend.",
    "0233": "Prestatie niet beoordeeld: een andere prestatie voor hetzelfde traject is afgewezen.",
    "8021": "Productreferentie is al eerder gebruikt.",
    "9333": "DeclaratieNummer is niet uniek: eerder ingediend met een andere inhoud.",
    "9338": "Er is geen traject met dit toewijzingNummer voor deze aanbieder.",
    "9307": "De productperiode begint vóór de start van het traject.",
    "9308": "De productperiode eindigt na het einde van het traject.",
    "9319": "De productperiode valt niet binnen de declaratiemaand.",
    "9340": "Deze productcode hoort niet bij het perceel van het traject.",
    "9346": "Het ingediende bedrag is niet gelijk aan volume × tarief.",
    "9369": "Het bedrag gaat boven de trajectprijs plus goedgekeurde verlengingen.",
    "8017": "Creditregel zonder toegekende debetregel om te crediteren.",
    "IPS01": "Voorwaarde niet voldaan: geen plaatsing in regulier betaald werk (betaald, minstens het minimumloon, "
    "open voor iedereen) van voldoende uren.",
    "IPS02": "Dit product is voor dit traject (of deze maand) al gedeclareerd.",
    # Not iWmo 8848, which is about the message date (domain.md 8). Until issue 11 the loket used
    # 8848 here and IPS03 for a closed trajectory (now IPS04); migration
    # declaraties/0006_retourcodes_ips03_ips04 renumbered the codes already stored.
    "IPS03": "De productperiode ligt (deels) in de toekomst.",
    "IPS04": "Het traject is vastgesteld (afgesloten); er kan niet meer op worden gedeclareerd.",
    "IPS05": "Besluit herroepen na bezwaar: het besluit waarop deze regel rust, is herroepen.",
}


def month_bounds(day: date) -> tuple[date, date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def is_calendar_month(begin: date, end: date) -> bool:
    return (begin, end) == month_bounds(begin)


@dataclass(frozen=True)
class ProductInfo:
    soort: str  # eenmalig | per_maand | na_plaatsing
    aandeel: Decimal
    min_uren: Decimal | None


def expected_amount(
    *, product: ProductInfo, trajectprijs: Decimal, basisduur: int, begin: date, volume: Decimal
) -> Decimal | None:
    """Volume × tariff for a line, or None when the volume itself is impossible."""
    if product.soort == "per_maand":
        days_in_month = calendar.monthrange(begin.year, begin.month)[1]
        if volume != volume.to_integral_value() or not 1 <= volume <= days_in_month:
            return None
        return money(trajectprijs * product.aandeel / basisduur * volume / days_in_month)
    if volume != 1:
        return None
    return money(trajectprijs * product.aandeel)


@dataclass
class TrajectInfo:
    id: int
    start: date
    einde: date  # actual end after a stop, else the planned end
    status: str
    trajectprijs: Decimal
    maximaal: Decimal
    basisduur: int
    producten: dict[str, ProductInfo]
    gedeclareerd: Decimal  # accepted, net
    in_behandeling: Decimal  # debits waiting for UWV
    eerste_plaatsing: date | None  # start of the first qualifying job (for `plaatsing`)
    al_gedeclareerd: set = field(default_factory=set)  # {(product_code, month start or None)}


@dataclass(frozen=True)
class VorigeInfo:
    id: int
    toewijzing_nummer: int
    product_code: str
    begindatum: date
    bedrag: Decimal
    status: str
    debet_credit: str
    gecrediteerd: bool


@dataclass
class Regel:
    product_referentie: str
    toewijzing_nummer: int
    product_code: str
    begindatum: date
    einddatum: date
    geleverd_volume: Decimal
    ingediend_bedrag: Decimal
    debet_credit: str = "D"
    vorig_referentie_nummer: str = ""
    # results
    retourcodes: list[str] = field(default_factory=list)
    traject_id: int | None = None
    vorige_id: int | None = None
    eenmalig: bool = False

    @property
    def signed(self) -> Decimal:
        return -self.ingediend_bedrag if self.debet_credit == "C" else self.ingediend_bedrag


def _slot(regel: Regel, product: ProductInfo) -> tuple:
    return (regel.product_code, None if product.soort != "per_maand" else regel.begindatum.replace(day=1))


def judge(
    *,
    regels: list[Regel],
    maand_begin: date,
    maand_eind: date,
    today: date,
    trajecten: dict[int, TrajectInfo],
    gebruikte_referenties: set[str],
    vorige: dict[str, VorigeInfo],
    automatisch: bool,
) -> None:
    """Judge every line wholly yes or no, filling ``regel.retourcodes`` (empty = passes).

    Lines are judged in order, so a second use of a reference or a once-only product within the
    same declaration is caught too. After that, every other line of a trajectory with a rejected
    line gets 0233 (iWmo: not judged)."""
    refs = set(gebruikte_referenties)
    credited: set[int] = set()
    running: dict[int, Decimal] = {t.id: t.gedeclareerd + t.in_behandeling for t in trajecten.values()}
    for regel in regels:
        codes = regel.retourcodes
        if regel.product_referentie in refs:
            codes.append("8021")
        refs.add(regel.product_referentie)
        traject = trajecten.get(regel.toewijzing_nummer)
        if traject is None:
            codes.append("9338")
            continue
        regel.traject_id = traject.id
        if traject.status == "afgesloten":
            codes.append("IPS04")
        if not (maand_begin <= regel.begindatum and regel.einddatum <= maand_eind):
            codes.append("9319")
        if regel.einddatum > today:
            codes.append("IPS03")

        if regel.debet_credit == "C":
            debit = vorige.get(regel.vorig_referentie_nummer)
            if (
                debit is None
                or debit.status != "toegekend"
                or debit.debet_credit != "D"
                or debit.gecrediteerd
                or debit.id in credited
                or debit.toewijzing_nummer != regel.toewijzing_nummer
                or debit.product_code != regel.product_code
                or debit.bedrag != regel.ingediend_bedrag
                or debit.begindatum != regel.begindatum
            ):
                codes.append("8017")
            else:
                regel.vorige_id = debit.id
                if not codes:
                    credited.add(debit.id)
                    if automatisch:  # accepted now: the amount and the slot are free for a corrected debit
                        running[traject.id] -= regel.ingediend_bedrag
                        slot = (debit.product_code, None)
                        traject.al_gedeclareerd.discard(slot)
                        traject.al_gedeclareerd.discard((debit.product_code, debit.begindatum.replace(day=1)))
            continue

        product = traject.producten.get(regel.product_code)
        if product is None:
            codes.append("9340")
            continue
        regel.eenmalig = product.soort != "per_maand"
        if regel.begindatum < traject.start:
            codes.append("9307")
        if regel.einddatum > traject.einde:
            codes.append("9308")
        expected = expected_amount(
            product=product,
            trajectprijs=traject.trajectprijs,
            basisduur=traject.basisduur,
            begin=regel.begindatum,
            volume=regel.geleverd_volume,
        )
        if product.soort == "per_maand" and (regel.einddatum - regel.begindatum).days + 1 != regel.geleverd_volume:
            expected = None  # the volume of a month line is its number of days
        if expected is None or expected != regel.ingediend_bedrag:
            codes.append("9346")
        if product.soort == "na_plaatsing" and (
            traject.eerste_plaatsing is None or traject.eerste_plaatsing > regel.einddatum
        ):
            codes.append("IPS01")
        slot = _slot(regel, product)
        if slot in traject.al_gedeclareerd:
            codes.append("IPS02")
        if running[traject.id] + regel.ingediend_bedrag > traject.maximaal:
            codes.append("9369")
        if not codes:
            traject.al_gedeclareerd.add(slot)
            running[traject.id] += regel.ingediend_bedrag

    rejected = {r.traject_id for r in regels if r.retourcodes and r.traject_id is not None}
    for regel in regels:
        if not regel.retourcodes and regel.traject_id in rejected:
            regel.retourcodes.append("0233")


# --- UWV's assessment of waiting lines --------------------------------------------------------------


CREDIT_ZONDER_VORIGE = "Een creditregel noemt de productReferentie van de debetregel."


def credit_zonder_vorige(debet_credit: str | None, vorig_referentie_nummer: str | None) -> str | None:
    """A credit line names the debit line it credits (``vorigReferentieNummer``): the Dutch reason
    when it does not, else None. The API's input and the web form both ask this."""
    if debet_credit == "C" and not (vorig_referentie_nummer or "").strip():
        return CREDIT_ZONDER_VORIGE
    return None


def dubbele_referenties(refs) -> list[str]:
    """The product references that occur more than once in one assessment, sorted: every line is
    decided once (issue 9, finding 6: a crafted web form with five rows for one line raised the
    trajectory's ``gedeclareerd`` five times)."""
    counts = Counter(refs)
    return sorted(ref for ref, n in counts.items() if n > 1)


# --- money received on a claim -----------------------------------------------------------------------


def bevestiging_datum_fout(*, datum: date, opdrachtdatum: date, vandaag: date) -> tuple[str, str] | None:
    """The bank's execution date of a payment order lies between the order's date and today: the
    service (``betaalopdracht_bevestigen``) refuses anything else, and the web form checks it with
    this same rule before it shows the confirmation."""
    if datum > vandaag or datum < opdrachtdatum:
        return (
            "datum-ongeldig",
            f"De uitvoeringsdatum door de bank ligt tussen de opdrachtdatum ({opdrachtdatum:%d-%m-%Y}) "
            f"en vandaag ({vandaag:%d-%m-%Y}); {datum:%d-%m-%Y} valt daarbuiten.",
        )
    return None


def ontvangst_datum_fout(*, datum: date, verzonden_op: date | None, vandaag: date) -> tuple[str, str] | None:
    """(code, Dutch message) when a receipt's date cannot be right, else None: money is received
    after the claim was sent and not later than today (issue 9, finding 8: 1900-01-01 was taken)."""
    if datum > vandaag:
        return "datum-in-toekomst", "Een ontvangst ligt niet in de toekomst."
    if verzonden_op is not None and datum < verzonden_op:
        return (
            "datum-voor-verzending",
            f"Een ontvangst ligt niet vóór de verzending van de vordering ({verzonden_op:%d-%m-%Y}).",
        )
    return None
