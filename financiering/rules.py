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


def fidelity_problem(*, last_date: date | None, band: str | None, today: date, valid_months: int) -> str | None:
    """Why a provider's fidelity is not valid, or None (domain.md section 3)."""
    if last_date is None:
        return "Er is nog geen modeltrouwmeting geregistreerd."
    if add_months(last_date, valid_months) < today:
        return f"De laatste modeltrouwmeting ({last_date:%d-%m-%Y}) is ouder dan {valid_months} maanden."
    if band == "geen_ips":
        return "De laatste modeltrouwmeting valt in de band 'geen IPS'."
    return None


def payment_plan_problem(shares: list[Decimal]) -> str | None:
    if shares and sum(shares) != Decimal("1"):
        return f"De aandelen van de producten tellen op tot {sum(shares)}, niet tot 1."
    return None
