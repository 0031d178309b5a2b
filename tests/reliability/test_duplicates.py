"""Issue 6, part 4: the same declaration sent twice at the same moment (a provider's system that
retries, a double click): exactly one is stored, on PostgreSQL with really parallel requests
(threads, each with its own connection, released together by a barrier).

The same application submitted twice at once: tests/trajecten/test_concurrency.py
(``test_same_participant_submitted_twice_at_once``, ``test_same_bsn_at_two_providers_at_once``)."""

import datetime

import pytest
import time_machine
from django.db import connection

from declaraties.models import Declaratie, Prestatie
from tests.conftest import World
from tests.trajecten.helpers import approved_traject
from tests.trajecten.test_concurrency import parallel

pytestmark = [pytest.mark.django_db(transaction=True)]
ROUNDS = 3
JANUARY = {"begindatum": "2026-01-01", "einddatum": "2026-01-31"}


@pytest.fixture
def setting(transactional_db):
    if connection.vendor != "postgresql":
        pytest.fail("Deze test vraagt PostgreSQL (DATABASE_URL).")
    with time_machine.travel(datetime.datetime(2026, 1, 5, 12, tzinfo=datetime.UTC), tick=False) as clock:
        world = World()
        traject = approved_traject(world, perceel="uwv-ips-epa", doelgroep="epa")
        clock.move_to(datetime.datetime(2026, 2, 3, 12, tzinfo=datetime.UTC))
        yield world, traject


def declaratie(traject, nummer: str, ref: str, bedrag="48.75") -> dict:
    return {
        "declaratieNummer": nummer,
        "declaratiePeriode": JANUARY,
        "prestaties": [
            {
                "productReferentie": ref,
                "toewijzingNummer": traject["toewijzingNummer"],
                "productCode": "periode",
                "productPeriode": {"begindatum": "2026-01-15", "einddatum": "2026-01-31"},
                "geleverdVolume": "17.00",
                "ingediendBedrag": bedrag,
            }
        ],
    }


def test_the_same_declaration_twice_at_once(setting):
    world, traject = setting
    for round_ in range(ROUNDS):
        body = declaratie(traject, f"D-{round_}", f"P-{round_}")
        results = parallel(
            (world.ggz_noord, "/api/v1/declaraties", body), (world.ggz_noord, "/api/v1/declaraties", body)
        )
        statuses = sorted(status for status, _ in results)
        # one is new (201); the other is the identical repeat (200, the first answer) or, when it
        # lost the race at the database, a 409 with a code; never a second declaration
        assert statuses in ([200, 201], [201, 409]), results
        if statuses == [200, 201]:
            assert results[0][1] == results[1][1]
        else:
            assert next(b for s, b in results if s == 409)["code"] in {"declaratienummer-niet-uniek", "conflict"}
        assert Declaratie.objects.filter(declaratie_nummer=f"D-{round_}").count() == 1
        assert Prestatie.objects.filter(product_referentie=f"P-{round_}").count() == 1


def test_same_number_other_content_twice_at_once(setting):
    world, traject = setting
    for round_ in range(ROUNDS):
        one = declaratie(traject, f"E-{round_}", f"Q-{round_}")
        other = declaratie(traject, f"E-{round_}", f"R-{round_}")
        results = parallel(
            (world.ggz_noord, "/api/v1/declaraties", one), (world.ggz_noord, "/api/v1/declaraties", other)
        )
        assert sorted(status for status, _ in results) == [201, 409], results
        loser = next(b for s, b in results if s == 409)
        assert loser["code"] in {"declaratienummer-niet-uniek", "conflict"}, loser
        assert Declaratie.objects.filter(declaratie_nummer=f"E-{round_}").count() == 1
        assert Prestatie.objects.filter(declaratie__declaratie_nummer=f"E-{round_}").count() == 1
