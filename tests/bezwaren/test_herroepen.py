"""A well-founded objection (``gegrond``) revokes the decision with all its effects and opens a
new decision (Awb 7:11); the budget's free, committed and realised amounts are checked after
each revocation, and after the new decision."""

import datetime
from decimal import Decimal

import pytest

from backoffice.errors import BusinessRuleError
from bezwaren import services
from declaraties.models import Prestatie
from tests.declaraties.geld_helpers import declare, moment, pay, regel, start_line
from tests.factories import EindverslagFactory, PlaatsingFactory, VerlengingFactory
from tests.trajecten.helpers import approved_traject, decide
from trajecten.models import Aanvraag, Besluit, Eindverslag, Traject

from .helpers import afgewezen_aanvraag, bedragen, goedkeuren, indienen

pytestmark = pytest.mark.django_db
D = datetime.date
E = Decimal


def beslissen(by, bezwaar, uitkomst="gegrond", toelichting="De gronden slagen: het besluit berust op een fout."):
    return services.bezwaar_beslissen(by=by, bezwaar=bezwaar, uitkomst=uitkomst, toelichting=toelichting)


def test_an_objection_reverses_a_refusal_and_the_new_decision_commits_the_budget(w):
    budget = w.budget_amsterdam
    aanvraag = afgewezen_aanvraag(w)
    assert bedragen(budget) == (E("100000.00"), 0, 0)

    bezwaar = indienen(w, "aanvraag", aanvraag)
    assert (bezwaar.beslisorgaan, bezwaar.status, bezwaar.datum_besluit) == ("gemeente", "ingediend", D(2026, 3, 2))
    assert bezwaar.termijn_einde == D(2026, 4, 13) and bezwaar.beslistermijn == D(2026, 5, 25)
    bezwaar = beslissen(w.gem2, bezwaar)

    aanvraag.refresh_from_db()
    assert bezwaar.status == "gegrond" and bezwaar.beslist_door == w.gem2
    assert aanvraag.status == "ingediend"
    assert aanvraag.beslis_deadline == D(2026, 3, 2) + datetime.timedelta(days=56)  # the gemeente decides again
    assert Besluit.objects.get(aanvraag=aanvraag).herroepen_op is not None
    assert "opnieuw in behandeling" in " ".join(bezwaar.gevolgen["tekst"])
    assert bedragen(budget) == (E("100000.00"), 0, 0)  # nothing was committed after the refusal
    reden = aanvraag.history.order_by("-history_date", "-history_id").first().history_change_reason
    assert reden == f"herroepen na gegrond bezwaar {bezwaar.nummer}"

    # the new decision, through the normal decision service: the budget is committed now
    goedkeuren(w, aanvraag, gemeente_user=w.gem_amsterdam)
    assert bedragen(budget) == (E("92000.00"), E("8000.00"), 0)
    assert Traject.objects.get(aanvraag=aanvraag).status == "actief"


def test_an_objection_reverses_an_approval_releasing_the_commitment_and_rejecting_unpaid_lines(w, clock):
    budget = w.budget_amsterdam
    traject = approved_traject(w, perceel="demo-gem-epa")
    obj = Traject.objects.get(uuid=traject["uuid"])
    PlaatsingFactory(traject=obj)
    clock.move_to(moment(D(2026, 3, 10)))
    declare(w.ggz_noord, "D-2026-03", [start_line(traject, "R-START", D(2026, 3, 2))])
    pay(w, clock, D(2026, 3, 16))
    clock.move_to(moment(D(2026, 3, 20)))
    declare(
        w.ggz_noord, "D-2026-03b", [regel(traject, "R-PLAATS", "plaatsing", D(2026, 3, 2), D(2026, 3, 2), "1600.00")]
    )
    assert bedragen(budget) == (E("92000.00"), E("4800.00"), E("3200.00"))
    obj.refresh_from_db()
    assert (obj.gedeclareerd, obj.betaald) == (E("4800.00"), E("3200.00"))

    aanvraag = Aanvraag.objects.get(pk=obj.aanvraag_id)
    bezwaar = indienen(w, "aanvraag", aanvraag, gronden="Het traject is voor de verkeerde doelgroep toegekend.")
    assert bezwaar.beslisorgaan == "gemeente" and bezwaar.traject == obj
    bezwaar = beslissen(w.gem2, bezwaar)

    obj.refresh_from_db()
    aanvraag.refresh_from_db()
    assert obj.status == "herroepen" and aanvraag.status == "ingediend" and aanvraag.budget_id is None
    assert (obj.gedeclareerd, obj.betaald) == (E("3200.00"), E("3200.00"))
    plaatsing = Prestatie.objects.get(product_referentie="R-PLAATS")
    assert (plaatsing.status, plaatsing.retourcodes, plaatsing.toegekend_bedrag) == ("afgewezen", ["IPS05"], 0)
    assert Prestatie.objects.get(product_referentie="R-START").status == "toegekend"  # paid: stays, to recover
    # the rest of the commitment is free again; what was paid stays realised and is to be recovered
    assert bedragen(budget) == (E("96800.00"), 0, E("3200.00"))
    assert bezwaar.terug_te_vorderen == E("3200.00")
    assert bezwaar.gevolgen["vrijgevallen"] == "4800.00" and bezwaar.gevolgen["regelsAfgewezen"] == 1
    assert any("terug te vorderen" in t for t in bezwaar.gevolgen["tekst"])

    # a new decision: the same trajectory starts again under it, the budget committed anew
    clock.move_to(moment(D(2026, 3, 23)))
    goedkeuren(w, aanvraag)
    obj.refresh_from_db()
    assert (obj.status, obj.startdatum, obj.toewijzing_nummer) == (
        "actief",
        D(2026, 3, 23),
        traject["toewijzingNummer"],
    )
    assert bedragen(budget) == (E("88800.00"), E("8000.00"), E("3200.00"))


def test_a_line_in_an_unpaid_payment_order_blocks_the_revocation_of_the_approval(w, clock):
    from declaraties import services as geld

    traject = approved_traject(w, perceel="demo-gem-epa")
    clock.move_to(moment(D(2026, 3, 10)))
    declare(w.ggz_noord, "D-2026-03", [start_line(traject, "R-START", D(2026, 3, 2))])
    geld.betaalopdrachten_aanmaken(datum=D(2026, 3, 16))
    aanvraag = Aanvraag.objects.get(traject__uuid=traject["uuid"])
    bezwaar = indienen(w, "aanvraag", aanvraag)
    with pytest.raises(BusinessRuleError) as exc:
        beslissen(w.gem2, bezwaar)
    assert exc.value.code == "herroepen-betaalopdracht-open"
    bezwaar.refresh_from_db()
    assert bezwaar.status == "ingediend"  # all or nothing
    assert Traject.objects.get(uuid=traject["uuid"]).status == "actief"


def test_an_approved_extension_revoked_moves_the_end_back_and_releases_its_commitment(w):
    budget = w.budget_amsterdam
    traject = Traject.objects.get(uuid=approved_traject(w, perceel="demo-gem-cmd")["uuid"])
    einde = traject.einddatum_gepland
    verlenging = VerlengingFactory(traject=traject, goedgekeurd=True)
    traject.refresh_from_db()
    assert traject.einddatum_gepland > einde
    extra = verlenging.bedrag
    assert bedragen(budget) == (E("92000.00") - extra, E("8000.00") + extra, 0)

    bezwaar = indienen(w, "verlenging", verlenging)
    assert bezwaar.beslisorgaan == "gemeente"
    beslissen(w.gem2, bezwaar)

    traject.refresh_from_db()
    verlenging.refresh_from_db()
    assert (traject.einddatum_gepland, traject.verlengd_maanden, traject.verlenging_bedrag) == (einde, 0, 0)
    assert verlenging.status == "aangevraagd" and verlenging.besluit_door is None
    assert bedragen(budget) == (E("92000.00"), E("8000.00"), 0)


def test_a_refused_extension_revoked_waits_for_a_new_decision(w):
    from trajecten import services as zaak

    traject = Traject.objects.get(uuid=approved_traject(w, perceel="uwv-ips-cmd")["uuid"])
    verlenging = VerlengingFactory(traject=traject, afgewezen=True)
    bezwaar = indienen(w, "verlenging", verlenging)
    assert bezwaar.beslisorgaan == "uwv" and bezwaar.besluit_genomen_door == w.uwv
    beslissen(w.uwv2, bezwaar)
    verlenging.refresh_from_db()
    assert verlenging.status == "aangevraagd"
    zaak.verlenging_decide(by=w.uwv, verlenging=verlenging, besluit="akkoord")
    verlenging.refresh_from_db()
    assert verlenging.status == "goedgekeurd"


def test_a_rejected_line_revoked_waits_for_a_new_judgement_by_uwv(w, clock):
    from declaraties import services as geld

    traject = approved_traject(w, perceel="uwv-ips-epa")
    clock.move_to(moment(D(2026, 3, 10)))
    # a placement product without a placement: rejected by the rules (IPS01)
    geld.declaratie_submit(
        by=w.ggz_noord,
        invoer=geld.DeclaratieInvoer(
            declaratie_nummer="D-1",
            begindatum=D(2026, 3, 1),
            einddatum=D(2026, 3, 31),
            regels=[regel(traject, "R-P", "plaatsing", D(2026, 3, 2), D(2026, 3, 2), "1600.00")],
        ),
    )
    line = Prestatie.objects.get(product_referentie="R-P")
    assert line.status == "afgewezen"
    bezwaar = indienen(w, "prestatie", line, gronden="Er was wel een plaatsing; die stond nog niet in het loket.")
    assert (bezwaar.beslisorgaan, bezwaar.besluit_genomen_door, bezwaar.datum_besluit) == ("uwv", None, D(2026, 3, 10))
    beslissen(w.uwv, bezwaar)
    line.refresh_from_db()
    assert (line.status, line.beoordeeld_door) == ("in_behandeling", None)
    assert line.retourcodes == []  # waiting, not still "IPS01" (approved later, it would carry it)


def test_an_accepted_unpaid_line_revoked_leaves_the_declared_total_and_a_paid_one_is_refused(w, clock):
    traject = approved_traject(w, perceel="uwv-ips-epa")
    clock.move_to(moment(D(2026, 3, 10)))
    declare(w.ggz_noord, "D-1", [start_line(traject, "R-S", D(2026, 3, 2))])
    line = Prestatie.objects.get(product_referentie="R-S")
    bezwaar = indienen(w, "prestatie", line)
    beslissen(w.uwv, bezwaar)
    line.refresh_from_db()
    assert (line.status, line.toegekend_bedrag) == ("in_behandeling", 0)
    assert Traject.objects.get(uuid=traject["uuid"]).gedeclareerd == 0

    traject2 = approved_traject(w, perceel="uwv-ips-cmd")
    declare(w.ggz_noord, "D-2", [start_line(traject2, "R-S2", D(2026, 3, 10))])
    pay(w, clock, D(2026, 3, 16))
    paid = Prestatie.objects.get(product_referentie="R-S2")
    bezwaar = indienen(w, "prestatie", paid)
    with pytest.raises(BusinessRuleError) as exc:
        beslissen(w.uwv, bezwaar)
    assert exc.value.code == "herroepen-regel-betaald"


def test_a_revoked_settlement_reopens_the_trajectory_and_commits_again(w):
    budget = w.budget_amsterdam
    traject = Traject.objects.get(uuid=approved_traject(w, perceel="demo-gem-epa")["uuid"])
    EindverslagFactory(traject=traject)
    traject.refresh_from_db()
    assert traject.status == "afgesloten"
    assert bedragen(budget) == (E("100000.00"), 0, 0)  # nothing declared: all released

    bezwaar = indienen(w, "vaststelling", traject)
    assert bezwaar.beslisorgaan == "gemeente"
    bezwaar = beslissen(w.gem2, bezwaar)
    traject.refresh_from_db()
    assert traject.status == "beeindigd"  # it was stopped before the end report
    assert not Eindverslag.objects.filter(traject=traject).exists()
    assert bezwaar.gevolgen["eindverslag"]["uitkomst"] == "werk"
    assert bedragen(budget) == (E("92000.00"), E("8000.00"), 0)

    # a new end report makes a new settlement
    EindverslagFactory(traject=traject)
    assert bedragen(budget) == (E("100000.00"), 0, 0)


def test_a_revoked_settlement_is_refused_when_the_budget_has_no_room_any_more(w):
    budget = w.budget_amsterdam
    traject = Traject.objects.get(uuid=approved_traject(w, perceel="demo-gem-epa")["uuid"])
    EindverslagFactory(traject=traject)
    budget.toegekend = E("5000.00")
    budget.save()
    bezwaar = indienen(w, "vaststelling", traject)
    with pytest.raises(BusinessRuleError) as exc:
        beslissen(w.gem2, bezwaar)
    assert exc.value.code == "budget-ontoereikend"
    traject.refresh_from_db()
    assert traject.status == "afgesloten" and Eindverslag.objects.filter(traject=traject).exists()


def test_ongegrond_keeps_the_decision(w):
    aanvraag = afgewezen_aanvraag(w)
    bezwaar = beslissen(w.gem2, indienen(w, "aanvraag", aanvraag), uitkomst="ongegrond")
    aanvraag.refresh_from_db()
    assert (bezwaar.status, aanvraag.status, bezwaar.gevolgen) == ("ongegrond", "afgewezen", {})
    assert decide  # the helpers decide through the services the API calls


def test_an_approval_by_uwv_revoked_and_decided_again_by_another_beoordelaar(w):
    traject = Traject.objects.get(uuid=approved_traject(w, perceel="uwv-ips-epa")["uuid"])
    aanvraag = Aanvraag.objects.get(pk=traject.aanvraag_id)
    bezwaar = indienen(w, "aanvraag", aanvraag)
    assert (bezwaar.beslisorgaan, bezwaar.besluit_genomen_door) == ("uwv", w.uwv)
    with pytest.raises(BusinessRuleError) as exc:
        beslissen(w.uwv, bezwaar)
    assert exc.value.code == "vier-ogen"
    bezwaar = beslissen(w.uwv2, bezwaar)
    traject.refresh_from_db()
    aanvraag.refresh_from_db()
    assert (traject.status, aanvraag.status, bezwaar.gevolgen["vrijgevallen"]) == ("herroepen", "ingediend", "0.00")
    assert aanvraag.beslis_deadline == D(2026, 3, 16)  # UWV's 14 days from today
    reden = traject.history.order_by("-history_date", "-history_id").first().history_change_reason
    assert reden == f"herroepen na gegrond bezwaar {bezwaar.nummer}"
    decide(w.uwv2, aanvraag, "afgewezen", "Bij nader inzien geen IPS-indicatie.")
    aanvraag.refresh_from_db()
    assert aanvraag.status == "afgewezen"
    # the new refusal is a new decision: a new objection may be filed against it
    nieuw = indienen(w, "aanvraag", aanvraag)
    assert nieuw.besluit_ref != bezwaar.besluit_ref and nieuw.besluit_genomen_door == w.uwv2


def test_a_rejected_line_of_a_settled_trajectory_revoked_is_committed_again(w, clock):
    """The settlement released the rejected line's amount; revoking the rejection commits it again
    on the gemeente's budget, and the consequences say how much, in Dutch money."""
    from declaraties import services as geld
    from declaraties.services.herroepen import prestatie_herroepen

    budget = w.budget_amsterdam
    data = approved_traject(w, perceel="demo-gem-epa")
    traject = Traject.objects.get(uuid=data["uuid"])
    clock.move_to(moment(D(2026, 3, 10)))
    geld.declaratie_submit(
        by=w.ggz_noord,
        invoer=geld.DeclaratieInvoer(
            declaratie_nummer="D-1",
            begindatum=D(2026, 3, 1),
            einddatum=D(2026, 3, 31),
            regels=[regel(data, "R-P", "plaatsing", D(2026, 3, 2), D(2026, 3, 2), "1600.00")],
        ),
    )
    line = Prestatie.objects.get(product_referentie="R-P")
    assert line.status == "afgewezen"
    EindverslagFactory(traject=traject)
    assert bedragen(budget) == (E("100000.00"), 0, 0)

    gevolgen = prestatie_herroepen(by=w.uwv, prestatie=line, reden="Bezwaar gegrond")
    assert gevolgen["prestatie"] == "in_behandeling"
    assert "Op het budget van de gemeente is € 1.600,00 opnieuw gereserveerd." in [
        t.replace("\u00a0", " ") for t in gevolgen["tekst"]
    ]
    assert bedragen(budget) == (E("98400.00"), E("1600.00"), 0)


def test_revoking_an_approval_locks_every_line_of_the_trajectory(w, clock):
    """The sums and the update of a revoked grant must see the lines as they are locked: the lock
    is taken on all the trajectory's lines, not on one (``exists()``) or none (a lazy queryset)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from declaraties.services.herroepen import goedkeuring_herroepen

    traject = approved_traject(w, perceel="demo-gem-epa")
    obj = Traject.objects.get(uuid=traject["uuid"])
    clock.move_to(moment(D(2026, 3, 10)))
    declare(w.ggz_noord, "D-1", [start_line(traject, "R-START", D(2026, 3, 2))])
    with CaptureQueriesContext(connection) as ctx:
        goedkeuring_herroepen(by=w.gem2, aanvraag=Aanvraag.objects.get(pk=obj.aanvraag_id), reden="Bezwaar gegrond")
    locks = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith('SELECT "declaraties_prestatie"') and q["sql"].endswith("FOR UPDATE")
    ]
    assert locks and all("LIMIT" not in sql for sql in locks)
    assert Prestatie.objects.get(product_referentie="R-START").status == "afgewezen"
