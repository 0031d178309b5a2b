"""financiering/rules.py on its own: dates, money, prices, bands and fidelity. No database."""

from datetime import date
from decimal import Decimal

import pytest

from financiering import rules

# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # clipped to the month's last day
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # over the year end
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),  # leap day, next year has none
        (date(2028, 2, 29), 48, date(2032, 2, 29)),  # leap day to leap day
        (date(2026, 1, 15), 36, date(2029, 1, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),  # backwards, clipped too
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2026, 5, 5), 0, date(2026, 5, 5)),
    ],
)
def test_add_months(day, months, expected):
    assert rules.add_months(day, months) == expected


@pytest.mark.parametrize(
    ("start", "base", "extension", "expected"),
    [
        (date(2026, 1, 15), 36, 0, date(2029, 1, 14)),  # EPA
        (date(2026, 1, 15), 24, 0, date(2028, 1, 14)),  # CMD
        (date(2026, 1, 15), 24, 12, date(2029, 1, 14)),  # CMD with the full extension
        (date(2026, 1, 15), 24, 6, date(2028, 7, 14)),
        (date(2026, 1, 1), 12, 0, date(2026, 12, 31)),  # a calendar year exactly
        (date(2026, 3, 1), 24, 0, date(2028, 2, 29)),  # ends on a leap day
        (date(2027, 3, 1), 24, 0, date(2029, 2, 28)),
        (date(2028, 2, 29), 36, 0, date(2031, 2, 27)),  # starts on a leap day
    ],
)
def test_planned_end_is_start_plus_months_minus_one_day(start, base, extension, expected):
    assert rules.planned_end(start, base, extension) == expected


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(2008, 1, 15), date(2026, 1, 14), 17),  # the day before the 18th birthday
        (date(2008, 1, 15), date(2026, 1, 15), 18),  # on the birthday
        (date(2008, 1, 15), date(2026, 1, 16), 18),
        (date(1959, 1, 15), date(2026, 1, 14), 66),
        (date(1959, 1, 15), date(2026, 1, 15), 67),
        (date(2008, 2, 29), date(2026, 2, 28), 17),  # born on a leap day: 18 on 1 March
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2008, 2, 29), date(2028, 2, 29), 20),
        (date(1985, 12, 31), date(2026, 1, 1), 40),
    ],
)
def test_age_on_turns_over_on_the_birthday(birth, day, age):
    assert rules.age_on(birth, day) == age


@pytest.mark.parametrize(
    ("day", "start", "end", "inside"),
    [
        (date(2025, 11, 19), date(2023, 1, 1), date(2025, 11, 19), True),  # the last day counts
        (date(2025, 11, 20), date(2023, 1, 1), date(2025, 11, 19), False),
        (date(2023, 1, 1), date(2023, 1, 1), None, True),  # the first day counts; open-ended
        (date(2022, 12, 31), date(2023, 1, 1), None, False),
        (date(1990, 1, 1), None, None, True),
        (date(2030, 1, 1), None, date(2029, 12, 31), False),
    ],
)
def test_in_window(day, start, end, inside):
    assert rules.in_window(day, start, end) is inside


# --- money ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("0.005"), Decimal("0.01")),  # half-up, not to even
        (Decimal("0.015"), Decimal("0.02")),
        (Decimal("0.025"), Decimal("0.03")),  # banker's rounding would give 0.02
        (Decimal("1066.6666"), Decimal("1066.67")),
        (Decimal("2.004"), Decimal("2.00")),
        (Decimal("-0.005"), Decimal("-0.01")),  # half away from zero for credits
    ],
)
def test_money_rounds_half_up_to_cents(value, expected):
    assert rules.money(value) == expected


@pytest.mark.parametrize(
    ("price", "share", "base", "months", "expected"),
    [
        (Decimal("8000.00"), Decimal("0.40"), 24, 12, Decimal("1600.00")),  # CMD: the full 12 months
        (Decimal("8000.00"), Decimal("0.40"), 24, 1, Decimal("133.33")),
        (Decimal("8000.00"), Decimal("0.40"), 24, 5, Decimal("666.67")),  # 666.666.. up
        (Decimal("8000.00"), Decimal("0.40"), 36, 12, Decimal("1066.67")),
        (Decimal("8000.05"), Decimal("0.40"), 4, 1, Decimal("800.01")),  # exactly 800.005: half-up
        (Decimal("4750.00"), Decimal("0.40"), 12, 12, Decimal("1900.00")),  # NAH pilot
        (Decimal("8000.00"), Decimal("0"), 24, 12, Decimal("0.00")),  # no periode product
    ],
)
def test_extension_cost_is_periode_share_per_month_rounded_half_up(price, share, base, months, expected):
    cost = rules.extension_cost(price=price, periode_share=share, base_months=base, months=months)
    assert cost == expected
    assert cost.as_tuple().exponent == -2  # always two decimals, as the API writes amounts


def test_payment_plan_must_add_up_to_one():
    assert rules.payment_plan_problem([a for *_, a, _u in rules.DEFAULT_PAYMENT_PLAN]) is None
    assert rules.payment_plan_problem([Decimal("0.40"), Decimal("0.40")]) is not None
    assert "1.20" in rules.payment_plan_problem([Decimal("0.60"), Decimal("0.60")])


# --- prices -----------------------------------------------------------------------------------

PRICES = [
    (date(2019, 1, 1), date(2025, 12, 31), Decimal("8000.00")),
    (date(2026, 1, 1), None, Decimal("8500.00")),
]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2018, 12, 31), None),  # before any price
        (date(2019, 1, 1), Decimal("8000.00")),
        (date(2025, 12, 31), Decimal("8000.00")),  # the last day of the old price
        (date(2026, 1, 1), Decimal("8500.00")),  # the first day of the new one
        (date(2040, 1, 1), Decimal("8500.00")),  # open-ended
    ],
)
def test_price_on_follows_validity_periods(day, expected):
    assert rules.price_on(PRICES, day) == expected


def test_price_on_latest_start_wins_when_periods_overlap():
    prices = [(date(2019, 1, 1), None, Decimal("8000.00")), (date(2026, 7, 1), None, Decimal("7207.00"))]
    assert rules.price_on(prices, date(2026, 6, 30)) == Decimal("8000.00")
    assert rules.price_on(prices, date(2026, 7, 1)) == Decimal("7207.00")
    # order of the rows does not matter
    assert rules.price_on(list(reversed(prices)), date(2026, 7, 1)) == Decimal("7207.00")


def test_price_on_gap_between_periods_has_no_price():
    prices = [
        (date(2019, 1, 1), date(2019, 12, 31), Decimal("8000.00")),
        (date(2021, 1, 1), None, Decimal("8200.00")),
    ]
    assert rules.price_on(prices, date(2020, 6, 1)) is None
    assert rules.price_on([], date(2020, 6, 1)) is None


# --- fidelity ---------------------------------------------------------------------------------

IPS25_BANDS = [
    rules.BandRange("geen_ips", 25, 73),
    rules.BandRange("redelijk", 74, 99),
    rules.BandRange("goed", 100, 114),
    rules.BandRange("voorbeeldig", 115, 125),
]


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (25, "geen_ips"),
        (73, "geen_ips"),
        (74, "redelijk"),
        (99, "redelijk"),
        (100, "goed"),
        (114, "goed"),
        (115, "voorbeeldig"),
        (125, "voorbeeldig"),
        (24, None),  # below the scale
        (126, None),  # above the scale
    ],
)
def test_band_for_total_at_the_borders(total, band):
    assert rules.band_for_total(total, IPS25_BANDS) == band


TODAY = date(2026, 1, 15)


def fidelity_problem(**facts) -> str | None:
    """Why the fidelity is not valid, without an implementation plan (``rules.modeltrouw_oordeel``)."""
    return rules.modeltrouw_oordeel(**facts).probleem


def test_fidelity_without_any_audit_is_a_problem():
    problem = fidelity_problem(last_date=None, band=None, today=TODAY, valid_months=24)
    assert problem and "geen modeltrouwmeting" in problem


def test_fidelity_audit_older_than_24_months_is_a_problem():
    problem = fidelity_problem(last_date=date(2024, 1, 14), band="goed", today=TODAY, valid_months=24)
    assert problem and "14-01-2024" in problem and "24 maanden" in problem


def test_fidelity_audit_of_exactly_24_months_is_still_valid():
    assert fidelity_problem(last_date=date(2024, 1, 15), band="goed", today=TODAY, valid_months=24) is None


def test_fidelity_validity_is_configurable():
    assert fidelity_problem(last_date=date(2025, 1, 14), band="goed", today=TODAY, valid_months=12)
    assert fidelity_problem(last_date=date(2024, 1, 14), band="goed", today=TODAY, valid_months=36) is None


def test_fidelity_banded_geen_ips_is_a_problem_even_when_recent():
    problem = fidelity_problem(last_date=date(2025, 12, 1), band="geen_ips", today=TODAY, valid_months=24)
    assert problem and "geen IPS" in problem


@pytest.mark.parametrize("band", ["redelijk", "goed", "voorbeeldig"])
def test_fidelity_recent_and_banded_ok(band):
    assert fidelity_problem(last_date=date(2025, 11, 15), band=band, today=TODAY, valid_months=24) is None
