"""Races for the last place and the last euros, with really parallel requests (domain.md sections
6 and 8: "never negative, also when two approvals race: the check and the commitment are one
transaction").

Each request runs in its own thread with its own APIClient and its own database connection; a
barrier releases them together. Only PostgreSQL has the row locks this is about, so on another
database these tests fail instead of passing for the wrong reason."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from backoffice import roles
from backoffice.models import User
from financiering.models import Budget, Budgetmutatie
from tests.conftest import World
from tests.factories import make_user
from trajecten.models import Aanvraag, Traject

from .aanvraag_helpers import body, deelnemer, gemeentelijk, submitted

pytestmark = [pytest.mark.django_db(transaction=True)]

ROUNDS = 3  # a race won by chance once is not proof; a few rounds keep it quick


@pytest.fixture
def world(transactional_db):
    if connection.vendor != "postgresql":
        pytest.fail(f"De concurrency-tests vragen PostgreSQL (DATABASE_URL), niet {connection.vendor}.")
    return World()


def parallel(*requests):
    """Run ``(user, path, body)`` POSTs at the same moment, each in its own thread with its own
    client and connection; answers [(status, json)] in the order given."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)
    errors: list = []

    def run(index, user_pk, path, data):
        from rest_framework.test import APIClient

        try:
            client = APIClient()
            client.force_authenticate(User.objects.get(pk=user_pk))  # a fresh user object per thread
            barrier.wait(timeout=20)
            response = client.post(path, data, format="json")
            results[index] = (response.status_code, response.json())
        except BaseException as exc:  # noqa: BLE001 - reported in the main thread
            errors.append(exc)
            barrier.abort()
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, user.pk, path, data), daemon=True)
        for i, (user, path, data) in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a request hung (deadlock?)"
    assert not errors, errors
    return results


def one_won(results, code: str) -> tuple[dict, dict]:
    """Exactly one 201 and one 409 with ``code``; answers (winner, loser)."""
    statuses = sorted(status for status, _ in results)
    assert statuses == [201, 409], results
    winner = next(body for status, body in results if status == 201)
    loser = next(body for status, body in results if status == 409)
    assert loser["code"] == code, loser
    return winner, loser


def test_last_place_under_the_per_gemeente_cap(world):
    """Two providers apply at once for two Amsterdam residents when one place is left."""
    for round_ in range(ROUNDS):
        taken = Aanvraag.objects.filter(gemeente=world.amsterdam, status__in=Aanvraag.BEZET).count()
        world.gem_regeling.max_per_gemeente = taken + 1
        world.gem_regeling.save()
        at_noord = gemeentelijk(world, world.noord)
        at_zuid = gemeentelijk(world, world.zuid)

        results = parallel(
            (world.ggz_noord, "/api/v1/aanvragen", body(at_noord, "demo-gem-epa")),
            (world.ggz_zuid, "/api/v1/aanvragen", body(at_zuid, "demo-gem-epa")),
        )
        one_won(results, "gemeentelimiet-bereikt")
        assert Aanvraag.objects.filter(gemeente=world.amsterdam, status__in=Aanvraag.BEZET).count() == taken + 1, round_


def test_last_euros_of_a_budget(world):
    """Two Amsterdam employees give their beschikking at once on two applications; the budget
    holds one more trajectory. The beschikking is the grant: one trajectory comes out."""
    second_employee = make_user(roles.GEMEENTE, gemeenten=[world.amsterdam], username="gemeente-amsterdam-2")
    for round_ in range(ROUNDS):
        # file two applications while there is room for both ...
        first = submitted(world, world.ggz_noord, "demo-gem-epa")
        second = submitted(world, world.ggz_zuid, "demo-gem-epa")
        # ... then the allocation is lowered to what is committed plus one trajectory
        budget = Budget.objects.get(pk=world.budget_amsterdam.pk)
        toegekend = budget.gereserveerd + Decimal("8000.00")
        Budget.objects.filter(pk=budget.pk).update(toegekend=toegekend)

        results = parallel(
            (world.gem_amsterdam, f"/api/v1/aanvragen/{first['uuid']}/beoordelingen", {"besluit": "akkoord"}),
            (second_employee, f"/api/v1/aanvragen/{second['uuid']}/beoordelingen", {"besluit": "akkoord"}),
        )
        winner, _ = one_won(results, "budget-ontoereikend")
        assert winner["aanvraag"]["status"] == "goedgekeurd"
        assert winner["traject"]["aanvraag"] == winner["aanvraag"]["uuid"]

        budget.refresh_from_db()
        assert budget.gereserveerd == Decimal("8000.00") * (round_ + 1)
        assert budget.gereserveerd <= budget.toegekend
        assert budget.vrij == Decimal("0.00")
        assert Budgetmutatie.objects.filter(budget=budget, soort="reservering").count() == round_ + 1
        statuses = sorted(
            Aanvraag.objects.filter(uuid__in=[first["uuid"], second["uuid"]]).values_list("status", flat=True)
        )
        assert statuses == ["goedgekeurd", "ingediend"]
        assert Traject.objects.filter(aanvraag__uuid__in=[first["uuid"], second["uuid"]]).count() == 1

        # make room for the next round
        Budget.objects.filter(pk=budget.pk).update(toegekend=Decimal("100000.00"))
        loser = first if winner["aanvraag"]["uuid"] == second["uuid"] else second
        response = world.client(world.ggz_noord if loser is first else world.ggz_zuid).post(
            f"/api/v1/aanvragen/{loser['uuid']}/intrekkingen", {}, format="json"
        )
        assert response.status_code == 201, response.json()


def test_last_national_place_for_two_beschikkingen(world):
    """Utrecht and Amsterdam give their beschikking at once when the scheme's national room on
    the gemeente route holds one more granted trajectory (``quotumGemeente``)."""
    world.f.budget(world.utrecht, world.gem_regeling)
    for round_ in range(ROUNDS):
        at_amsterdam = submitted(world, world.ggz_noord, "demo-gem-epa")
        at_utrecht = submitted(
            world, world.ggz_zuid, "demo-gem-epa", deelnemer_obj=gemeentelijk(world, world.zuid, gemeente=world.utrecht)
        )
        granted = Aanvraag.objects.filter(regeling=world.gem_regeling, status__in=Aanvraag.TOEGEKEND).count()
        world.gem_regeling.quotum_gemeente = granted + 1
        world.gem_regeling.save()

        results = parallel(
            (world.gem_amsterdam, f"/api/v1/aanvragen/{at_amsterdam['uuid']}/beoordelingen", {"besluit": "akkoord"}),
            (world.gem_utrecht, f"/api/v1/aanvragen/{at_utrecht['uuid']}/beoordelingen", {"besluit": "akkoord"}),
        )
        winner, _ = one_won(results, "quotum-bereikt")
        assert winner["traject"] is not None
        assert Aanvraag.objects.filter(regeling=world.gem_regeling, status="goedgekeurd").count() == granted + 1, round_
        loser = at_amsterdam if winner["aanvraag"]["uuid"] == at_utrecht["uuid"] else at_utrecht
        assert Aanvraag.objects.get(uuid=loser["uuid"]).budget_id is None  # nothing committed for the loser
        world.gem_regeling.quotum_gemeente = None
        world.gem_regeling.save()
        provider = world.ggz_noord if loser is at_amsterdam else world.ggz_zuid
        response = world.client(provider).post(f"/api/v1/aanvragen/{loser['uuid']}/intrekkingen", {}, format="json")
        assert response.status_code == 201, response.json()


def test_same_participant_submitted_twice_at_once(world):
    for round_ in range(ROUNDS):
        person = deelnemer(world)
        results = parallel(
            (world.ggz_noord, "/api/v1/aanvragen", body(person)),
            (world.ggz_noord, "/api/v1/aanvragen", body(person)),
        )
        one_won(results, "dubbel-traject")
        assert Aanvraag.objects.filter(deelnemer=person).count() == 1, round_


def test_same_bsn_at_two_providers_at_once(world):
    """Both are filed (a provider is never told about another provider's participant, issue 9);
    the funder's two approvals race, and one trajectory comes out."""
    bsn = world.f.valid_bsn(700)
    at_noord = deelnemer(world, world.noord, bsn=bsn)
    at_zuid = deelnemer(world, world.zuid, bsn=bsn)
    results = parallel(
        (world.ggz_noord, "/api/v1/aanvragen", body(at_noord, "uwv-ips-epa")),
        (world.ggz_zuid, "/api/v1/aanvragen", body(at_zuid, "uwv-ips-epa")),
    )
    assert sorted(status for status, _ in results) == [201, 201], results
    colleague = make_user(roles.UWV_BEOORDELAAR, username="uwv-2")
    paths = [f"/api/v1/aanvragen/{answer['uuid']}/beoordelingen" for _, answer in results]
    decisions = parallel((world.uwv, paths[0], {"besluit": "akkoord"}), (colleague, paths[1], {"besluit": "akkoord"}))
    one_won(decisions, "dubbel-traject")
    assert Traject.objects.filter(bsn_hash=at_noord.bsn_hash, status="actief").count() == 1


def test_same_application_approved_twice_at_once(world):
    colleague = make_user(roles.UWV_BEOORDELAAR, username="uwv-2")
    for round_ in range(ROUNDS):
        aanvraag = submitted(world)
        path = f"/api/v1/aanvragen/{aanvraag['uuid']}/beoordelingen"
        results = parallel((world.uwv, path, {"besluit": "akkoord"}), (colleague, path, {"besluit": "akkoord"}))
        winner, _ = one_won(results, "ongeldige-status")
        assert winner["traject"] is not None
        assert Traject.objects.filter(aanvraag__uuid=aanvraag["uuid"]).count() == 1, round_
