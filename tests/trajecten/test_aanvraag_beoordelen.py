"""Deciding on applications through POST /api/v1/aanvragen/{uuid}/beoordelingen and withdrawing
them (domain.md section 6): who may decide what and when, what a decision records, the
trajectory it creates, the budget it commits or releases, waiting times and deadlines.

The world is built on a fixed day (TODAY, Thursday 15 January 2026)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client

from backoffice import roles
from backoffice.models import Instellingen
from financiering.models import Budget, Budgetmutatie, Regeling
from tests.conftest import shared_world
from tests.factories import make_user
from trajecten.models import Aanvraag, Besluit, Traject

from .aanvraag_helpers import (
    TODAY,
    assert_problem,
    decide,
    decided,
    deelnemer,
    gemeentelijk,
    noon,
    submit,
    submitted,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(noon(TODAY), tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, clock):
    """The shared test world, built on TODAY."""
    return shared_world()


def on(clock, day: date) -> None:
    clock.move_to(noon(day))


def get(world, user, aanvraag_uuid):
    return world.client(user).get(f"/api/v1/aanvragen/{aanvraag_uuid}")


def withdraw(world, user, aanvraag_uuid, **body):
    return world.client(user).post(f"/api/v1/aanvragen/{aanvraag_uuid}/intrekkingen", body, format="json")


def met_uwv_akkoord(world) -> None:
    """The demo gemeente scheme asks UWV's consent after the beschikking (the flow before issue 11)."""
    Regeling.objects.filter(pk=world.gem_regeling.pk).update(uwv_akkoord_na_beschikking=True)


def status(aanvraag_uuid) -> str:
    return Aanvraag.objects.get(uuid=aanvraag_uuid).status


def budget_amsterdam(world) -> Budget:
    world.budget_amsterdam.refresh_from_db()
    return world.budget_amsterdam


# --- UWV approval creates the trajectory --------------------------------------------------------


def test_uwv_approval_creates_the_trajectory(world):
    aanvraag = submitted(world)
    body = decided(world, world.uwv, aanvraag["uuid"])

    assert body["stap"] == "uwv"
    assert body["besluit"] == "akkoord"
    assert body["door"] == "uwv"
    assert body["op"].endswith("Z")
    assert body["aanvraag"]["status"] == "goedgekeurd"
    assert body["aanvraag"]["beslisDeadline"] is None
    assert body["aanvraag"]["afgehandeldOp"] is not None
    traject = body["traject"]
    assert body["aanvraag"]["traject"] == traject["uuid"]
    assert traject["status"] == "actief"
    assert traject["startdatum"] == "2026-01-15"  # the day of UWV's written approval
    assert traject["einddatumGepland"] == "2029-01-14"  # + 36 months - 1 day
    assert traject["route"] == "uwv"
    assert traject["perceel"] == "uwv-ips-epa"
    assert traject["gemeente"] == "0363"
    assert traject["aanbieder"] == str(world.noord.uuid)
    assert traject["deelnemer"] == aanvraag["deelnemer"]
    assert traject["trajectprijs"] == "8000.00"
    assert traject["verlengdMaanden"] == 0
    assert 1 <= traject["toewijzingNummer"] <= 999_999_999

    # the provider now sees its trajectory, with the number it quotes in declarations
    seen = world.client(world.ggz_noord).get(f"/api/v1/trajecten/{traject['uuid']}")
    assert seen.status_code == 200
    assert seen.json()["toewijzingNummer"] == traject["toewijzingNummer"]
    assert get(world, world.ggz_noord, aanvraag["uuid"]).json()["traject"] == traject["uuid"]


def test_cmd_trajectory_runs_24_months(world):
    aanvraag = submitted(world, perceel="uwv-ips-cmd")
    traject = decided(world, world.uwv, aanvraag["uuid"])["traject"]
    assert traject["startdatum"] == "2026-01-15"
    assert traject["einddatumGepland"] == "2028-01-14"


def test_start_is_the_day_of_approval_not_of_submission(world, clock):
    aanvraag = submitted(world)
    on(clock, date(2026, 1, 20))
    traject = decided(world, world.uwv, aanvraag["uuid"])["traject"]
    assert traject["startdatum"] == "2026-01-20"
    assert traject["einddatumGepland"] == "2029-01-19"


@pytest.mark.parametrize(
    ("perceel", "einde"),
    [("uwv-ips-epa", "2029-02-28"), ("uwv-ips-cmd", "2028-02-29")],  # a leap day in 2028
)
def test_later_requested_start_is_kept(world, perceel, einde):
    aanvraag = submitted(world, perceel=perceel, gewensteStartdatum="2026-03-01")
    assert aanvraag["gewensteStartdatum"] == "2026-03-01"
    traject = decided(world, world.uwv, aanvraag["uuid"])["traject"]
    assert traject["startdatum"] == "2026-03-01"
    assert traject["einddatumGepland"] == einde


def test_requested_start_that_has_passed_at_approval_starts_on_approval(world, clock):
    aanvraag = submitted(world, gewensteStartdatum="2026-01-17")
    on(clock, date(2026, 1, 26))
    # the decision page says so before the decision, in Dutch
    client = Client()
    client.force_login(world.uwv)
    page = client.get(f"/aanvragen/{aanvraag['uuid']}/").content.decode()
    assert "de gewenste startdatum (17 januari 2026) is al voorbij" in page
    assert "bij akkoord start het op de datum van uw besluit, vandaag 26 januari 2026" in page
    traject = decided(world, world.uwv, aanvraag["uuid"])["traject"]
    assert traject["startdatum"] == "2026-01-26"


def test_every_trajectory_has_its_own_number(world):
    numbers = []
    for user, perceel in (
        (world.ggz_noord, "uwv-ips-epa"),
        (world.ggz_zuid, "uwv-ips-cmd"),
        (world.ribw_oost, "uwv-ips-epa"),
    ):
        aanvraag = submitted(world, user, perceel)
        numbers.append(decided(world, world.uwv, aanvraag["uuid"])["traject"]["toewijzingNummer"])
    assert len(set(numbers)) == 3
    assert sorted(Traject.objects.values_list("toewijzing_nummer", flat=True)) == sorted(numbers)


# --- rejection ----------------------------------------------------------------------------------


@pytest.mark.parametrize("toelichting", [None, "", "   "])
def test_rejection_needs_a_reason(world, toelichting):
    aanvraag = submitted(world)
    problem = assert_problem(
        decide(world, world.uwv, aanvraag["uuid"], "afgewezen", toelichting), 400, "ongeldige-invoer"
    )
    assert [p["name"] for p in problem["invalidParams"]] == ["toelichting"]
    assert status(aanvraag["uuid"]) == "ingediend"
    assert not Besluit.objects.exists()


def test_rejection_records_who_when_and_why(world, clock):
    aanvraag = submitted(world)
    on(clock, date(2026, 1, 22))
    body = decided(world, world.uwv, aanvraag["uuid"], "afgewezen", "  Geen regiebehandelaar bekend.  ")
    assert body["aanvraag"]["status"] == "afgewezen"
    assert body["traject"] is None
    assert not Traject.objects.exists()

    seen = get(world, world.ggz_noord, aanvraag["uuid"]).json()
    assert seen["status"] == "afgewezen"
    assert seen["traject"] is None
    assert seen["beslisDeadline"] is None
    assert seen["afgehandeldOp"].startswith("2026-01-22T")
    [besluit] = seen["besluiten"]
    assert besluit["stap"] == "uwv"
    assert besluit["besluit"] == "afgewezen"
    assert besluit["door"] == "uwv"
    assert besluit["toelichting"] == "Geen regiebehandelaar bekend."
    assert besluit["op"].startswith("2026-01-22T") and besluit["op"].endswith("Z")
    # and the change is in the application's history, by the person who made it
    last = Aanvraag.objects.get(uuid=aanvraag["uuid"]).history.order_by("-history_id").first()
    assert last.status == "afgewezen"
    assert last.history_user.username == "uwv"


def test_unknown_decision_is_400(world):
    aanvraag = submitted(world)
    problem = assert_problem(decide(world, world.uwv, aanvraag["uuid"], "misschien"), 400, "ongeldige-invoer")
    assert "besluit" in {p["name"] for p in problem["invalidParams"]}
    assert status(aanvraag["uuid"]) == "ingediend"


@pytest.mark.parametrize(
    ("first", "second"),
    [("akkoord", "akkoord"), ("akkoord", "afgewezen"), ("afgewezen", "akkoord"), ("afgewezen", "afgewezen")],
)
def test_a_decided_application_is_not_decided_again(world, first, second):
    aanvraag = submitted(world)
    decided(world, world.uwv, aanvraag["uuid"], first, "Reden." if first == "afgewezen" else None)
    response = decide(world, world.uwv, aanvraag["uuid"], second, "Toch anders.")
    problem = assert_problem(response, 409, "ongeldige-status")
    assert ("goedgekeurd" if first == "akkoord" else "afgewezen") in problem["detail"]
    assert status(aanvraag["uuid"]) == ("goedgekeurd" if first == "akkoord" else "afgewezen")
    assert Besluit.objects.count() == 1
    assert Traject.objects.count() == (1 if first == "akkoord" else 0)


# --- who decides --------------------------------------------------------------------------------


def test_gemeente_cannot_decide_a_uwv_route_application(world):
    aanvraag = submitted(world)
    for besluit in ("akkoord", "afgewezen"):
        assert_problem(decide(world, world.gem_amsterdam, aanvraag["uuid"], besluit, "Nee."), 404, "niet-gevonden")
    assert get(world, world.gem_amsterdam, aanvraag["uuid"]).status_code == 404
    assert status(aanvraag["uuid"]) == "ingediend"


@pytest.mark.parametrize("user", ["ggz_noord", "uwv_fin", "auditor", "beheer"])
def test_other_roles_cannot_decide(world, user):
    aanvraag = submitted(world)
    assert_problem(decide(world, getattr(world, user), aanvraag["uuid"]), 403, "geen-rol")
    assert status(aanvraag["uuid"]) == "ingediend"


def test_uwv_does_not_see_a_gemeente_route_application_before_the_beschikking(world):
    aanvraag = submitted(world, perceel="demo-gem-epa")
    assert_problem(decide(world, world.uwv, aanvraag["uuid"]), 404, "niet-gevonden")
    assert get(world, world.uwv, aanvraag["uuid"]).status_code == 404
    assert world.client(world.uwv).get("/api/v1/aanvragen").json()["count"] == 0
    assert status(aanvraag["uuid"]) == "ingediend"
    assert not Traject.objects.exists()


def test_another_gemeente_cannot_decide(world):
    aanvraag = submitted(world, perceel="demo-gem-epa")
    assert_problem(decide(world, world.gem_utrecht, aanvraag["uuid"]), 404, "niet-gevonden")
    assert budget_amsterdam(world).gereserveerd == Decimal("0.00")


def test_gemeente_rejection(world):
    aanvraag = submitted(world, perceel="demo-gem-epa")
    body = decided(world, world.gem_amsterdam, aanvraag["uuid"], "afgewezen", "Geen inwoner van Amsterdam.")
    assert body["stap"] == "gemeente"
    assert body["door"] == "gemeente-amsterdam"
    assert body["cofinancieringBevestigd"] is False
    assert body["aanvraag"]["status"] == "afgewezen"
    assert body["aanvraag"]["beslisDeadline"] is None
    assert body["traject"] is None
    # nothing was committed, and UWV never gets to see it
    assert budget_amsterdam(world).gereserveerd == Decimal("0.00")
    assert not Budgetmutatie.objects.exists()
    assert get(world, world.uwv, aanvraag["uuid"]).status_code == 404
    # the provider reads why
    [besluit] = get(world, world.ggz_noord, aanvraag["uuid"]).json()["besluiten"]
    assert (besluit["stap"], besluit["toelichting"]) == ("gemeente", "Geen inwoner van Amsterdam.")


def test_gemeente_beschikking_is_the_grant(world):
    """domain.md 6: the beschikking commits the budget and is the grant; the trajectory exists at
    once and the answer carries it, as UWV's approval does on the UWV route."""
    aanvraag = submitted(world, perceel="demo-gem-cmd")
    body = decided(world, world.gem_amsterdam, aanvraag["uuid"])
    assert body["aanvraag"]["status"] == "goedgekeurd"
    assert body["cofinancieringBevestigd"] is True
    traject = body["traject"]
    assert (traject["route"], traject["status"], traject["startdatum"]) == ("gemeente", "actief", "2026-01-15")
    assert traject["einddatumGepland"] == "2028-01-14"
    assert body["aanvraag"]["traject"] == traject["uuid"]
    assert budget_amsterdam(world).gereserveerd == Decimal("8000.00")
    assert Budgetmutatie.objects.filter(budget=world.budget_amsterdam, soort="reservering").count() == 1

    # one beschikking; UWV has no step left and decides nothing
    assert_problem(decide(world, world.gem_amsterdam, aanvraag["uuid"]), 409, "ongeldige-status")
    assert_problem(decide(world, world.uwv, aanvraag["uuid"]), 409, "ongeldige-status")
    assert budget_amsterdam(world).gereserveerd == Decimal("8000.00")
    assert Traject.objects.filter(aanvraag__uuid=aanvraag["uuid"]).count() == 1
    besluiten = get(world, world.ggz_noord, aanvraag["uuid"]).json()["besluiten"]
    assert [(b["stap"], b["besluit"], b["door"]) for b in besluiten] == [("gemeente", "akkoord", "gemeente-amsterdam")]


def test_with_uwv_consent_the_beschikking_commits_budget_then_uwv_approves(world):
    met_uwv_akkoord(world)
    aanvraag = submitted(world, perceel="demo-gem-cmd")
    body = decided(world, world.gem_amsterdam, aanvraag["uuid"])
    assert body["aanvraag"]["status"] == "gemeente_akkoord"
    assert body["cofinancieringBevestigd"] is True
    assert body["traject"] is None
    assert budget_amsterdam(world).gereserveerd == Decimal("8000.00")

    # the gemeente gives one beschikking; the final word is UWV's
    assert_problem(decide(world, world.gem_amsterdam, aanvraag["uuid"]), 409, "ongeldige-status")
    assert budget_amsterdam(world).gereserveerd == Decimal("8000.00")

    traject = decided(world, world.uwv, aanvraag["uuid"])["traject"]
    assert traject["route"] == "gemeente"
    assert traject["einddatumGepland"] == "2028-01-14"
    assert budget_amsterdam(world).gereserveerd == Decimal("8000.00")  # committed once, not twice
    besluiten = get(world, world.ggz_noord, aanvraag["uuid"]).json()["besluiten"]
    assert [(b["stap"], b["besluit"], b["door"]) for b in besluiten] == [
        ("gemeente", "akkoord", "gemeente-amsterdam"),
        ("uwv", "akkoord", "uwv"),
    ]


def test_uwv_rejection_after_the_beschikking_releases_the_budget(world):
    met_uwv_akkoord(world)
    aanvraag = submitted(world, perceel="demo-gem-epa")
    decided(world, world.gem_amsterdam, aanvraag["uuid"])
    assert budget_amsterdam(world).gereserveerd == Decimal("8000.00")

    decided(world, world.uwv, aanvraag["uuid"], "afgewezen", "Deelnemer heeft al een baan.")
    budget = budget_amsterdam(world)
    assert budget.gereserveerd == Decimal("0.00")
    assert budget.vrij == Decimal("100000.00")
    mutaties = list(Budgetmutatie.objects.filter(budget=budget).order_by("id"))
    assert [(m.soort, m.bedrag, m.door.username) for m in mutaties] == [
        ("reservering", Decimal("8000.00"), "gemeente-amsterdam"),
        ("vrijval", Decimal("8000.00"), "uwv"),
    ]
    assert {str(m.object_uuid) for m in mutaties} == {aanvraag["uuid"]}
    # the gemeente sees its money back
    seen = world.client(world.gem_amsterdam).get(f"/api/v1/budgetten/{budget.uuid}").json()
    assert (seen["gereserveerd"], seen["vrij"]) == ("0.00", "100000.00")
    assert status(aanvraag["uuid"]) == "afgewezen"


def test_beschikking_refused_when_the_budget_has_run_out(world):
    aanvraag = submitted(world, perceel="demo-gem-epa")
    Budget.objects.filter(pk=world.budget_amsterdam.pk).update(toegekend=Decimal("7999.99"))
    assert_problem(decide(world, world.gem_amsterdam, aanvraag["uuid"]), 409, "budget-ontoereikend")
    assert status(aanvraag["uuid"]) == "ingediend"
    assert budget_amsterdam(world).gereserveerd == Decimal("0.00")
    assert not Besluit.objects.exists()
    # rejecting is still possible
    decided(world, world.gem_amsterdam, aanvraag["uuid"], "afgewezen", "Budget op.")


# --- four eyes ----------------------------------------------------------------------------------


def test_four_eyes_on_the_uwv_route(world):
    both = make_user(roles.AANBIEDER, aanbieder=world.noord, username="noord-en-uwv")
    both.groups.add(Group.objects.get(name=roles.UWV_BEOORDELAAR))
    aanvraag = submitted(world, both)

    problem = assert_problem(decide(world, both, aanvraag["uuid"]), 403, "vier-ogen")
    assert "vier ogen" in problem["detail"]
    assert_problem(decide(world, both, aanvraag["uuid"], "afgewezen", "Zelf afwijzen."), 403, "vier-ogen")
    assert status(aanvraag["uuid"]) == "ingediend"
    assert not Traject.objects.exists()
    # a colleague may
    assert decided(world, world.uwv, aanvraag["uuid"])["traject"] is not None


def test_four_eyes_on_the_gemeente_route(world):
    both = make_user(roles.AANBIEDER, aanbieder=world.noord, gemeenten=[world.amsterdam], username="noord-en-gemeente")
    both.groups.add(Group.objects.get(name=roles.GEMEENTE))
    aanvraag = submitted(world, both, "demo-gem-epa")

    assert_problem(decide(world, both, aanvraag["uuid"]), 403, "vier-ogen")
    assert status(aanvraag["uuid"]) == "ingediend"
    assert budget_amsterdam(world).gereserveerd == Decimal("0.00")
    decided(world, world.gem_amsterdam, aanvraag["uuid"])


def test_provider_with_a_second_role_still_sees_its_own_applications(world):
    """A provider employee who is also a UWV assessor (or a gemeente employee) files applications
    on either route and reads them back; before, filing on the route the second role could not
    see stored the application and answered 500."""
    with_uwv = make_user(roles.AANBIEDER, aanbieder=world.noord, username="noord-en-uwv")
    with_uwv.groups.add(Group.objects.get(name=roles.UWV_BEOORDELAAR))
    with_gemeente = make_user(
        roles.AANBIEDER, aanbieder=world.zuid, gemeenten=[world.utrecht], username="zuid-en-utrecht"
    )
    with_gemeente.groups.add(Group.objects.get(name=roles.GEMEENTE))

    for user in (with_uwv, with_gemeente):
        gemeente_route = submitted(world, user, "demo-gem-epa")
        uwv_route = submitted(world, user, "uwv-ips-epa")
        listed = {a["uuid"] for a in world.client(user).get("/api/v1/aanvragen").json()["results"]}
        assert {gemeente_route["uuid"], uwv_route["uuid"]} <= listed
        assert withdraw(world, user, gemeente_route["uuid"]).status_code == 201
    # the second role still sees no more than it should
    assert get(world, with_gemeente, submitted(world, perceel="demo-gem-epa")["uuid"]).status_code == 404
    assert get(world, with_uwv, submitted(world, world.ggz_zuid, "demo-gem-epa")["uuid"]).status_code == 404
    assert get(world, with_uwv, submitted(world, world.ggz_zuid, "uwv-ips-epa")["uuid"]).status_code == 200


# --- withdrawal ---------------------------------------------------------------------------------


def test_provider_withdraws_while_submitted(world):
    aanvraag = submitted(world)
    response = withdraw(world, world.ggz_noord, aanvraag["uuid"], toelichting="Deelnemer ziet ervan af.")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "ingetrokken"
    assert body["beslisDeadline"] is None
    assert body["afgehandeldOp"] is not None
    # UWV can no longer decide
    assert_problem(decide(world, world.uwv, aanvraag["uuid"]), 409, "ongeldige-status")
    assert not Traject.objects.exists()
    # and it can not be withdrawn twice
    assert_problem(withdraw(world, world.ggz_noord, aanvraag["uuid"]), 409, "ongeldige-status")


def test_withdrawal_on_the_gemeente_route_frees_the_pending_claim(world):
    Budget.objects.filter(pk=world.budget_amsterdam.pk).update(toegekend=Decimal("8000.00"))
    aanvraag = submitted(world, perceel="demo-gem-epa")
    person = gemeentelijk(world)
    assert_problem(submit(world, world.ggz_noord, person, "demo-gem-epa"), 409, "budget-ontoereikend")
    assert withdraw(world, world.ggz_noord, aanvraag["uuid"]).status_code == 201
    assert submit(world, world.ggz_noord, person, "demo-gem-epa").status_code == 201


@pytest.mark.parametrize("step", ["goedgekeurd", "afgewezen"])
def test_no_withdrawal_after_a_decision(world, step):
    aanvraag = submitted(world)
    decided(world, world.uwv, aanvraag["uuid"], "akkoord" if step == "goedgekeurd" else "afgewezen", "Reden.")
    problem = assert_problem(withdraw(world, world.ggz_noord, aanvraag["uuid"]), 409, "ongeldige-status")
    assert step in problem["detail"]
    assert status(aanvraag["uuid"]) == step


def test_no_withdrawal_after_the_beschikking(world):
    aanvraag = submitted(world, perceel="demo-gem-epa")
    decided(world, world.gem_amsterdam, aanvraag["uuid"])
    assert_problem(withdraw(world, world.ggz_noord, aanvraag["uuid"]), 409, "ongeldige-status")
    assert status(aanvraag["uuid"]) == "goedgekeurd"
    assert budget_amsterdam(world).gereserveerd == Decimal("8000.00")
    # also while it waits for UWV's consent
    met_uwv_akkoord(world)
    aanvraag = submitted(world, perceel="demo-gem-epa", deelnemer_obj=gemeentelijk(world))
    decided(world, world.gem_amsterdam, aanvraag["uuid"])
    assert_problem(withdraw(world, world.ggz_noord, aanvraag["uuid"]), 409, "ongeldige-status")
    assert status(aanvraag["uuid"]) == "gemeente_akkoord"


def test_another_provider_cannot_withdraw(world):
    aanvraag = submitted(world)
    assert_problem(withdraw(world, world.ggz_zuid, aanvraag["uuid"]), 404, "niet-gevonden")
    assert status(aanvraag["uuid"]) == "ingediend"


@pytest.mark.parametrize("user", ["uwv", "gem_amsterdam"])
def test_only_the_provider_withdraws(world, user):
    aanvraag = submitted(world, perceel="demo-gem-epa")
    assert_problem(withdraw(world, getattr(world, user), aanvraag["uuid"]), 403, "geen-rol")
    assert status(aanvraag["uuid"]) == "ingediend"


# --- waiting time and deadlines -----------------------------------------------------------------


def test_waiting_time_ends_at_the_beschikking_that_grants(world, clock):
    aanvraag = submitted(world, perceel="demo-gem-epa")
    on(clock, TODAY + timedelta(days=20))
    assert decided(world, world.gem_amsterdam, aanvraag["uuid"])["aanvraag"]["wachttijdDagen"] == 20
    on(clock, TODAY + timedelta(days=60))
    assert get(world, world.gem_amsterdam, aanvraag["uuid"]).json()["wachttijdDagen"] == 20


def test_waiting_time_grows_until_the_final_decision(world, clock):
    met_uwv_akkoord(world)
    aanvraag = submitted(world, perceel="demo-gem-epa")
    assert aanvraag["wachttijdDagen"] == 0

    on(clock, TODAY + timedelta(days=10))
    assert get(world, world.ggz_noord, aanvraag["uuid"]).json()["wachttijdDagen"] == 10

    on(clock, TODAY + timedelta(days=20))
    decided(world, world.gem_amsterdam, aanvraag["uuid"])  # the beschikking is not the end of the wait
    on(clock, TODAY + timedelta(days=25))
    assert get(world, world.gem_amsterdam, aanvraag["uuid"]).json()["wachttijdDagen"] == 25

    on(clock, TODAY + timedelta(days=27))
    body = decided(world, world.uwv, aanvraag["uuid"])
    assert body["aanvraag"]["wachttijdDagen"] == 27
    on(clock, TODAY + timedelta(days=60))
    assert get(world, world.uwv, aanvraag["uuid"]).json()["wachttijdDagen"] == 27  # stops at the decision


def test_waiting_time_counts_calendar_days_in_amsterdam(world, clock):
    clock.move_to(noon(TODAY).replace(hour=23, minute=30))  # 22:30 UTC, still the 15th here
    aanvraag = submitted(world)
    clock.move_to(noon(TODAY + timedelta(days=1)).replace(hour=0, minute=30))  # just after midnight
    assert get(world, world.ggz_noord, aanvraag["uuid"]).json()["wachttijdDagen"] == 1


def test_uwv_route_deadline_is_two_weeks(world):
    aanvraag = submitted(world)
    assert aanvraag["beslisDeadline"] == "2026-01-29"


def test_gemeente_route_deadline_is_eight_weeks_and_ends_with_the_beschikking(world, clock):
    aanvraag = submitted(world, perceel="demo-gem-epa")
    assert aanvraag["beslisDeadline"] == "2026-03-12"  # 15 January + 56 days (Awb 4:13)
    on(clock, date(2026, 2, 4))
    body = decided(world, world.gem_amsterdam, aanvraag["uuid"])
    assert body["aanvraag"]["beslisDeadline"] is None  # no UWV term after a beschikking that is the grant
    assert get(world, world.uwv, aanvraag["uuid"]).json()["beslisDeadline"] is None


def test_gemeente_route_deadline_is_eight_weeks_then_two_weeks_for_uwv(world, clock):
    met_uwv_akkoord(world)
    aanvraag = submitted(world, perceel="demo-gem-epa")
    assert aanvraag["beslisDeadline"] == "2026-03-12"  # 15 January + 56 days

    on(clock, date(2026, 2, 4))
    body = decided(world, world.gem_amsterdam, aanvraag["uuid"])
    assert body["aanvraag"]["beslisDeadline"] == "2026-02-18"  # the beschikking + 14 days for UWV
    assert get(world, world.uwv, aanvraag["uuid"]).json()["beslisDeadline"] == "2026-02-18"

    on(clock, date(2026, 2, 10))
    assert decided(world, world.uwv, aanvraag["uuid"])["aanvraag"]["beslisDeadline"] is None


def test_deadlines_are_configurable(world):
    Instellingen.objects.update_or_create(
        pk=1, defaults={"beslistermijn_uwv_dagen": 10, "beslistermijn_gemeente_dagen": 42}
    )
    assert submitted(world)["beslisDeadline"] == "2026-01-25"
    assert submitted(world, perceel="demo-gem-epa")["beslisDeadline"] == "2026-02-26"


def test_gemeente_route_deadline_for_a_participant_elsewhere(world):
    """Sanity: the deadline follows the route, not the provider or the gemeente."""
    world.f.budget(world.utrecht, world.gem_regeling)
    aanvraag = submitted(
        world,
        world.ggz_zuid,
        "demo-gem-epa",
        deelnemer_obj=deelnemer(world, world.zuid, uitkering="ioaw", gemeente=world.utrecht),
    )
    assert aanvraag["gemeente"] == "0344"
    assert aanvraag["beslisDeadline"] == "2026-03-12"
