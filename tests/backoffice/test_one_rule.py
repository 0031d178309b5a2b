"""One rule in one place (docs/decisions.md "Eén regel op één plek"): each shared rule on its own,
and where it has a queryset twin, that flag and filter agree on the boundary day."""

import datetime
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from backoffice import rules as bo
from backoffice.errors import BusinessRuleError
from financiering import rules as fin
from trajecten import rules, selectors
from trajecten.models import Aanvraag

AMS = ZoneInfo("Europe/Amsterdam")

# --- an explanation is required ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toelichting", "vereist", "ontbreekt"),
    [("", True, True), ("   \n", True, True), (None, True, True), ("Geen budget.", True, False), ("", False, False)],
)
def test_toelichting_ontbreekt(toelichting, vereist, ontbreekt):
    assert bo.toelichting_ontbreekt(toelichting, vereist=vereist) is ontbreekt


def test_toelichting_vereist_raises_the_code_the_field_and_the_callers_message():
    with pytest.raises(BusinessRuleError) as exc:
        bo.toelichting_vereist(" ", message="Bij reden 'anders' is een toelichting verplicht.")
    assert (exc.value.code, exc.value.status, exc.value.field) == ("toelichting-verplicht", 400, "toelichting")
    assert exc.value.message == "Bij reden 'anders' is een toelichting verplicht."
    bo.toelichting_vereist("", vereist=False)  # an approval needs none
    bo.toelichting_vereist("Reden.")


# --- four eyes ------------------------------------------------------------------------------------


def test_vier_ogen_probleem_only_for_the_same_person():
    assert bo.vier_ogen_probleem(7, 7) == bo.VIER_OGEN
    assert bo.vier_ogen_probleem(7, 8) is None
    assert bo.vier_ogen_probleem(7, None) is None  # nobody acted before (an import, a job)
    assert bo.vier_ogen_probleem(7, 7, message="Wie declareerde, beoordeelt niet (vier ogen).").startswith("Wie decl")


def test_vier_ogen_vereist_raises_403_vier_ogen():
    with pytest.raises(BusinessRuleError) as exc:
        bo.vier_ogen_vereist(3, 3)
    assert (exc.value.code, exc.value.status) == ("vier-ogen", 403)
    bo.vier_ogen_vereist(3, 4)


def test_role_grants_use_the_same_four_eyes():
    with pytest.raises(BusinessRuleError) as exc:
        bo.check_besluit(door_id=1, aanvrager_id=1, gebruiker_id=2)
    assert (exc.value.code, exc.value.status) == ("vier-ogen", 403)
    assert "tweede beheerder" in exc.value.message


# --- overdue: the flag and the filter -------------------------------------------------------------

DEADLINE = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("status", "today", "verlopen"),
    [
        ("ingediend", DEADLINE - timedelta(days=1), False),
        ("ingediend", DEADLINE, False),  # the deadline day itself is still on time
        ("ingediend", DEADLINE + timedelta(days=1), True),
        ("gemeente_akkoord", DEADLINE + timedelta(days=1), True),
        ("goedgekeurd", DEADLINE + timedelta(days=1), False),  # decided: never overdue
        ("afgewezen", DEADLINE + timedelta(days=30), False),
        ("ingetrokken", DEADLINE + timedelta(days=30), False),
    ],
)
def test_termijn_verlopen(status, today, verlopen):
    assert rules.termijn_verlopen(status, DEADLINE, today) is verlopen


def test_no_deadline_is_never_overdue():
    assert rules.termijn_verlopen("ingediend", None, DEADLINE) is False


def test_waiting_states_are_the_models_open_states():
    assert rules.WACHT_OP_BESLUIT == set(Aanvraag.OPEN)


def test_flag_and_filter_agree_on_every_status_and_the_boundary_days(world):
    from tests.trajecten.helpers import aanvraag

    pk = Aanvraag.objects.get(uuid=aanvraag(world)["uuid"]).pk
    for status in ("ingediend", "gemeente_akkoord", "goedgekeurd", "afgewezen", "ingetrokken"):
        for deadline in (None, DEADLINE):
            Aanvraag.objects.filter(pk=pk).update(status=status, beslis_deadline=deadline)
            for today in (DEADLINE - timedelta(days=1), DEADLINE, DEADLINE + timedelta(days=1)):
                flag = rules.termijn_verlopen(status, deadline, today)
                in_filter = Aanvraag.objects.filter(selectors.termijn_verlopen_q(today), pk=pk).exists()
                assert flag is in_filter, (status, deadline, today)
    Aanvraag.objects.filter(pk=pk).update(status="ingediend", beslis_deadline=DEADLINE)
    assert Aanvraag.objects.filter(selectors.termijn_verlopen_q(DEADLINE + timedelta(days=1)), pk=pk).exists()


# --- waiting time ---------------------------------------------------------------------------------


def test_wachttijd_counts_amsterdam_calendar_days_until_the_decision():
    # 23:30 in Amsterdam on 1 March is 22:30 UTC: still 1 March
    ingediend = datetime.datetime(2026, 3, 1, 22, 30, tzinfo=datetime.UTC)
    beslist = datetime.datetime(2026, 3, 11, 0, 15, tzinfo=AMS)
    assert rules.wachttijd_dagen(ingediend, beslist, today=date(2026, 4, 1)) == 10  # stops at the decision
    assert rules.wachttijd_dagen(ingediend, None, today=date(2026, 3, 4)) == 3  # until today while it waits
    assert rules.wachttijd_dagen(ingediend, None, today=date(2026, 3, 1)) == 0
    assert rules.wachttijd_dagen(None, None, today=date(2026, 3, 4)) is None  # not submitted


def test_wachttijd_defaults_to_the_loket_today():
    import time_machine

    with time_machine.travel(datetime.datetime(2026, 3, 5, 9, 0, tzinfo=AMS), tick=False):
        assert rules.wachttijd_dagen(datetime.datetime(2026, 3, 1, 12, 0, tzinfo=AMS), None) == 4


# --- money: half up, at the cent ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [("0.005", "0.01"), ("2.675", "2.68"), ("0.125", "0.13"), ("0.0049", "0.00"), ("-0.005", "-0.01")],
)
def test_money_rounds_half_up(amount, rounded):
    assert fin.money(Decimal(amount)) == Decimal(rounded)


def test_cofinancing_share_on_the_page_rounds_half_up():
    # 0.125 of 8000.04 = 1000.005: half-even would show 1000.00
    assert fin.money(Decimal("8000.04") * Decimal("0.125")) == Decimal("1000.01")


# --- a trajectory past its planned end ------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "today", "verstreken"),
    [
        ("actief", DEADLINE, False),  # the planned end day itself still belongs to the trajectory
        ("actief", DEADLINE + timedelta(days=1), True),
        ("beeindigd", DEADLINE + timedelta(days=1), False),
        ("looptijd_verstreken", DEADLINE + timedelta(days=1), False),  # already moved on by the job
    ],
)
def test_einddatum_verstreken(status, today, verstreken):
    assert rules.einddatum_verstreken(status, DEADLINE, today) is verstreken


def test_einddatum_flag_and_the_nightly_filter_agree_on_every_status_and_the_boundary_days(world):
    from tests.trajecten.helpers import approved_traject
    from trajecten.models import Traject

    pk = Traject.objects.get(uuid=approved_traject(world)["uuid"]).pk
    start = DEADLINE - timedelta(days=200)
    for status in ("actief", "beeindigd", "looptijd_verstreken", "afgesloten"):
        einde = None if status == "actief" else start + timedelta(days=10)  # a stopped one has its end
        Traject.objects.filter(pk=pk).update(
            status=status, startdatum=start, einddatum_gepland=DEADLINE, einddatum=einde
        )
        for today in (DEADLINE - timedelta(days=1), DEADLINE, DEADLINE + timedelta(days=1)):
            flag = rules.einddatum_verstreken(status, DEADLINE, today)
            in_filter = Traject.objects.filter(selectors.einddatum_verstreken_q(today), pk=pk).exists()
            assert flag is in_filter, (status, today)
