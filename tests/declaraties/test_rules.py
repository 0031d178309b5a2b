"""Pure rules of the declaration judgement (declaraties/rules.py): every return code triggered,
and a line that passes every check. No database."""

from datetime import date
from decimal import Decimal

import pytest

from declaraties import rules

D = Decimal
START = date(2026, 1, 15)
JAN = (date(2026, 1, 1), date(2026, 1, 31))
TODAY = date(2026, 2, 3)
PLAN = {
    "start": rules.ProductInfo("eenmalig", D("0.40"), None),
    "periode": rules.ProductInfo("per_maand", D("0.40"), None),
    "plaatsing": rules.ProductInfo("na_plaatsing", D("0.20"), D("12")),
}


def traject(**overrides) -> rules.TrajectInfo:
    values = dict(
        id=1,
        start=START,
        einde=date(2029, 1, 14),
        status="actief",
        trajectprijs=D("8000.00"),
        maximaal=D("8000.00"),
        basisduur=36,
        producten=PLAN,
        gedeclareerd=D("0.00"),
        in_behandeling=D("0.00"),
        eerste_plaatsing=None,
    )
    values.update(overrides)
    return rules.TrajectInfo(**values)


def regel(code="start", begin=START, end=START, volume="1", bedrag="3200.00", ref="R1", nummer=100, **kw):
    return rules.Regel(
        product_referentie=ref,
        toewijzing_nummer=nummer,
        product_code=code,
        begindatum=begin,
        einddatum=end,
        geleverd_volume=D(volume),
        ingediend_bedrag=D(bedrag),
        **kw,
    )


def judge(regels, trajecten=None, used=(), vorige=None, maand=JAN, today=TODAY, automatisch=True):
    trajecten = {100: traject()} if trajecten is None else trajecten
    rules.judge(
        regels=regels,
        maand_begin=maand[0],
        maand_eind=maand[1],
        today=today,
        trajecten=trajecten,
        gebruikte_referenties=set(used),
        vorige=vorige or {},
        automatisch=automatisch,
    )
    return [r.retourcodes for r in regels]


def test_every_code_has_a_dutch_meaning():
    for code in (
        "8001",
        "0233",
        "8021",
        "9333",
        "9338",
        "9307",
        "9308",
        "9319",
        "9340",
        "9346",
        "9369",
        "8017",
        "IPS01",
        "IPS02",
        "IPS03",
        "IPS04",
        "IPS05",
    ):
        assert rules.RETOURCODES[code].strip()


def test_calendar_month():
    assert rules.is_calendar_month(date(2026, 2, 1), date(2026, 2, 28))
    assert not rules.is_calendar_month(date(2026, 2, 1), date(2026, 2, 27))
    assert not rules.is_calendar_month(date(2026, 1, 15), date(2026, 2, 14))
    assert rules.is_calendar_month(date(2028, 2, 1), date(2028, 2, 29))


def test_tariffs_and_pro_rata():
    start, periode, plaatsing = PLAN["start"], PLAN["periode"], PLAN["plaatsing"]
    kw = dict(trajectprijs=D("8000.00"), basisduur=36)
    assert rules.expected_amount(product=start, begin=START, volume=D("1"), **kw) == D("3200.00")
    assert rules.expected_amount(product=plaatsing, begin=START, volume=D("1"), **kw) == D("1600.00")
    # 8000 x 40% / 36 months = 88.888... per month, rounded half-up at the line
    assert rules.expected_amount(product=periode, begin=date(2026, 4, 1), volume=D("30"), **kw) == D("88.89")
    # half of a 30-day month: 88.888... x 15/30 = 44.444... -> 44.44
    assert rules.expected_amount(product=periode, begin=date(2026, 4, 16), volume=D("15"), **kw) == D("44.44")
    # 17 days of January (31 days): 88.888... x 17/31 = 48.745... -> 48.75
    assert rules.expected_amount(product=periode, begin=START, volume=D("17"), **kw) == D("48.75")
    # impossible volumes
    assert rules.expected_amount(product=periode, begin=START, volume=D("32"), **kw) is None
    assert rules.expected_amount(product=periode, begin=START, volume=D("1.5"), **kw) is None
    assert rules.expected_amount(product=start, begin=START, volume=D("2"), **kw) is None


def test_a_correct_declaration_passes():
    regels = [regel(), regel("periode", START, date(2026, 1, 31), "17", "48.75", ref="R2")]
    assert judge(regels) == [[], []]
    assert regels[0].traject_id == 1 and regels[0].eenmalig and not regels[1].eenmalig


def test_8021_reference_already_used_before_and_within():
    assert judge([regel(ref="OLD")], used={"OLD"}) == [["8021"]]
    codes = judge([regel(ref="X"), regel("periode", START, date(2026, 1, 31), "17", "48.75", ref="X")])
    assert codes[1][0] == "8021"


def test_9338_unknown_toewijzingnummer():
    assert judge([regel(nummer=999)]) == [["9338"]]


def test_9307_before_start_and_9308_after_end():
    assert judge([regel(begin=date(2026, 1, 10), end=date(2026, 1, 10))]) == [["9307"]]
    stopped = {100: traject(einde=date(2026, 1, 20))}
    assert judge([regel("periode", date(2026, 1, 21), date(2026, 1, 31), "11", "31.54")], stopped) == [["9308"]]
    assert judge(
        [regel("periode", START, date(2026, 1, 20), "6", "17.20")], {100: traject(einde=date(2026, 1, 20))}
    ) == [[]]


def test_9319_outside_the_declaration_month():
    codes = judge([regel(begin=date(2026, 2, 1), end=date(2026, 2, 1))], today=date(2026, 3, 2))
    assert codes == [["9319"]]


def test_9340_product_not_in_the_lot():
    assert judge([regel("coaching")]) == [["9340"]]


def test_9346_amount_is_not_volume_times_tariff():
    assert judge([regel(bedrag="3000.00")]) == [["9346"]]
    # a month line's volume is its number of days
    assert judge([regel("periode", START, date(2026, 1, 31), "16", "45.88")]) == [["9346"]]


def test_9369_above_price_plus_extensions():
    almost_full = {100: traject(gedeclareerd=D("6500.00"))}
    assert judge([regel()], almost_full) == [["9369"]]
    waiting = {100: traject(gedeclareerd=D("3000.00"), in_behandeling=D("3000.00"))}
    assert judge([regel()], waiting) == [["9369"]]
    extended = {100: traject(gedeclareerd=D("6500.00"), maximaal=D("10000.00"))}
    assert judge([regel()], extended) == [[]]


def test_ips03_period_in_the_future():
    """Not iWmo 8848 (that is about the message date, domain.md 8): the loket's own IPS03."""
    assert judge([regel("periode", START, date(2026, 1, 31), "17", "48.75")], today=date(2026, 1, 20)) == [["IPS03"]]
    assert "toekomst" in rules.RETOURCODES["IPS03"]
    assert "8848" not in rules.RETOURCODES  # no iWmo number with another meaning


def test_8017_credit_without_an_accepted_debit():
    credit = dict(debet_credit="C", vorig_referentie_nummer="R0")
    assert judge([regel(ref="C1", **credit)]) == [["8017"]]
    vorige = {
        "R0": rules.VorigeInfo(1, 100, "start", START, D("3200.00"), "afgewezen", "D", False),
    }
    assert judge([regel(ref="C1", **credit)], vorige=vorige) == [["8017"]]
    accepted = {"R0": rules.VorigeInfo(1, 100, "start", START, D("3200.00"), "toegekend", "D", False)}
    assert judge([regel(ref="C1", **credit)], vorige=accepted) == [[]]
    # credited twice in one declaration: the second has nothing left to credit
    codes = judge([regel(ref="C1", **credit), regel(ref="C2", **credit)], vorige=accepted)
    assert codes[1][0] == "8017"
    # another amount than the debit
    assert judge([regel(ref="C1", bedrag="100.00", **credit)], vorige=accepted) == [["8017"]]


def test_credit_then_new_debit_in_one_declaration():
    accepted = {"R0": rules.VorigeInfo(1, 100, "start", START, D("3200.00"), "toegekend", "D", False)}
    already = {100: traject(gedeclareerd=D("3200.00"), al_gedeclareerd={("start", None)})}
    regels = [regel(ref="C1", debet_credit="C", vorig_referentie_nummer="R0"), regel(ref="R1b")]
    assert judge(regels, already, vorige=accepted) == [[], []]
    assert regels[0].vorige_id == 1


def test_ips01_plaatsing_needs_a_qualifying_placement_first():
    line = dict(code="plaatsing", begin=date(2026, 1, 20), end=date(2026, 1, 20), bedrag="1600.00")
    assert judge([regel(**line)]) == [["IPS01"]]
    later = {100: traject(eerste_plaatsing=date(2026, 1, 25))}
    assert judge([regel(**line)], later) == [["IPS01"]]
    placed = {100: traject(eerste_plaatsing=date(2026, 1, 18))}
    assert judge([regel(**line)], placed) == [[]]


def test_ips02_once_only_product_and_one_period_per_month():
    assert judge([regel()], {100: traject(al_gedeclareerd={("start", None)})}) == [["IPS02"]]
    codes = judge([regel(ref="A"), regel(ref="B")])
    assert codes[1] == ["IPS02"]
    month = {100: traject(al_gedeclareerd={("periode", date(2026, 1, 1))})}
    assert judge([regel("periode", START, date(2026, 1, 31), "17", "48.75")], month) == [["IPS02"]]


def test_ips04_settled_trajectory():
    assert judge([regel()], {100: traject(status="afgesloten")}) == [["IPS04"]]
    assert "afgesloten" in rules.RETOURCODES["IPS04"]


def test_closed_and_future_in_the_order_of_the_checks():
    """A closed trajectory (IPS04) is checked before the month (9319) and the future (IPS03)."""
    line = regel("periode", date(2026, 1, 15), date(2026, 2, 10), "27", "48.75")
    codes = judge([line], {100: traject(status="afgesloten")}, today=date(2026, 1, 20))
    assert codes[0][:3] == ["IPS04", "9319", "IPS03"]


def test_0233_other_lines_of_a_trajectory_with_a_rejected_line():
    other = {100: traject(), 200: traject(id=2)}
    regels = [
        regel(ref="A"),
        regel("plaatsing", bedrag="1600.00", ref="B"),  # IPS01
        regel(ref="C", nummer=200),  # another trajectory: judged on its own
    ]
    assert judge(regels, other) == [["0233"], ["IPS01"], []]


@pytest.mark.parametrize("automatisch", [True, False])
def test_judgement_does_not_depend_on_automatic_acceptance(automatisch):
    assert judge([regel()], automatisch=automatisch) == [[]]


def test_each_line_is_decided_once():
    assert rules.dubbele_referenties(["S1", "P1", "S1", "X", "P1", "S1"]) == ["P1", "S1"]
    assert rules.dubbele_referenties(["S1", "P1"]) == []


def test_a_receipt_lies_between_sending_and_today():
    from datetime import date

    sent, today = date(2026, 4, 1), date(2026, 4, 10)
    check = rules.ontvangst_datum_fout
    assert check(datum=date(1900, 1, 1), verzonden_op=sent, vandaag=today)[0] == "datum-voor-verzending"
    assert check(datum=date(2026, 3, 31), verzonden_op=sent, vandaag=today)[0] == "datum-voor-verzending"
    assert check(datum=date(2026, 4, 11), verzonden_op=sent, vandaag=today)[0] == "datum-in-toekomst"
    assert check(datum=sent, verzonden_op=sent, vandaag=today) is None
    assert check(datum=today, verzonden_op=sent, vandaag=today) is None
