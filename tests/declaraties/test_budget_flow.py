"""Follow every euro on the gemeente route (domain.md section 8): approval commits the budget,
a declaration is accepted, the weekly run makes a payment order, two people approve it above the
threshold, the bank confirms it, the budget moves from committed to realised, a credit nets in
the next order, the monthly run claims the gemeente's share, the gemeente pays in parts and
disputes a line, reminders go out after the due date, and the end report's settlement releases
the rest. At every step the budget is compared with sums computed from the raw tables."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from backoffice import roles
from backoffice.models import Instellingen
from declaraties import services
from declaraties.models import Betaalopdracht, Prestatie, Vordering
from tests.factories import make_user
from tests.trajecten.helpers import approved_traject
from trajecten.models import Traject

from .geld_helpers import (
    assert_budget_matches_raw_tables,
    claim_from_raw_tables,
    declare,
    moment,
    periode_amount,
    regel,
    start_line,
)

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(moment(D(2026, 3, 2)), tick=False) as traveller:
        yield traveller


@pytest.fixture
def w(clock, world):
    """The world, built on Monday 2 March 2026 (so the budget is for 2026)."""
    world.uwv_fin2 = make_user(roles.UWV_FINANCIEEL, username="uwv-financieel-2")
    return world


def post(world, user, path, body=None):
    return world.client(user).post(f"/api/v1{path}", body or {}, format="json")


def test_every_euro_from_approval_to_settlement(w, clock):
    budget = w.budget_amsterdam
    instellingen = Instellingen.get()
    instellingen.vier_ogen_drempel = Decimal("1000.00")
    instellingen.save()

    # Approval: the whole expected cost is committed.
    traject = approved_traject(w, perceel="demo-gem-epa")
    assert traject["route"] == "gemeente"
    budget.refresh_from_db()
    assert (budget.gereserveerd, budget.gerealiseerd, budget.vrij) == (Decimal("8000.00"), 0, Decimal("92000.00"))
    assert_budget_matches_raw_tables(budget)

    # Declaration of the start product (40% of 8000), accepted automatically.
    clock.move_to(moment(D(2026, 3, 10)))
    declare(w.ggz_noord, "D-2026-03", [start_line(traject, "R-START-1", D(2026, 3, 2))])
    assert Traject.objects.get(uuid=traject["uuid"]).gedeclareerd == Decimal("3200.00")

    # The weekly run (Monday): one order; the second run finds nothing new.
    clock.move_to(moment(D(2026, 3, 16)))
    assert services.betaalopdrachten_aanmaken(datum=D(2026, 3, 16)) == {"betaalopdrachten": 1, "regels": 1}
    assert services.betaalopdrachten_aanmaken(datum=D(2026, 3, 16)) == {"betaalopdrachten": 0, "regels": 0}
    assert services.betaalopdrachten_aanmaken(datum=D(2026, 3, 23)) == {"betaalopdrachten": 0, "regels": 0}
    opdracht = Betaalopdracht.objects.get()
    assert (opdracht.bedrag, opdracht.aantal_regels, opdracht.akkoorden_nodig) == (Decimal("3200.00"), 1, 2)
    assert opdracht.iban == w.noord.iban

    # Not to the bank before approval.
    assert w.client(w.uwv_fin).get(f"/api/v1/betaalopdrachten/{opdracht.uuid}/sepa").status_code == 409
    assert (
        post(w, w.uwv_fin, f"/betaalopdrachten/{opdracht.uuid}/bevestigingen", {"datum": "2026-03-16"}).status_code
        == 409
    )

    # Four eyes: the first approval, the same person again (403), then a colleague.
    first = post(w, w.uwv_fin, f"/betaalopdrachten/{opdracht.uuid}/goedkeuringen")
    assert first.status_code == 201, first.json()
    assert first.json()["status"] == "te_accorderen"
    again = post(w, w.uwv_fin, f"/betaalopdrachten/{opdracht.uuid}/goedkeuringen")
    assert again.status_code == 403 and again.json()["code"] == "vier-ogen"
    second = post(w, w.uwv_fin2, f"/betaalopdrachten/{opdracht.uuid}/goedkeuringen")
    assert second.status_code == 201
    assert second.json()["status"] == "geaccordeerd"
    assert [a["door"] for a in second.json()["akkoorden"]] == ["uwv-financieel", "uwv-financieel-2"]
    assert w.client(w.uwv_fin).get(f"/api/v1/betaalopdrachten/{opdracht.uuid}/sepa").status_code == 200

    # The bank confirms: lines paid, committed -> realised, the trajectory's paid total grows.
    clock.move_to(moment(D(2026, 3, 17)))
    future = post(w, w.uwv_fin, f"/betaalopdrachten/{opdracht.uuid}/bevestigingen", {"datum": "2026-03-18"})
    assert future.status_code == 400 and future.json()["invalidParams"][0]["name"] == "datum"
    confirmed = post(w, w.uwv_fin, f"/betaalopdrachten/{opdracht.uuid}/bevestigingen", {"datum": "2026-03-17"})
    assert confirmed.status_code == 201, confirmed.json()
    assert confirmed.json()["status"] == "betaald" and confirmed.json()["uitgevoerdOp"] == "2026-03-17"
    again = post(w, w.uwv_fin, f"/betaalopdrachten/{opdracht.uuid}/bevestigingen", {"datum": "2026-03-17"})
    assert again.status_code == 409 and again.json()["code"] == "al-bevestigd"
    assert list(Prestatie.objects.values_list("betaald_op", flat=True)) == [D(2026, 3, 17)]
    budget.refresh_from_db()
    assert (budget.gereserveerd, budget.gerealiseerd, budget.vrij) == (
        Decimal("4800.00"),
        Decimal("3200.00"),
        Decimal("92000.00"),
    )
    assert Traject.objects.get(uuid=traject["uuid"]).betaald == Decimal("3200.00")
    assert_budget_matches_raw_tables(budget)
    budgetten = w.client(w.gem_amsterdam).get("/api/v1/budgetten").json()["results"]
    assert [(b["gereserveerd"], b["gerealiseerd"], b["vrij"]) for b in budgetten] == [
        ("4800.00", "3200.00", "92000.00")
    ]

    # The monthly run on 1 April claims half of what UWV paid in March, once.
    clock.move_to(moment(D(2026, 4, 1), hour=6))
    assert services.vorderingen_aanmaken(datum=D(2026, 4, 1)) == {"vorderingen": 1, "regels": 1}
    assert services.vorderingen_aanmaken(datum=D(2026, 4, 1))["vorderingen"] == 0
    maart = Vordering.objects.get()
    assert (maart.gemeente, maart.periode, maart.bedrag, maart.regels.count()) == (
        w.amsterdam,
        D(2026, 3, 1),
        Decimal("1600.00"),
        1,
    )
    assert maart.bedrag == claim_from_raw_tables(maart)
    assert (maart.status, maart.vervaldatum) == ("verzonden", D(2026, 5, 1))

    # A correction in April: credit the start line, declare it again and add March's month line;
    # the credit nets in the next order.
    clock.move_to(moment(D(2026, 4, 3)))
    maand = periode_amount(D(2026, 3, 2), D(2026, 3, 31))
    declare(
        w.ggz_noord,
        "D-2026-03-C",
        [
            regel(traject, "R-START-1-C", "start", D(2026, 3, 2), D(2026, 3, 2), "3200.00", dc="C", vorig="R-START-1"),
            start_line(traject, "R-START-2", D(2026, 3, 2)),
            regel(traject, "R-MAART", "periode", D(2026, 3, 2), D(2026, 3, 31), maand, volume="30"),
        ],
    )
    clock.move_to(moment(D(2026, 4, 6)))
    assert services.betaalopdrachten_aanmaken(datum=D(2026, 4, 6)) == {"betaalopdrachten": 1, "regels": 3}
    april = Betaalopdracht.objects.get(datum=D(2026, 4, 6))
    assert (april.bedrag, april.akkoorden_nodig) == (maand, 1)  # below the threshold: one approval
    assert post(w, w.uwv_fin2, f"/betaalopdrachten/{april.uuid}/goedkeuringen").json()["status"] == "geaccordeerd"
    assert (
        post(w, w.uwv_fin, f"/betaalopdrachten/{april.uuid}/bevestigingen", {"datum": "2026-04-06"}).status_code == 201
    )
    budget.refresh_from_db()
    assert budget.gerealiseerd == Decimal("3200.00") + maand
    assert budget.gereserveerd == Decimal("4800.00") - maand
    assert Traject.objects.get(uuid=traject["uuid"]).betaald == Decimal("3200.00") + maand
    assert_budget_matches_raw_tables(budget)

    # Receipts on the March claim: partly, too much (409), the rest.
    clock.move_to(moment(D(2026, 4, 10)))
    path = f"/vorderingen/{maart.uuid}/ontvangsten"
    deel = post(w, w.uwv_fin, path, {"bedrag": "600.00", "datum": "2026-04-10"})
    assert deel.status_code == 201 and deel.json()["status"] == "deels_betaald"
    assert (deel.json()["ontvangen"], deel.json()["openstaand"]) == ("600.00", "1000.00")
    teveel = post(w, w.uwv_fin, path, {"bedrag": "1000.01", "datum": "2026-04-10"})
    assert teveel.status_code == 409 and teveel.json()["code"] == "bedrag-te-hoog"
    rest = post(w, w.uwv_fin, path, {"bedrag": "1000.00", "datum": "2026-04-10"})
    assert rest.json()["status"] == "betaald" and rest.json()["openstaand"] == "0.00"

    # The May run claims April's payments: the credit, the new start line and the month line.
    clock.move_to(moment(D(2026, 5, 1), hour=6))
    assert services.vorderingen_aanmaken(datum=D(2026, 5, 1)) == {"vorderingen": 1, "regels": 3}
    assert services.vorderingen_aanmaken(datum=D(2026, 5, 1))["vorderingen"] == 0
    mei = Vordering.objects.get(periode=D(2026, 4, 1))
    aandeel_maand = (maand * Decimal("0.5")).quantize(Decimal("0.01"))
    assert mei.bedrag == aandeel_maand == claim_from_raw_tables(mei)
    body = w.client(w.gem_amsterdam).get(f"/api/v1/vorderingen/{mei.uuid}").json()
    assert sorted(r["bedrag"] for r in body["regels"]) == sorted(["-1600.00", "1600.00", f"{aandeel_maand}"])

    # The gemeente disputes the month line; UWV upholds it: the claim drops to zero.
    maandregel = next(r for r in body["regels"] if r["productCode"] == "periode")
    bezwaar = post(
        w,
        w.gem_amsterdam,
        f"/vorderingen/{mei.uuid}/bezwaren",
        {"regel": maandregel["uuid"], "toelichting": "Niet actief"},
    )
    assert bezwaar.status_code == 201, bezwaar.json()
    assert bezwaar.json()["status"] == "betwist"
    besluit = post(
        w,
        w.uwv_fin,
        f"/vorderingen/{mei.uuid}/bezwaren/{maandregel['uuid']}/beoordelingen",
        {"besluit": "toegewezen", "toelichting": "Terecht"},
    )
    assert besluit.status_code == 201, besluit.json()
    assert (besluit.json()["bedrag"], besluit.json()["status"]) == ("0.00", "betaald")
    mei.refresh_from_db()
    assert mei.bedrag == claim_from_raw_tables(mei) == 0

    # Reminders go out only after the due date, once per 30 days.
    clock.move_to(moment(D(2026, 5, 2)))
    Vordering.objects.filter(pk=maart.pk).update(ontvangen=Decimal("0.00"), status="verzonden")  # as if unpaid
    assert services.vorderingen_herinneren(datum=D(2026, 5, 1)) == {"herinneringen": 0}
    assert services.vorderingen_herinneren(datum=D(2026, 5, 2)) == {"herinneringen": 1}
    assert services.vorderingen_herinneren(datum=D(2026, 5, 2)) == {"herinneringen": 0}
    overzicht = w.client(w.uwv_fin).get("/api/v1/vorderingen/overzicht").json()
    assert overzicht == [
        {
            "gemeente": "0363",
            "gemeenteNaam": "Amsterdam",
            "aantalVorderingen": 2,
            "aantalBetaald": 1,
            "aantalTeLaat": 1,
            "aantalBetwist": 0,
            "gevorderd": "1600.00",
            "ontvangen": "0.00",
            "openstaand": "1600.00",
            "teLaat": "1600.00",
            "oudsteVervaldatum": "2026-05-01",
            "trajecten": 1,
            "trajectenNietVergoed": 1,  # March's claim was reset to unpaid above
        }
    ]

    # Stop and end report: the settlement releases what was committed and not spent.
    stop = post(
        w, w.ggz_noord, f"/trajecten/{traject['uuid']}/stopberichten", {"einddatum": "2026-04-30", "reden": "uitval"}
    )
    assert stop.status_code == 201, stop.json()
    verslag = post(w, w.ggz_noord, f"/trajecten/{traject['uuid']}/eindverslagen", {"uitkomst": "geen_werk"})
    assert verslag.status_code == 201, verslag.json()
    assert verslag.json()["vrijgevallenBedrag"] == f"{Decimal('4800.00') - maand}"
    budget.refresh_from_db()
    assert budget.gereserveerd == 0
    assert budget.gerealiseerd == Decimal("3200.00") + maand
    assert budget.vrij == Decimal("100000.00") - Decimal("3200.00") - maand
    assert_budget_matches_raw_tables(budget)

    # Every job once more: nothing changes.
    assert services.betaalopdrachten_aanmaken(datum=D(2026, 5, 4))["betaalopdrachten"] == 0
    assert services.vorderingen_aanmaken(datum=D(2026, 5, 1))["vorderingen"] == 0
    assert_budget_matches_raw_tables(budget)


def test_settlement_keeps_accepted_unpaid_lines_committed_until_paid(w, clock):
    """An end report before the last order is paid: the accepted line stays committed and moves
    to realised when it is paid; committed ends at zero."""
    traject = approved_traject(w, perceel="demo-gem-epa")
    declare(w.ggz_noord, "D-1", [start_line(traject, "R-1", D(2026, 3, 2))])
    clock.move_to(moment(D(2026, 3, 20)))
    assert (
        post(
            w,
            w.ggz_noord,
            f"/trajecten/{traject['uuid']}/stopberichten",
            {"einddatum": "2026-03-20", "reden": "uitval"},
        ).status_code
        == 201
    )
    assert (
        post(
            w, w.ggz_noord, f"/trajecten/{traject['uuid']}/eindverslagen", {"uitkomst": "anders", "toelichting": "x"}
        ).status_code
        == 201
    )
    budget = w.budget_amsterdam
    budget.refresh_from_db()
    assert (budget.gereserveerd, budget.gerealiseerd) == (Decimal("3200.00"), 0)
    clock.move_to(moment(D(2026, 3, 23)))
    services.betaalopdrachten_aanmaken(datum=D(2026, 3, 23))
    opdracht = Betaalopdracht.objects.get()
    post(w, w.uwv_fin, f"/betaalopdrachten/{opdracht.uuid}/goedkeuringen")
    assert (
        post(w, w.uwv_fin, f"/betaalopdrachten/{opdracht.uuid}/bevestigingen", {"datum": "2026-03-23"}).status_code
        == 201
    )
    budget.refresh_from_db()
    assert (budget.gereserveerd, budget.gerealiseerd, budget.vrij) == (0, Decimal("3200.00"), Decimal("96800.00"))
    assert_budget_matches_raw_tables(budget)


def test_a_payment_confirmed_late_with_an_earlier_bank_date_is_still_claimed(w, clock):
    """The claim run for March has passed when the bank date of an order is registered as 31 March:
    the next run claims it, so nothing falls through."""
    traject = approved_traject(w, perceel="demo-gem-epa")
    clock.move_to(moment(D(2026, 3, 30)))
    declare(w.ggz_noord, "D-1", [start_line(traject, "R-1", D(2026, 3, 2))])
    services.betaalopdrachten_aanmaken(datum=D(2026, 3, 30))
    opdracht = Betaalopdracht.objects.get()
    post(w, w.uwv_fin, f"/betaalopdrachten/{opdracht.uuid}/goedkeuringen")
    clock.move_to(moment(D(2026, 4, 2)))
    assert services.vorderingen_aanmaken(datum=D(2026, 4, 1))["vorderingen"] == 0
    assert (
        post(w, w.uwv_fin, f"/betaalopdrachten/{opdracht.uuid}/bevestigingen", {"datum": "2026-03-31"}).status_code
        == 201
    )
    assert services.vorderingen_aanmaken(datum=D(2026, 5, 1)) == {"vorderingen": 1, "regels": 1}
    assert Vordering.objects.get().bedrag == Decimal("1600.00")


def test_an_approved_order_takes_no_new_lines_and_the_threshold_follows_the_amount(w, clock):
    """A second run on the same day puts new lines only in an order nobody approved yet, and an
    order that grows past the threshold then needs two approvals."""
    instellingen = Instellingen.get()
    instellingen.vier_ogen_drempel = Decimal("4000.00")
    instellingen.save()
    een = approved_traject(w, perceel="demo-gem-epa")
    twee = approved_traject(w, perceel="demo-gem-epa")
    drie = approved_traject(w, perceel="demo-gem-epa")
    declare(w.ggz_noord, "D-1", [start_line(een, "R-1", D(2026, 3, 2))])
    services.betaalopdrachten_aanmaken(datum=D(2026, 3, 2))
    declare(w.ggz_noord, "D-2", [start_line(twee, "R-2", D(2026, 3, 2))])
    services.betaalopdrachten_aanmaken(datum=D(2026, 3, 2))
    opdracht = Betaalopdracht.objects.get()
    assert (opdracht.bedrag, opdracht.akkoorden_nodig) == (Decimal("6400.00"), 2)
    post(w, w.uwv_fin, f"/betaalopdrachten/{opdracht.uuid}/goedkeuringen")
    declare(w.ggz_noord, "D-3", [start_line(drie, "R-3", D(2026, 3, 2))])
    assert services.betaalopdrachten_aanmaken(datum=D(2026, 3, 2))["regels"] == 0
    opdracht.refresh_from_db()
    assert (opdracht.bedrag, opdracht.aantal_regels) == (Decimal("6400.00"), 2)
    assert Prestatie.objects.filter(betaalopdracht__isnull=True).count() == 1


def test_a_waiting_line_rejected_after_settlement_is_released(w, clock):
    """A line still waiting for UWV stays committed at the final settlement; rejecting it later
    releases it, so the budget ends exactly at what was spent (nothing)."""
    budget = w.budget_amsterdam
    instellingen = Instellingen.get()
    instellingen.declaratie_automatisch_toekennen = False
    instellingen.save()
    traject = approved_traject(w, perceel="demo-gem-epa")
    clock.move_to(moment(D(2026, 3, 10)))
    services.declaratie_submit(
        by=w.ggz_noord,
        invoer=services.DeclaratieInvoer(
            declaratie_nummer="D-WACHT",
            begindatum=D(2026, 3, 1),
            einddatum=D(2026, 3, 31),
            regels=[start_line(traject, "R-WACHT-1", D(2026, 3, 2))],
        ),
    )
    assert Prestatie.objects.get(product_referentie="R-WACHT-1").status == "in_behandeling"

    stop = post(
        w, w.ggz_noord, f"/trajecten/{traject['uuid']}/stopberichten", {"einddatum": "2026-03-09", "reden": "uitval"}
    )
    assert stop.status_code == 201, stop.json()
    verslag = post(w, w.ggz_noord, f"/trajecten/{traject['uuid']}/eindverslagen", {"uitkomst": "geen_werk"})
    assert verslag.status_code == 201, verslag.json()
    assert verslag.json()["vrijgevallenBedrag"] == "4800.00"
    budget.refresh_from_db()
    assert budget.gereserveerd == Decimal("3200.00")

    declaratie = Prestatie.objects.get(product_referentie="R-WACHT-1").declaratie
    besluit = post(
        w,
        w.uwv,
        f"/declaraties/{declaratie.uuid}/beoordelingen",
        {"besluiten": [{"productReferentie": "R-WACHT-1", "besluit": "afgewezen", "toelichting": "Geen start"}]},
    )
    assert besluit.status_code == 201, besluit.json()
    budget.refresh_from_db()
    assert (budget.gereserveerd, budget.vrij) == (Decimal("0.00"), Decimal("100000.00"))
    assert_budget_matches_raw_tables(budget)
