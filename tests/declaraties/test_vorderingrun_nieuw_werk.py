"""The monthly claims run reads only the paid lines it has not dealt with (issue 13): the same claim
lines as the rule over all history, for a late payment with an earlier bank date, a credit line, a
line claimed already and a line on the UWV route; also after the migration's backfill; and the
partial index is one the planner can use for the selection."""

import datetime
from decimal import Decimal
from importlib import import_module

import pytest
import time_machine
from django.apps import apps
from django.db import connection

from bench.jobs import selectie_over_de_historie
from declaraties import jobs, services
from declaraties.models import Betaalopdracht, Prestatie, VorderingRegel
from financiering.models import Regeling
from financiering.services.regelingen import regeling_update
from tests.trajecten.helpers import approved_traject

from .geld_helpers import claim, declare, moment, pay, regel, start_line

D = datetime.date
pytestmark = pytest.mark.django_db


def claimed(periode: datetime.date) -> list[tuple]:
    return sorted(
        VorderingRegel.objects.filter(vordering__periode=periode).values_list("prestatie__product_referentie", "bedrag")
    )


@pytest.fixture
def clock():
    with time_machine.travel(moment(D(2026, 3, 2)), tick=False) as traveller:
        yield traveller


@pytest.fixture
def april(request, clock, world):
    """March: two Amsterdam lines and one UWV-route line paid on 2 March; one line (R-LAAT)
    in an order approved on 30 March but confirmed only after the April run. The April run has
    claimed the March lines. With ``migratie``, the migration runs after the April run, on a
    database without the column (R-LAAT not paid yet)."""
    ams = [approved_traject(world, perceel="demo-gem-epa") for _ in range(5)]
    uwv = approved_traject(world)
    declare(world.ggz_noord, "D-1", [start_line(t, f"R-{i}", D(2026, 3, 2)) for i, t in enumerate([*ams[:2], uwv])])
    pay(world, clock, D(2026, 3, 2))
    clock.move_to(moment(D(2026, 3, 30)))
    declare(world.ggz_noord, "D-2", [start_line(ams[2], "R-LAAT", D(2026, 3, 30))])
    services.betaalopdrachten_aanmaken(datum=D(2026, 3, 30))
    laat = Betaalopdracht.objects.get(status="te_accorderen")
    services.betaalopdracht_accorderen(by=world.uwv_fin, opdracht=laat)
    variant = getattr(request, "param", "betaling")
    if variant == "nul-aandeel":  # the scheme had no share yet in March
        Regeling.objects.filter(code="demo-gem").update(cofinanciering_aandeel=0)
    assert jobs.vorderingrun_regels(D(2026, 4, 1)) == selectie_over_de_historie(D(2026, 4, 1))
    if variant == "nul-aandeel":
        assert claim(clock, D(2026, 4, 1)) == {"vorderingen": 0, "regels": 0}
        regeling_update(
            by=world.beheer,
            regeling=Regeling.objects.get(code="demo-gem"),
            data={"cofinanciering_aandeel": Decimal("0.50")},
        )
    else:
        assert claim(clock, D(2026, 4, 1)) == {"vorderingen": 1, "regels": 2}
        # the claimed lines and the UWV-route line leave the run's index; nothing else does
        assert set(Prestatie.objects.filter(vordering_verwerkt=False).values_list("product_referentie", flat=True)) == {
            "R-LAAT"
        }
    if variant == "migratie":
        Prestatie.objects.update(vordering_verwerkt=True)  # the column as the migration adds it
        import_module("declaraties.migrations.0010_vordering_verwerkt")._backfill(apps, None)
        assert not Prestatie.objects.filter(vordering_verwerkt=False).exists()
    # April: the late order's bank date is 31 March; a credit on R-0 (claimed in April) with
    # two new lines (net positive), paid on 6 April.
    clock.move_to(moment(D(2026, 4, 2)))
    services.betaalopdracht_bevestigen(by=world.uwv_fin, opdracht=laat, datum=D(2026, 3, 31))
    clock.move_to(moment(D(2026, 4, 6)))
    declare(
        world.ggz_noord,
        "D-3",
        [
            regel(ams[0], "R-0-C", "start", D(2026, 3, 2), D(2026, 3, 2), "3200.00", dc="C", vorig="R-0"),
            start_line(ams[3], "R-NIEUW", D(2026, 3, 30)),
            start_line(ams[4], "R-NIEUW2", D(2026, 3, 30)),
        ],
    )
    pay(world, clock, D(2026, 4, 6))
    world.clock = clock
    return world


@pytest.mark.parametrize("april", ["nul-aandeel"], indirect=True)
def test_a_share_set_later_claims_the_lines_paid_before(april):
    """The scheme had no share when the April run looked at the March lines; the beheerder sets
    50%: the May run claims all of them, as the rule over all history does."""
    assert jobs.vorderingrun_regels(D(2026, 5, 1)) == selectie_over_de_historie(D(2026, 5, 1))
    assert claim(april.clock, D(2026, 5, 1)) == {"vorderingen": 1, "regels": 6}
    assert not Prestatie.objects.filter(vordering_verwerkt=False).exists()


@pytest.mark.parametrize("april", ["betaling", "migratie"], indirect=True)
def test_the_may_run_claims_what_the_rule_over_all_history_claims(april):
    """The May run claims the late payment (bank date 31 March), the credit (negative) and the new
    lines, and not the line claimed in April again; also when the migration came in between."""
    assert jobs.vorderingrun_regels(D(2026, 5, 1)) == selectie_over_de_historie(D(2026, 5, 1))
    assert len(selectie_over_de_historie(D(2026, 5, 1))) == 4
    assert claim(april.clock, D(2026, 5, 1)) == {"vorderingen": 1, "regels": 4}
    assert claimed(D(2026, 3, 1)) == [("R-0", Decimal("1600.00")), ("R-1", Decimal("1600.00"))]
    assert claimed(D(2026, 4, 1)) == [
        ("R-0-C", Decimal("-1600.00")),
        ("R-LAAT", Decimal("1600.00")),
        ("R-NIEUW", Decimal("1600.00")),
        ("R-NIEUW2", Decimal("1600.00")),
    ]
    # again: nothing new, and nothing left to read
    assert claim(april.clock, D(2026, 5, 1)) == {"vorderingen": 0, "regels": 0}
    assert not Prestatie.objects.filter(vordering_verwerkt=False).exists()


def test_the_selection_can_use_the_partial_index(april):
    """The run's selection implies the index's condition (else PostgreSQL reads every paid line)."""
    _, eind = jobs.vordering_periode(D(2026, 5, 1))
    sql, params = jobs._vorderingrun_nieuw(eind).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "prestatie_te_vorderen" in plan, plan
