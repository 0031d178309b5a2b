"""A trajectory's life after approval, through the API: extensions, placements, stop notices, end
reports, history and the list filters (domain.md section 7, api.md)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group

from backoffice import roles
from financiering.models import Budget, Budgetmutatie
from tests.factories import make_user
from trajecten.models import Besluit, Traject

from .aanvraag_helpers import TODAY, noon
from .helpers import aanvraag, approved_traject, beoordeel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    """Every test runs on TODAY (the world is built then too); a test that moves on travels
    from there."""
    with time_machine.travel(noon(TODAY), tick=False) as traveller:
        yield traveller


def _d(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def _verlenging(world, traject, maanden=6, user=None, toelichting="Werkt sinds kort, begeleiding nodig."):
    return world.client(user or world.ggz_noord).post(
        f"/api/v1/trajecten/{traject['uuid']}/verlengingen",
        {"maanden": maanden, "toelichting": toelichting},
        format="json",
    )


def _beslis_verlenging(world, user, traject, verlenging, besluit="akkoord", toelichting=""):
    body = {"besluit": besluit}
    if toelichting:
        body["toelichting"] = toelichting
    return world.client(user).post(
        f"/api/v1/trajecten/{traject['uuid']}/verlengingen/{verlenging['uuid']}/beoordelingen", body, format="json"
    )


def _verleng(world, traject, maanden, decider=None):
    response = _verlenging(world, traject, maanden)
    assert response.status_code == 201, response.json()
    response = _beslis_verlenging(world, decider or world.uwv, traject, response.json())
    assert response.status_code == 201, response.json()
    return response.json()


def _get(world, traject, user=None):
    response = world.client(user or world.ggz_noord).get(f"/api/v1/trajecten/{traject['uuid']}")
    assert response.status_code == 200, response.json()
    return response.json()


def _stop(world, traject, einddatum, reden="uitval", user=None, **extra):
    return world.client(user or world.ggz_noord).post(
        f"/api/v1/trajecten/{traject['uuid']}/stopberichten",
        {"einddatum": str(einddatum), "reden": reden, **extra},
        format="json",
    )


def _eindverslag(world, traject, user=None, **body):
    return world.client(user or world.ggz_noord).post(
        f"/api/v1/trajecten/{traject['uuid']}/eindverslagen",
        {"uitkomst": "werk", "toelichting": "Vaste baan gevonden.", "urenBesteed": 120, **body},
        format="json",
    )


# --- extensions ---------------------------------------------------------------------------------


def test_extension_approved_by_uwv_moves_end_and_adds_periode_cost(world):
    traject = approved_traject(world, perceel="uwv-ips-cmd")
    start = _d(traject["startdatum"])
    assert _d(traject["einddatumGepland"]) == start + relativedelta(months=24) - datetime.timedelta(days=1)

    response = _verlenging(world, traject, 6)
    assert response.status_code == 201, response.json()
    verzoek = response.json()
    assert verzoek["status"] == "aangevraagd"
    assert verzoek["bedrag"] == "800.00"  # 8000 * 0.40 / 24 * 6
    assert verzoek["aangevraagdDoor"] == "ggz-noord"
    # asking is not yet getting: nothing moves before the decision
    assert _get(world, traject)["einddatumGepland"] == traject["einddatumGepland"]

    response = _beslis_verlenging(world, world.uwv, traject, verzoek)
    assert response.status_code == 201, response.json()
    besluit = response.json()
    assert besluit["status"] == "goedgekeurd"
    assert besluit["besluitDoor"] == "uwv"
    assert besluit["besluitOp"].endswith("Z")

    after = _get(world, traject)
    assert _d(after["einddatumGepland"]) == start + relativedelta(months=30) - datetime.timedelta(days=1)
    assert after["verlengdMaanden"] == 6
    assert after["verlengingBedrag"] == "800.00"
    assert after["maximaalBedrag"] == "8800.00"
    assert after["status"] == "actief"
    assert [v["status"] for v in after["verlengingen"]] == ["goedgekeurd"]


def test_cmd_extensions_stay_within_twelve_months(world):
    traject = approved_traject(world, perceel="uwv-ips-cmd")
    _verleng(world, traject, 6)

    response = _verlenging(world, traject, 7)
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "looptijd-overschreden"

    _verleng(world, traject, 6)
    after = _get(world, traject)
    assert after["verlengdMaanden"] == 12
    assert after["verlengingBedrag"] == "1600.00"
    assert _d(after["einddatumGepland"]) == _d(after["startdatum"]) + relativedelta(months=36) - datetime.timedelta(
        days=1
    )

    response = _verlenging(world, traject, 1)
    assert response.status_code == 409
    assert response.json()["code"] == "looptijd-overschreden"


def test_epa_lot_has_no_extension(world):
    traject = approved_traject(world, perceel="uwv-ips-epa")
    response = _verlenging(world, traject, 1)
    assert response.status_code == 409
    assert response.json()["code"] == "looptijd-overschreden"
    assert _get(world, traject)["verlengingen"] == []


def test_extension_only_until_the_planned_end(world):
    traject = approved_traject(world, perceel="uwv-ips-cmd")
    einde = _d(traject["einddatumGepland"])

    with time_machine.travel(datetime.datetime.combine(einde, datetime.time(12)), tick=False):
        response = _verlenging(world, traject, 3)
        assert response.status_code == 201, response.json()  # the last day still counts
        response = _beslis_verlenging(world, world.uwv, traject, response.json(), "afgewezen", "Te laat onderbouwd.")
        assert response.status_code == 201

    with time_machine.travel(
        datetime.datetime.combine(einde + datetime.timedelta(days=1), datetime.time(12)), tick=False
    ):
        response = _verlenging(world, traject, 3)
    assert response.status_code == 409
    assert response.json()["code"] == "looptijd-overschreden"


def test_one_open_extension_request_at_a_time(world):
    traject = approved_traject(world, perceel="uwv-ips-cmd")
    first = _verlenging(world, traject, 3)
    assert first.status_code == 201

    response = _verlenging(world, traject, 3)
    assert response.status_code == 409
    assert response.json()["code"] == "verlenging-loopt"

    # once decided, a new request is possible again
    assert _beslis_verlenging(world, world.uwv, traject, first.json()).status_code == 201
    assert _verlenging(world, traject, 3).status_code == 201


def test_rejecting_an_extension_needs_a_reason_and_changes_nothing(world):
    traject = approved_traject(world, perceel="uwv-ips-cmd")
    verzoek = _verlenging(world, traject, 6).json()

    response = _beslis_verlenging(world, world.uwv, traject, verzoek, "afgewezen")
    assert response.status_code == 400
    assert "toelichting" in {p["name"] for p in response.json()["invalidParams"]}

    response = _beslis_verlenging(world, world.uwv, traject, verzoek, "afgewezen", "Geen perspectief op werk.")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "afgewezen"
    assert response.json()["besluitToelichting"] == "Geen perspectief op werk."

    after = _get(world, traject)
    assert after["einddatumGepland"] == traject["einddatumGepland"]
    assert after["verlengdMaanden"] == 0
    assert after["verlengingBedrag"] == "0.00"

    # a decided request can not be decided again
    response = _beslis_verlenging(world, world.uwv, traject, verzoek)
    assert response.status_code == 409
    assert response.json()["code"] == "ongeldige-status"


def test_extension_four_eyes(world):
    """Someone with both a provider and a UWV role may not approve their own request."""
    dubbel = make_user(roles.AANBIEDER, aanbieder=world.noord, username="noord-en-uwv")
    dubbel.groups.add(Group.objects.get(name=roles.UWV_BEOORDELAAR))
    traject = approved_traject(world, perceel="uwv-ips-cmd")

    verzoek = _verlenging(world, traject, 6, user=dubbel)
    assert verzoek.status_code == 201, verzoek.json()
    response = _beslis_verlenging(world, dubbel, traject, verzoek.json())
    assert response.status_code == 403
    assert response.json()["code"] == "vier-ogen"
    assert _beslis_verlenging(world, world.uwv, traject, verzoek.json()).status_code == 201


def test_extension_roles_and_scoping(world):
    traject = approved_traject(world, perceel="uwv-ips-cmd")
    verzoek = _verlenging(world, traject, 6).json()

    # another provider neither requests nor sees: 404, not 403
    assert _verlenging(world, traject, 3, user=world.ggz_zuid).status_code == 404
    assert world.client(world.ggz_zuid).get(f"/api/v1/trajecten/{traject['uuid']}/verlengingen").status_code == 404

    # the provider itself, UWV finance and the auditor may not decide
    for user in (world.ggz_noord, world.uwv_fin, world.auditor):
        response = _beslis_verlenging(world, user, traject, verzoek)
        assert response.status_code == 403, user.username
        assert response.json()["code"] == "geen-rol"
    # a gemeente does not decide (nor see) UWV-route trajectories
    assert _beslis_verlenging(world, world.gem_amsterdam, traject, verzoek).status_code == 404
    # only a provider asks for an extension
    response = _verlenging(world, traject, 3, user=world.uwv)
    assert response.status_code == 403
    assert response.json()["code"] == "geen-rol"

    assert world.client(world.uwv).get(f"/api/v1/trajecten/{traject['uuid']}/verlengingen").json()["count"] == 1


def test_gemeente_route_extension_is_decided_by_the_gemeente_and_commits_budget(world):
    traject = approved_traject(world, perceel="demo-gem-cmd")
    assert traject["route"] == "gemeente"
    world.budget_amsterdam.refresh_from_db()
    assert world.budget_amsterdam.gereserveerd == Decimal("8000.00")

    verzoek = _verlenging(world, traject, 6).json()
    # UWV is not the funder on this route
    response = _beslis_verlenging(world, world.uwv, traject, verzoek)
    assert response.status_code == 403
    # Utrecht does not even see Amsterdam's trajectory
    assert _beslis_verlenging(world, world.gem_utrecht, traject, verzoek).status_code == 404

    response = _beslis_verlenging(world, world.gem_amsterdam, traject, verzoek)
    assert response.status_code == 201, response.json()
    assert response.json()["besluitDoor"] == "gemeente-amsterdam"

    world.budget_amsterdam.refresh_from_db()
    assert world.budget_amsterdam.gereserveerd == Decimal("8800.00")
    mutatie = Budgetmutatie.objects.filter(budget=world.budget_amsterdam, soort="reservering").order_by("-id").first()
    assert mutatie.bedrag == Decimal("800.00")
    assert str(mutatie.object_uuid) == verzoek["uuid"]
    budget = world.client(world.gem_amsterdam).get(f"/api/v1/budgetten/{world.budget_amsterdam.uuid}").json()
    assert budget["gereserveerd"] == "8800.00"
    assert budget["vrij"] == "91200.00"
    assert _get(world, traject, world.gem_amsterdam)["maximaalBedrag"] == "8800.00"


def test_gemeente_extension_refused_when_budget_is_short(world):
    traject = approved_traject(world, perceel="demo-gem-cmd")
    Budget.objects.filter(pk=world.budget_amsterdam.pk).update(toegekend=Decimal("8500.00"))
    verzoek = _verlenging(world, traject, 6).json()

    response = _beslis_verlenging(world, world.gem_amsterdam, traject, verzoek)
    assert response.status_code == 409
    assert response.json()["code"] == "budget-ontoereikend"
    after = _get(world, traject)
    assert after["verlengdMaanden"] == 0
    assert after["verlengingen"][0]["status"] == "aangevraagd"


# --- placements ---------------------------------------------------------------------------------


def _plaatsing_body(traject, **overrides):
    body = {
        "werkgever": "Bakkerij De Korenschoof",
        "startdatum": traject["startdatum"],
        "einddatum": None,
        "urenPerWeek": "16.0",
        "contractsoort": "arbeidsovereenkomst",
        "vast": False,
        "minimumloonOfMeer": True,
        "aandoeningBekendBijWerkgever": True,
        "proefplaatsing": False,
        "loonondersteuning": ["loonkostensubsidie"],
        "sector": "10",
    }
    body.update(overrides)
    return body


def _plaatsing(world, traject, user=None, **overrides):
    return world.client(user or world.ggz_noord).post(
        f"/api/v1/trajecten/{traject['uuid']}/plaatsingen", _plaatsing_body(traject, **overrides), format="json"
    )


def test_placement_with_every_field(world):
    traject = approved_traject(world)
    start = _d(traject["startdatum"])
    body = _plaatsing_body(
        traject,
        einddatum=str(start + datetime.timedelta(days=180)),
        vast=True,
        loonondersteuning=["loondispensatie", "beschut_werk", "loondispensatie"],
        sector="G",
        contractsoort="uitzend",
        openVoorIedereen=False,  # beschut werk is set aside by law: never open to anyone
    )
    response = world.client(world.ggz_noord).post(
        f"/api/v1/trajecten/{traject['uuid']}/plaatsingen", body, format="json"
    )
    assert response.status_code == 201, response.json()
    plaatsing = response.json()
    assert plaatsing["werkgever"] == "Bakkerij De Korenschoof"
    assert plaatsing["startdatum"] == traject["startdatum"]
    assert plaatsing["einddatum"] == body["einddatum"]
    assert plaatsing["urenPerWeek"] == "16.0"
    assert plaatsing["contractsoort"] == "uitzend"
    assert plaatsing["vast"] is True
    assert plaatsing["minimumloonOfMeer"] is True
    assert plaatsing["proefplaatsing"] is False
    assert plaatsing["openVoorIedereen"] is False
    assert plaatsing["loonondersteuning"] == ["beschut_werk", "loondispensatie"]
    assert plaatsing["sector"] == "G"
    assert plaatsing["regulierBetaaldWerk"] is False  # counted in the monitor's wider measure only

    listed = world.client(world.ggz_noord).get(f"/api/v1/trajecten/{traject['uuid']}/plaatsingen").json()
    assert [p["uuid"] for p in listed["results"]] == [plaatsing["uuid"]]
    # the funder sees the placement on the trajectory
    assert _get(world, traject, world.uwv)["plaatsingen"][0]["werkgever"] == "Bakkerij De Korenschoof"
    detail = world.client(world.ggz_noord).get(f"/api/v1/trajecten/{traject['uuid']}/plaatsingen/{plaatsing['uuid']}")
    assert detail.status_code == 200
    assert detail.json() == plaatsing


@pytest.mark.parametrize(
    "minimumloon, proef, open_, regulier",
    [
        (True, False, True, True),
        (False, False, True, False),
        (False, True, True, False),
        (True, False, False, False),  # a job set aside for people with health problems (domain.md 7)
    ],
)
def test_regular_paid_work_only_when_minimum_wage_no_trial_and_open_to_anyone(
    world, minimumloon, proef, open_, regulier
):
    traject = approved_traject(world)
    response = _plaatsing(world, traject, minimumloonOfMeer=minimumloon, proefplaatsing=proef, openVoorIedereen=open_)
    assert response.status_code == 201, response.json()
    assert response.json()["regulierBetaaldWerk"] is regulier
    assert response.json()["openVoorIedereen"] is open_


def test_temp_agency_work_open_to_anyone_counts(world):
    traject = approved_traject(world)
    response = _plaatsing(world, traject, contractsoort="uitzend", openVoorIedereen=True)
    assert response.json()["regulierBetaaldWerk"] is True


def test_open_voor_iedereen_default_for_an_older_client(world):
    """Left out of a new placement: true, except beschut werk (set aside by law): false. A PATCH
    that leaves it out keeps it; a PATCH can change it."""
    traject = approved_traject(world)
    body = _plaatsing_body(traject, loonondersteuning=[])
    assert "openVoorIedereen" not in body  # what an older client sends
    gewoon = world.client(world.ggz_noord).post(f"/api/v1/trajecten/{traject['uuid']}/plaatsingen", body, format="json")
    assert gewoon.status_code == 201, gewoon.json()
    assert (gewoon.json()["openVoorIedereen"], gewoon.json()["regulierBetaaldWerk"]) == (True, True)
    beschut = _plaatsing(world, traject, loonondersteuning=["beschut_werk"]).json()
    assert (beschut["openVoorIedereen"], beschut["regulierBetaaldWerk"]) == (False, False)

    url = f"/api/v1/trajecten/{traject['uuid']}/plaatsingen/{gewoon.json()['uuid']}"
    response = world.client(world.ggz_noord).patch(url, {"urenPerWeek": "20.0"}, format="json")
    assert response.json()["openVoorIedereen"] is True
    response = world.client(world.ggz_noord).patch(url, {"openVoorIedereen": False}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["openVoorIedereen"], response.json()["regulierBetaaldWerk"]) == (False, False)


def test_trial_placement_is_unpaid(world):
    traject = approved_traject(world)
    response = _plaatsing(world, traject, proefplaatsing=True, minimumloonOfMeer=True)
    assert response.status_code == 400
    assert response.json()["code"] == "ongeldige-invoer"
    assert "proefplaatsing" in {p["name"] for p in response.json()["invalidParams"]}

    # also when a PATCH makes it so
    proef = _plaatsing(world, traject, proefplaatsing=True, minimumloonOfMeer=False).json()
    url = f"/api/v1/trajecten/{traject['uuid']}/plaatsingen/{proef['uuid']}"
    response = world.client(world.ggz_noord).patch(url, {"minimumloonOfMeer": True}, format="json")
    assert response.status_code == 400
    # turning the trial into a real job is fine
    response = world.client(world.ggz_noord).patch(
        url, {"proefplaatsing": False, "minimumloonOfMeer": True}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["regulierBetaaldWerk"] is True


def test_patch_placement_changes_fields(world):
    traject = approved_traject(world)
    start = _d(traject["startdatum"])
    plaatsing = _plaatsing(world, traject).json()
    url = f"/api/v1/trajecten/{traject['uuid']}/plaatsingen/{plaatsing['uuid']}"

    end = str(start + datetime.timedelta(days=90))
    response = world.client(world.ggz_noord).patch(url, {"einddatum": end, "urenPerWeek": "24"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["einddatum"] == end
    assert response.json()["urenPerWeek"] == "24.0"
    assert response.json()["werkgever"] == plaatsing["werkgever"]
    assert _get(world, traject)["plaatsingen"][0]["einddatum"] == end

    # an end before the start, on the stored start
    response = world.client(world.ggz_noord).patch(
        url, {"einddatum": str(start - datetime.timedelta(days=1))}, format="json"
    )
    assert response.status_code == 400
    # moving the start before the trajectory
    response = world.client(world.ggz_noord).patch(
        url, {"startdatum": str(start - datetime.timedelta(days=1)), "einddatum": None}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "plaatsing-buiten-traject"

    # other organisations and roles
    assert world.client(world.ggz_zuid).patch(url, {"urenPerWeek": "8"}, format="json").status_code == 404
    response = world.client(world.uwv).patch(url, {"urenPerWeek": "8"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "geen-rol"


def test_placement_before_trajectory_start_is_refused(world):
    traject = approved_traject(world)
    day_before = _d(traject["startdatum"]) - datetime.timedelta(days=1)
    response = _plaatsing(world, traject, startdatum=str(day_before))
    assert response.status_code == 409
    assert response.json()["code"] == "plaatsing-buiten-traject"
    assert _get(world, traject)["plaatsingen"] == []


def test_placement_end_before_start_is_invalid(world):
    traject = approved_traject(world)
    start = _d(traject["startdatum"])
    response = _plaatsing(
        world,
        traject,
        startdatum=str(start + datetime.timedelta(days=10)),
        einddatum=str(start + datetime.timedelta(days=5)),
    )
    assert response.status_code == 400
    assert "einddatum" in {p["name"] for p in response.json()["invalidParams"]}


def test_invalid_placement_fields_are_reported_together(world):
    traject = approved_traject(world)
    response = _plaatsing(
        world,
        traject,
        contractsoort="nulurencontract",
        loonondersteuning=["loonkostensubsidie", "bonus"],
        sector="Z9",
        urenPerWeek="0",
        werkgever="",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    names = {p["name"] for p in response.json()["invalidParams"]}
    assert {"contractsoort", "sector", "urenPerWeek", "werkgever"} <= names
    assert any(n.startswith("loonondersteuning") for n in names)


def test_placements_only_by_the_own_provider(world):
    traject = approved_traject(world)
    assert _plaatsing(world, traject, user=world.ggz_zuid).status_code == 404
    response = _plaatsing(world, traject, user=world.uwv)
    assert response.status_code == 403
    assert response.json()["code"] == "geen-rol"


# --- stop notices -------------------------------------------------------------------------------


@pytest.mark.parametrize("reden", ["werk_duurzaam", "uitval", "verhuisd", "overleden", "anders"])
def test_stop_notice_ends_the_trajectory(world, reden):
    traject = approved_traject(world)
    start = _d(traject["startdatum"])
    einddatum = start + datetime.timedelta(days=40)
    extra = {"toelichting": "Gaat studeren."} if reden == "anders" else {}

    with time_machine.travel(
        datetime.datetime.combine(start + datetime.timedelta(days=45), datetime.time(12)), tick=False
    ):
        response = _stop(world, traject, einddatum, reden, **extra)
    assert response.status_code == 201, response.json()
    assert response.json()["reden"] == reden
    assert response.json()["einddatum"] == str(einddatum)

    after = _get(world, traject)
    assert after["status"] == "beeindigd"
    assert after["einddatum"] == str(einddatum)
    # the funder sees it at once
    assert _get(world, traject, world.uwv)["status"] == "beeindigd"


def test_stop_notice_on_the_gemeente_route_is_seen_by_the_gemeente(world):
    traject = approved_traject(world, perceel="demo-gem-epa")
    assert _stop(world, traject, traject["startdatum"], "verhuisd").status_code == 201
    seen = _get(world, traject, world.gem_amsterdam)
    assert seen["status"] == "beeindigd"
    assert seen["einddatum"] == traject["startdatum"]


def test_stop_notice_dates(world):
    traject = approved_traject(world)
    start = _d(traject["startdatum"])

    response = _stop(world, traject, start + datetime.timedelta(days=1))
    assert response.status_code == 409
    assert response.json()["code"] == "einddatum-ongeldig"

    response = _stop(world, traject, start - datetime.timedelta(days=1))
    assert response.status_code == 409
    assert response.json()["code"] == "einddatum-ongeldig"
    assert _get(world, traject)["status"] == "actief"


def test_stop_notice_anders_needs_a_reason(world):
    traject = approved_traject(world)
    response = _stop(world, traject, traject["startdatum"], "anders")
    assert response.status_code == 400
    assert "toelichting" in {p["name"] for p in response.json()["invalidParams"]}
    assert _get(world, traject)["status"] == "actief"

    response = _stop(world, traject, traject["startdatum"], "emigratie")
    assert response.status_code == 400
    assert "reden" in {p["name"] for p in response.json()["invalidParams"]}


def test_second_stop_notice_is_refused(world):
    traject = approved_traject(world)
    assert _stop(world, traject, traject["startdatum"]).status_code == 201
    response = _stop(world, traject, traject["startdatum"], "verhuisd")
    assert response.status_code == 409
    assert response.json()["code"] == "ongeldige-status"


def test_stop_notice_only_by_the_own_provider(world):
    traject = approved_traject(world)
    assert _stop(world, traject, traject["startdatum"], user=world.ggz_zuid).status_code == 404
    response = _stop(world, traject, traject["startdatum"], user=world.uwv)
    assert response.status_code == 403
    assert _get(world, traject)["status"] == "actief"


def test_no_extension_after_a_stop(world):
    traject = approved_traject(world)
    assert _stop(world, traject, traject["startdatum"]).status_code == 201
    response = _verlenging(world, traject, 3)
    assert response.status_code == 409
    assert response.json()["code"] == "ongeldige-status"


# --- end reports --------------------------------------------------------------------------------


def test_end_report_refused_while_active(world):
    traject = approved_traject(world)
    response = _eindverslag(world, traject)
    assert response.status_code == 409
    assert response.json()["code"] == "ongeldige-status"
    assert _get(world, traject)["status"] == "actief"


def test_end_report_after_stop_closes_the_trajectory(world):
    traject = approved_traject(world)
    assert _stop(world, traject, traject["startdatum"], "werk_duurzaam").status_code == 201

    response = _eindverslag(world, traject)
    assert response.status_code == 201, response.json()
    assert response.json()["uitkomst"] == "werk"
    assert response.json()["urenBesteed"] == 120
    assert response.json()["vrijgevallenBedrag"] == "0.00"  # UWV route: no gemeente budget

    after = _get(world, traject)
    assert after["status"] == "afgesloten"
    assert after["einddatum"] == traject["startdatum"]

    response = _eindverslag(world, traject)
    assert response.status_code == 409
    assert response.json()["code"] == "ongeldige-status"
    # a closed trajectory takes no new placements
    assert _plaatsing(world, traject).status_code == 409


def test_end_report_invalid_outcome(world):
    traject = approved_traject(world)
    assert _stop(world, traject, traject["startdatum"]).status_code == 201
    response = _eindverslag(world, traject, uitkomst="pensioen")
    assert response.status_code == 400
    assert "uitkomst" in {p["name"] for p in response.json()["invalidParams"]}
    assert _get(world, traject)["status"] == "beeindigd"


def test_end_report_on_gemeente_route_releases_the_commitment(world):
    traject = approved_traject(world, perceel="demo-gem-cmd")
    _verleng(world, traject, 6, decider=world.gem_amsterdam)
    world.budget_amsterdam.refresh_from_db()
    assert world.budget_amsterdam.gereserveerd == Decimal("8800.00")

    assert _stop(world, traject, traject["startdatum"], "uitval").status_code == 201
    response = _eindverslag(world, traject, uitkomst="geen_werk")
    assert response.status_code == 201, response.json()
    assert response.json()["vrijgevallenBedrag"] == "8800.00"

    world.budget_amsterdam.refresh_from_db()
    assert world.budget_amsterdam.gereserveerd == Decimal("0.00")
    assert world.budget_amsterdam.vrij == Decimal("100000.00")
    vrijval = Budgetmutatie.objects.get(budget=world.budget_amsterdam, soort="vrijval")
    assert vrijval.bedrag == Decimal("8800.00")
    assert str(vrijval.object_uuid) == traject["uuid"]
    budget = world.client(world.gem_amsterdam).get(f"/api/v1/budgetten/{world.budget_amsterdam.uuid}").json()
    assert budget["gereserveerd"] == "0.00"
    assert budget["vrij"] == "100000.00"


# --- history and decisions ----------------------------------------------------------------------


def test_every_change_is_kept_in_history(world):
    traject = approved_traject(world, perceel="uwv-ips-cmd")
    _verleng(world, traject, 6)
    assert _stop(world, traject, traject["startdatum"], "uitval").status_code == 201
    assert _eindverslag(world, traject).status_code == 201

    obj = Traject.objects.get(uuid=traject["uuid"])
    records = list(obj.history.order_by("history_id"))
    assert [r.history_type for r in records] == ["+", "~", "~", "~"]
    assert [r.status for r in records] == ["actief", "actief", "beeindigd", "afgesloten"]
    assert [r.verlengd_maanden for r in records] == [0, 6, 6, 6]
    assert [r.history_user.username if r.history_user else None for r in records] == [
        "uwv",
        "uwv",
        "ggz-noord",
        "ggz-noord",
    ]
    assert {r.history_date for r in records} == {noon(TODAY)}  # the frozen clock: when it happened


def test_decisions_record_who_when_and_why(world):
    from financiering.models import Regeling

    Regeling.objects.filter(pk=world.gem_regeling.pk).update(uwv_akkoord_na_beschikking=True)  # two decisions
    filed = aanvraag(world, perceel="demo-gem-epa")
    assert beoordeel(world, world.gem_amsterdam, filed["uuid"]).status_code == 201
    response = beoordeel(world, world.uwv, filed["uuid"], "afgewezen", "Deelnemer heeft al werk.")
    assert response.status_code == 201, response.json()

    besluiten = world.client(world.ggz_noord).get(f"/api/v1/aanvragen/{filed['uuid']}").json()["besluiten"]
    assert [(b["stap"], b["besluit"], b["door"], b["toelichting"]) for b in besluiten] == [
        ("gemeente", "akkoord", "gemeente-amsterdam", ""),
        ("uwv", "afgewezen", "uwv", "Deelnemer heeft al werk."),
    ]
    assert [b["op"] for b in besluiten] == ["2026-01-15T11:00:00Z"] * 2  # noon in Amsterdam, in UTC
    rows = Besluit.objects.filter(aanvraag__uuid=filed["uuid"]).order_by("id")
    assert [r.door.username for r in rows] == ["gemeente-amsterdam", "uwv"]
    assert [r.op for r in rows] == [noon(TODAY)] * 2
    # the rejection after the beschikking gave the gemeente's money back
    world.budget_amsterdam.refresh_from_db()
    assert world.budget_amsterdam.gereserveerd == Decimal("0.00")


# --- list filters -------------------------------------------------------------------------------


def test_trajectory_list_filters(world):
    a = approved_traject(world, perceel="uwv-ips-cmd", gemeente="0363")
    b = approved_traject(world, perceel="uwv-ips-epa", gemeente="0344")
    c = approved_traject(world, provider_user=world.ggz_zuid, perceel="uwv-ips-cmd", gemeente="0363")
    assert _stop(world, a, a["startdatum"]).status_code == 201
    uwv = world.client(world.uwv)

    def uuids(**params):
        response = uwv.get("/api/v1/trajecten", params)
        assert response.status_code == 200, response.json()
        return [t["uuid"] for t in response.json()["results"]]

    assert uuids() == [a["uuid"], b["uuid"], c["uuid"]]  # ordered by toewijzingNummer
    assert uuids(status="beeindigd") == [a["uuid"]]
    assert uuids(status="actief") == [b["uuid"], c["uuid"]]
    assert uuids(perceel="uwv-ips-epa") == [b["uuid"]]
    assert uuids(aanbieder=str(world.zuid.uuid)) == [c["uuid"]]
    assert uuids(gemeente="0344") == [b["uuid"]]
    start = _d(a["startdatum"])
    assert uuids(eindigtVoor=str(start + relativedelta(months=30))) == [a["uuid"], c["uuid"]]
    assert uuids(eindigtVoor=str(start)) == []
    assert uuids(toewijzingNummer=b["toewijzingNummer"]) == [b["uuid"]]
    assert uuids(perceel="uwv-ips-cmd", status="actief") == [c["uuid"]]

    # a provider's list holds only its own, also when filtering on another's uuid
    noord = world.client(world.ggz_noord)
    assert [t["uuid"] for t in noord.get("/api/v1/trajecten").json()["results"]] == [a["uuid"], b["uuid"]]
    assert noord.get("/api/v1/trajecten", {"aanbieder": str(world.zuid.uuid)}).json()["count"] == 0

    response = uwv.get("/api/v1/trajecten", {"status": "lopend"})
    assert response.status_code == 400
    assert response.json()["code"] == "ongeldige-invoer"
