"""One definition of an overdue claim ("te laat": past the due date, not paid, money still open),
the same on the claims page (its filter and its flag), in the API (``teLaat``) and in the overview
per gemeente. The case that used to split them: a claim received in full while a dispute is still
open keeps the status ``betwist``; the list filter used to call it overdue, the flag did not."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from backoffice.opmaak import maand
from declaraties import rules, services
from declaraties.models import Vordering
from tests.factories import budget
from tests.factories import client_as as _client
from tests.trajecten.helpers import approved_traject

from .geld_helpers import claim, declare, moment, pay, start_line

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(moment(D(2026, 3, 2)), tick=False) as traveller:
        yield traveller


@pytest.fixture
def claims(clock, world):
    """Two paid start lines for Amsterdam, one for Utrecht; the April run sends one claim per
    gemeente (due 1 May). Amsterdam disputes a line and then pays the whole claim: received in
    full, still ``betwist``. Utrecht pays nothing."""
    budget(world.utrecht, world.gem_regeling)
    ams = [approved_traject(world, perceel="demo-gem-epa") for _ in range(2)]
    utr = approved_traject(world, perceel="demo-gem-epa", gemeente="0344", gemeente_user=world.gem_utrecht)
    declare(world.ggz_noord, "D-1", [start_line(t, f"R-{i}", D(2026, 3, 2)) for i, t in enumerate([*ams, utr])])
    pay(world, clock, D(2026, 3, 16))
    claim(clock, D(2026, 4, 1))
    amsterdam = Vordering.objects.get(gemeente=world.amsterdam)
    utrecht = Vordering.objects.get(gemeente=world.utrecht)
    services.bezwaar_indienen(
        by=world.gem_amsterdam, vordering=amsterdam, regel=amsterdam.regels.first(), toelichting="Niet bij ons bekend"
    )
    services.ontvangst_registreren(by=world.uwv_fin, vordering=amsterdam, bedrag=amsterdam.bedrag, datum=D(2026, 4, 1))
    amsterdam.refresh_from_db()
    assert (amsterdam.status, amsterdam.openstaand, amsterdam.vervaldatum) == (
        "betwist",
        Decimal("0.00"),
        D(2026, 5, 1),
    )
    clock.move_to(moment(D(2026, 5, 4)))
    return {"amsterdam": amsterdam, "utrecht": utrecht}


def test_the_list_filter_shows_exactly_the_claims_flagged_overdue(claims, world):
    page = _client(world.uwv_fin).get("/vorderingen/")
    flagged = {rij["v"].uuid for rij in page.context["rijen"] if rij["te_laat"]}
    assert flagged == {claims["utrecht"].uuid}

    filtered = _client(world.uwv_fin).get("/vorderingen/", {"te_laat": "on"})
    assert [rij["v"].uuid for rij in filtered.context["rijen"]] == [claims["utrecht"].uuid]
    assert all(rij["te_laat"] for rij in filtered.context["rijen"])


def test_the_claim_page_the_api_and_the_overview_agree(claims, world):
    for key, overdue in (("amsterdam", False), ("utrecht", True)):
        vordering = claims[key]
        page = _client(world.uwv_fin).get(f"/vorderingen/{vordering.uuid}/")
        assert page.context["te_laat"] is overdue
        assert ('<strong class="waarschuwing">te laat</strong>' in page.content.decode()) is overdue
        assert world.client(world.uwv_fin).get(f"/api/v1/vorderingen/{vordering.uuid}").json()["teLaat"] is overdue
    rows = {r["gemeente"]: r for r in world.client(world.uwv_fin).get("/api/v1/vorderingen/overzicht").json()}
    assert (rows["0363"]["aantalTeLaat"], rows["0344"]["aantalTeLaat"]) == (0, 1)
    assert rows["0344"]["teLaat"] == str(claims["utrecht"].bedrag)


def test_on_the_due_date_itself_a_claim_is_not_yet_overdue(claims, world, clock):
    clock.move_to(moment(D(2026, 5, 1)))
    assert not Vordering.objects.filter(rules.vordering_te_laat_q(D(2026, 5, 1))).exists()
    assert list(Vordering.objects.filter(rules.vordering_te_laat_q(D(2026, 5, 2)))) == [claims["utrecht"]]
    assert world.client(world.uwv_fin).get(f"/api/v1/vorderingen/{claims['utrecht'].uuid}").json()["teLaat"] is False


def test_the_werkbak_agrees_a_claim_received_in_full_is_not_overdue(claims, world):
    """UWV financieel's section "Vorderingen over de vervaldatum" and the gemeente's flag on its
    claims to pay use the same definition as the list (the section used to take every claim past
    its due date, also one received in full)."""
    page = _client(world.uwv_fin).get("/")
    sectie = next(s for s in page.context["werkbak"] if s["titel"] == "Vorderingen over de vervaldatum")
    assert (sectie["aantal"], [r["label"] for r in sectie["rijen"]]) == (
        1,
        [f"Utrecht · {maand(claims['utrecht'].periode)}"],
    )
    assert sectie["rijen"][0]["verlopen"] is True

    page = _client(world.gem_amsterdam).get("/")
    sectie = next(s for s in page.context["werkbak"] if s["titel"] == "Vorderingen om te betalen")
    assert [(r["label"].split(" · ")[0], r["verlopen"]) for r in sectie["rijen"]] == [("Amsterdam", False)]
