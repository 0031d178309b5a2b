"""The domain factories of tests/factories.py (docs/testing.md): each trait gives the state its
name says, as the loket shows it, with the money consistent (budget, ledger, paid amounts)."""

import datetime
from decimal import Decimal

import pytest

from financiering.models import Regeling
from tests import factories as f
from tests.declaraties.geld_helpers import assert_budget_matches_raw_tables, moment

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(time_machine):
    """Monday 2 March 2026, 10:00 in Amsterdam (a weekly run's day), frozen; the world is built then."""
    time_machine.move_to(moment(D(2026, 3, 2)), tick=False)
    return time_machine


@pytest.fixture
def world(clock, world):
    return world


def test_trajectories_on_both_routes(world):
    uwv = f.TrajectFactory()
    assert (uwv.status, uwv.route, uwv.startdatum, uwv.aanvraag.status) == (
        "actief",
        "uwv",
        D(2026, 3, 2),
        "goedgekeurd",
    )
    assert uwv.aanbieder == world.noord and uwv.goedgekeurd_door == world.uwv
    gemeente = f.TrajectFactory(route="gemeente", goedgekeurd=True)
    assert (gemeente.route, gemeente.gemeente, gemeente.perceel) == ("gemeente", world.amsterdam, world.gem_epa)
    assert gemeente.aanvraag.besluiten.values_list("stap", "door__username").order_by("id")[::1] == [
        ("gemeente", "gemeente-amsterdam"),  # the beschikking is the grant
    ]
    assert gemeente.goedgekeurd_door == world.gem_amsterdam
    world.budget_amsterdam.refresh_from_db()
    assert world.budget_amsterdam.gereserveerd == gemeente.trajectprijs == Decimal("8000.00")
    assert_budget_matches_raw_tables(world.budget_amsterdam)
    assert uwv.toewijzing_nummer != gemeente.toewijzing_nummer


def test_applications_and_their_decisions(world):
    assert f.AanvraagFactory().status == "ingediend"
    assert f.AanvraagFactory(gemeente_akkoord=True).status == "goedgekeurd"  # the beschikking grants
    refused = f.AanvraagFactory(afgewezen=True)
    assert refused.status == "afgewezen" and not hasattr(refused, "traject")
    by_gemeente = f.AanvraagFactory(route="gemeente", afgewezen=True)
    assert by_gemeente.besluiten.get().stap == "gemeente" and by_gemeente.status == "afgewezen"
    # a scheme that asks UWV's consent after the beschikking: the two steps
    Regeling.objects.filter(pk=world.gem_regeling.pk).update(uwv_akkoord_na_beschikking=True)
    assert f.AanvraagFactory(gemeente_akkoord=True).status == "gemeente_akkoord"
    two_steps = f.TrajectFactory(route="gemeente")
    assert two_steps.aanvraag.besluiten.values_list("stap", flat=True).order_by("id")[::1] == ["gemeente", "uwv"]


def test_extension_placement_stop_and_end_report(world):
    granted = f.VerlengingFactory(goedgekeurd=True)
    granted.traject.refresh_from_db()
    assert (granted.status, granted.traject.verlengd_maanden) == ("goedgekeurd", 6)
    refused = f.VerlengingFactory(afgewezen=True)
    assert refused.status == "afgewezen" and refused.besluit_toelichting
    plaatsing = f.PlaatsingFactory()
    assert plaatsing.traject.plaatsingen.get() == plaatsing
    stop = f.StopberichtFactory()
    stop.traject.refresh_from_db()
    assert (stop.traject.status, stop.traject.einddatum) == ("beeindigd", D(2026, 3, 2))
    verslag = f.EindverslagFactory(traject=f.TrajectFactory(route="gemeente"))
    verslag.traject.refresh_from_db()
    assert verslag.traject.status == "afgesloten"
    assert verslag.vrijgevallen_bedrag == Decimal("8000.00")  # nothing declared: all released
    assert_budget_matches_raw_tables(world.budget_amsterdam)


def test_lines_granted_refused_and_paid(world):
    granted = f.PrestatieFactory()
    assert (granted.status, granted.toegekend_bedrag, granted.betaald_op) == ("toegekend", Decimal("3200.00"), None)
    refused = f.PrestatieFactory(afgewezen=True)
    assert refused.status == "afgewezen" and refused.retourcodes
    paid = f.PrestatieFactory(betaald=True, traject=f.TrajectFactory(route="gemeente"))
    assert paid.betaald_op == D(2026, 3, 2) and paid.betaalopdracht.status == "betaald"
    paid.traject.refresh_from_db()
    assert paid.traject.betaald == Decimal("3200.00")
    assert_budget_matches_raw_tables(world.budget_amsterdam)


def test_orders_claims_and_receipts(world, clock):
    order = f.BetaalopdrachtFactory(geaccordeerd=True)  # a line declared for it (UWV route)
    assert order.status == "geaccordeerd" and order.prestaties.count() == 1
    assert order.eerste_akkoord_door == world.uwv_fin
    clock.move_to(moment(D(2026, 3, 9)))  # the next weekly run: one order per provider per day
    line = f.PrestatieFactory(traject=f.TrajectFactory(route="gemeente"))
    paid = f.BetaalopdrachtFactory(betaald=True)
    assert paid.status == "betaald" and list(paid.prestaties.all()) == [line]
    clock.move_to(moment(D(2026, 4, 1)))
    claim = f.VorderingFactory(verzonden=True)
    assert (claim.gemeente, claim.status, claim.verzonden_op) == (world.amsterdam, "verzonden", D(2026, 4, 1))
    assert claim.regels.get().prestatie == line
    assert claim.bedrag == Decimal("1600.00")  # half of the paid start line of 3200
    regel = f.VorderingRegelFactory(vordering=claim)
    assert regel.prestatie.traject.route == "gemeente"
    ontvangst = f.OntvangstFactory(vordering=claim)
    claim.refresh_from_db()
    assert (ontvangst.bedrag, claim.status) == (Decimal("1600.00"), "betaald")
