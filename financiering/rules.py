"""Pure rules on schemes, money, dates and fidelity: no database, tested on their own."""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

# Default payment plan (domain.md section 8): code, name, kind, share of the price.
DEFAULT_PAYMENT_PLAN = (
    ("start", "Start", "eenmalig", Decimal("0.40"), None),
    ("periode", "Periode (per maand)", "per_maand", Decimal("0.40"), None),
    ("plaatsing", "Plaatsing in regulier betaald werk", "na_plaatsing", Decimal("0.20"), Decimal("12")),
)
DEFAULT_TRAJECTPRIJS = Decimal("8000.00")


def money(value: Decimal) -> Decimal:
    """Round half-up to cents, once, at the line."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clipped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def planned_end(start: date, base_months: int, extension_months: int = 0) -> date:
    """Planned end = start + base duration (+ extensions) - 1 day (domain.md section 7)."""
    return date.fromordinal(add_months(start, base_months + extension_months).toordinal() - 1)


def extension_cost(*, price: Decimal, periode_share: Decimal, base_months: int, months: int) -> Decimal:
    """Extensions add ``periode`` months at the same monthly rate."""
    return money(price * periode_share * months / base_months)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def in_window(day: date, start: date | None, end: date | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


def price_on(prices: list[tuple[date, date | None, Decimal]], day: date) -> Decimal | None:
    """The price valid on ``day`` from (from, to, amount) rows; the latest start wins."""
    valid = [(start, amount) for start, end, amount in prices if start <= day and (end is None or day <= end)]
    return max(valid)[1] if valid else None


@dataclass(frozen=True)
class BandRange:
    code: str
    low: int
    high: int


def band_for_total(total: int, bands: list[BandRange]) -> str | None:
    for band in bands:
        if band.low <= total <= band.high:
            return band.code
    return None


GEEN_IPS = "geen_ips"
NIET_INGEDEELD = "niet ingedeeld: deze schaalversie heeft (nog) geen banden"


@dataclass(frozen=True)
class Modeltrouw:
    """The judgement on a provider's fidelity: why it is not valid (or None), and whether the
    provider is in the run-up of a new programme (then it warns and never blocks)."""

    probleem: str | None = None
    aanloop: bool = False


def modeltrouw_oordeel(
    *,
    last_date: date | None,
    band: str | None,
    today: date,
    valid_months: int,
    niet_ingedeeld_op: date | None = None,
    plan_goedgekeurd_op: date | None = None,
    implementatie_start: date | None = None,
    aanloop_maanden: int = 12,
) -> Modeltrouw:
    """The one rule on a provider's fidelity (domain.md 3), for the submission check and the nightly
    ``modeltrouw_verlopen`` signal (its queryset twin: ``selectors.modeltrouw_ongeldig``).

    Only a banded audit counts: ``last_date``/``band`` are those of the provider's last banded
    audit; an audit on a scale version without bands (``niet_ingedeeld_op``, the last one) is stored
    but never valid. Valid: the last banded audit lies at most ``valid_months`` before today
    (``add_months(today, -valid_months)``, the same border as the query) and is not "geen IPS".
    Without any banded audit, a provider whose implementation plan Phrenos approved and whose
    implementation started (on or before today) less than ``aanloop_maanden`` ago is in its run-up:
    a problem that warns, never blocks."""
    if last_date is None:
        probleem = "Er is nog geen modeltrouwmeting geregistreerd."
        if niet_ingedeeld_op is not None:
            probleem = (
                f"Er is nog geen ingedeelde modeltrouwmeting: de meting van {niet_ingedeeld_op:%d-%m-%Y} is "
                f"{NIET_INGEDEELD} en telt niet als geldige meting."
            )
        if in_aanloop(plan_goedgekeurd_op, implementatie_start, today, aanloop_maanden):
            einde = add_months(implementatie_start, aanloop_maanden)
            return Modeltrouw(
                f"{probleem} Het implementatieplan is goedgekeurd ({plan_goedgekeurd_op:%d-%m-%Y}) en de "
                f"implementatie startte op {implementatie_start:%d-%m-%Y}: tot {einde:%d-%m-%Y} blokkeert dit "
                "niet; de eerste meting volgt na ongeveer 8 maanden.",
                aanloop=True,
            )
        return Modeltrouw(probleem)
    if last_date < add_months(today, -valid_months):
        return Modeltrouw(f"De laatste modeltrouwmeting ({last_date:%d-%m-%Y}) is ouder dan {valid_months} maanden.")
    if band == GEEN_IPS:
        return Modeltrouw("De laatste modeltrouwmeting valt in de band 'geen IPS'.")
    return Modeltrouw()


def in_aanloop(plan_goedgekeurd_op: date | None, implementatie_start: date | None, today: date, maanden: int) -> bool:
    """A new programme's run-up: plan approved and implementation started on or before today, and
    the start later than ``add_months(today, -maanden)`` (less than ``maanden`` ago)."""
    return (
        plan_goedgekeurd_op is not None
        and implementatie_start is not None
        and plan_goedgekeurd_op <= today
        and add_months(today, -maanden) < implementatie_start <= today
    )


def aanbiedertypen_problem(typen: list[str], *, raamovereenkomst_vereist: bool) -> str | None:
    """A lot of the Inkoopkader (a scheme that requires a framework contract) is reserved to ggz
    institutions (both lots) and RIBWs (EPA only): never a re-integration company (domain.md 3).
    Other schemes may allow it as the lead party."""
    if raamovereenkomst_vereist and "reintegratie" in typen:
        return (
            "Een re-integratiebedrijf kan niet meedoen in een regeling met raamovereenkomsten (het Inkoopkader "
            "IPS is voorbehouden aan ggz-instellingen en RIBW's); wel in andere regelingen."
        )
    return None


def payment_plan_problem(shares: list[Decimal]) -> str | None:
    if shares and sum(shares) != Decimal("1"):
        return f"De aandelen van de producten tellen op tot {sum(shares)}, niet tot 1."
    return None


def perceel_inrichting_ontbreekt(perceel, *, op: date) -> list[str]:
    """What a lot still lacks before a provider can apply for it on ``op``, as Dutch sentences (empty:
    fully configured). Reads ``perceel.prijzen.all()`` and ``perceel.producten.all()``: prefetch them
    (``financiering.selectors.percelen_list`` does), and it costs no query."""
    naam = f"Perceel '{perceel.naam}'"
    out = []
    prijzen = [(p.geldig_van, p.geldig_tot, p.bedrag) for p in perceel.prijzen.all()]
    if price_on(prijzen, op) is None:
        out.append(f"{naam}: er is geen trajectprijs die geldt op {op:%d-%m-%Y}.")
    aandelen = [p.aandeel for p in perceel.producten.all()]
    if not aandelen:
        out.append(f"{naam}: er is geen betaalplan (geen producten om te declareren).")
    elif problem := payment_plan_problem(aandelen):
        out.append(f"{naam}: {problem}")
    if not perceel.toegestane_aanbiedertypen:
        out.append(f"{naam}: er is geen aanbiedertype toegestaan.")
    return out


def eerste_aanvraagdag(regeling, today: date) -> date:
    """The first day providers could apply: today, or the scheme's opening when that lies ahead (a
    scheme for next year needs a price from its opening, not today)."""
    return max(today, regeling.aanvraag_vanaf) if regeling.aanvraag_vanaf else today


def regeling_inrichting_ontbreekt(regeling, *, op: date) -> list[str]:
    """What a scheme still lacks before providers can apply on ``op``, as Dutch sentences (empty:
    fully configured): at least one lot, and per lot a price valid on ``op``, a payment plan whose
    shares add up to 1 and at least one allowed provider type. Reads ``regeling.percelen.all()`` with
    each lot's ``prijzen`` and ``producten``: prefetch them (``financiering.selectors.regelingen_list``
    does), and it costs no query whatever the number of schemes. The provider's form offers a lot
    only when its scheme and the lot itself lack nothing; the submission refuses with
    ``regeling-niet-ingericht``."""
    percelen = list(regeling.percelen.all())
    if not percelen:
        return ["De regeling heeft nog geen perceel."]
    return [zin for perceel in percelen for zin in perceel_inrichting_ontbreekt(perceel, op=op)]


# --- the beheerder's desk (issue 12, w2): a price's validity ------------------------------------


def periodes_overlappen(a_van: date, a_tot: date | None, b_van: date, b_tot: date | None) -> bool:
    """Two inclusive periods (an open end: no end date) share at least one day."""
    return (a_tot is None or b_van <= a_tot) and (b_tot is None or a_van <= b_tot)


def opgevolgde_prijs(
    *, geldig_van: date, geldig_tot: date | None, andere: list[tuple[date, date | None, Decimal]]
) -> int | None:
    """The one rule of a new price (docs/decisions.md, "Eén regel voor prijzen"): a new price without
    an end date that begins after the lot's open-ended price began succeeds it, and that price ends
    the day before (a fee raised from a date on, as UWV did, domain.md 4). Its index in ``andere``,
    or None. Any other overlap stays a refusal (``prijsperiode_probleem``)."""
    if geldig_tot is not None:
        return None
    for i, (van, tot, _bedrag) in enumerate(andere):
        if tot is None and van < geldig_van:
            return i
    return None


def prijsperiode_probleem(
    *, geldig_van: date, geldig_tot: date | None, andere: list[tuple[date, date | None, Decimal]]
) -> str | None:
    """A lot's prices may not overlap in time: on each day at most one price applies (domain.md 8).
    ``andere``: the lot's other prices as (from, to, amount). A Dutch sentence naming the first price
    it collides with, or None."""
    if geldig_tot is not None and geldig_tot < geldig_van:
        return "De einddatum van de geldigheid ligt vóór de begindatum."
    for van, tot, bedrag in sorted(andere):
        if periodes_overlappen(geldig_van, geldig_tot, van, tot):
            bedrag_nl = f"{money(bedrag):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
            periode = f"vanaf {van:%d-%m-%Y}" + (f" tot en met {tot:%d-%m-%Y}" if tot else " zonder einddatum")
            return (
                f"Deze geldigheid overlapt met de prijs van € {bedrag_nl} ({periode}): op elke dag geldt "
                "hoogstens één trajectprijs. Laat de nieuwe prijs later beginnen of geef de andere prijs een "
                "einddatum."
            )
    return None
