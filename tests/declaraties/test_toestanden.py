"""The money on the state-machine footing: every row of the tables of declaration lines, payment
orders, claims and objections moves, a move the table does not have is refused with
``ongeldige-status``, and the history tells who did what: a user by full name, a job as "het loket
(taak <stap>, run <id>)", each with a reason in words; a move of thousands of lines writes a
history row per line in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.template.loader import render_to_string

from backoffice import roles, schedule
from backoffice.errors import BusinessRuleError
from backoffice.models import Instellingen
from declaraties import permissions, rules, services
from declaraties.models import Betaalopdracht, Declaratie, Prestatie, Vordering
from tests.factories import make_user
from tests.trajecten.helpers import approved_traject

from .geld_helpers import declare, moment, regel, start_line

D = datetime.date
MONDAY = D(2026, 3, 2)
pytestmark = pytest.mark.django_db

MACHINES = {
    "PRESTATIE": rules.PRESTATIE,
    "BETAALOPDRACHT": rules.BETAALOPDRACHT,
    "VORDERING": rules.VORDERING,
    "BEZWAAR": rules.BEZWAAR,
}


@pytest.fixture(autouse=True)
def clock():
    """Frozen before the world is built: its fidelity audit is dated today."""
    with time_machine.travel(moment(MONDAY), tick=False) as traveller:
        yield traveller


def refused(call, code="ongeldige-status", status=409) -> BusinessRuleError:
    with pytest.raises(BusinessRuleError) as exc:
        call()
    assert (exc.value.code, exc.value.status) == (code, status), exc.value.message
    return exc.value


def named(user, first: str, last: str):
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    return user


def history(obj) -> list:
    """The object's history, oldest first: (type, who, job run, reason, status)."""
    return [
        (h.history_type, h.history_user_id, h.history_taak, h.history_change_reason, h.status)
        for h in obj.history.order_by("history_date", "history_id")
    ]


# --- the tables themselves ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(MACHINES))
def test_every_row_of_the_money_tables_moves_and_every_other_state_is_refused(name):
    machine = MACHINES[name]
    for actie, paden in machine.transities.items():
        for van in paden:
            for naar in machine.uitkomsten(actie, van):
                assert machine.volgende(actie, van, naar=naar) == naar
        for van in set(machine.toestanden()) - set(paden):
            with pytest.raises(BusinessRuleError) as exc:
                machine.volgende(actie, van, naar=machine.uitkomsten(actie, next(iter(paden)))[0])
            assert exc.value.code == "ongeldige-status"
            assert f"met status '{van}'" in exc.value.message


def test_the_states_in_the_tables_are_the_models_states():
    assert set(rules.PRESTATIE.toestanden()) <= set(Prestatie.Status.values)
    assert set(rules.BETAALOPDRACHT.toestanden()) == set(Betaalopdracht.Status.values)
    assert set(rules.VORDERING.toestanden()) == set(Vordering.Status.values)
    assert set(rules.BEZWAAR.toestanden()) == {"geen", "ingediend", "toegewezen", "afgewezen"}


# --- declaration lines --------------------------------------------------------------------------


def test_uwv_judges_waiting_lines_once_and_the_history_names_the_beoordelaar(world, clock):
    instellingen = Instellingen.get()
    instellingen.declaratie_automatisch_toekennen = False
    instellingen.save()
    named(world.uwv, "Bram", "de Beoordelaar")
    t1, t2 = (approved_traject(world, perceel="uwv-ips-epa", doelgroep="epa") for _ in range(2))
    invoer = services.DeclaratieInvoer(
        declaratie_nummer="D-1",
        begindatum=D(2026, 3, 1),
        einddatum=D(2026, 3, 31),
        regels=[start_line(t1, "R-1", MONDAY), start_line(t2, "R-2", MONDAY)],
    )
    declaratie, _ = services.declaratie_submit(by=world.ggz_noord, invoer=invoer)
    refused(
        lambda: services.prestaties_beoordelen(
            by=world.ggz_noord, declaratie=declaratie, besluiten=[{"product_referentie": "R-1", "besluit": "toegekend"}]
        ),
        code="geen-rol",
        status=403,
    )
    services.prestaties_beoordelen(
        by=world.uwv,
        declaratie=declaratie,
        besluiten=[
            {"product_referentie": "R-1", "besluit": "toegekend"},
            {"product_referentie": "R-2", "besluit": "afgewezen", "toelichting": "Geen startgesprek"},
        ],
    )
    r1, r2 = Prestatie.objects.get(product_referentie="R-1"), Prestatie.objects.get(product_referentie="R-2")
    assert (r1.status, r1.toegekend_bedrag, r2.status, r2.beoordeling_toelichting) == (
        "toegekend",
        Decimal("3200.00"),
        "afgewezen",
        "Geen startgesprek",
    )
    assert history(r1) == [
        ("+", world.ggz_noord.pk, "", "ingediend (declaratie D-1)", "in_behandeling"),
        ("~", world.uwv.pk, "", "toegekend", "toegekend"),
    ]
    assert history(r2)[-1] == ("~", world.uwv.pk, "", "afgewezen", "afgewezen")
    refused(
        lambda: services.prestaties_beoordelen(
            by=world.uwv, declaratie=declaratie, besluiten=[{"product_referentie": "R-1", "besluit": "afgewezen"}]
        )
    )


def test_a_credit_line_credits_its_debit_in_the_debits_history(world, clock):
    traject = approved_traject(world, perceel="uwv-ips-epa", doelgroep="epa")
    declare(world.ggz_noord, "D-1", [start_line(traject, "R-1", MONDAY)])
    credit = regel(traject, "R-1C", "start", MONDAY, MONDAY, "3200.00", dc="C", vorig="R-1")
    declare(world.ggz_noord, "D-2", [credit])
    debit = Prestatie.objects.get(product_referentie="R-1")
    assert debit.gecrediteerd
    assert history(debit)[-1] == ("~", world.ggz_noord.pk, "", "gecrediteerd (declaratie D-2)", "toegekend")


# --- payment orders -----------------------------------------------------------------------------


def test_a_payment_order_made_by_the_job_then_two_approvals_and_the_bank(world, clock):
    """Above the four-eyes threshold: the job makes the order (history: the job run), a first and
    a second, different UWV financieel approve (history: their full names), the bank confirms."""
    instellingen = Instellingen.get()
    instellingen.vier_ogen_drempel = Decimal("1000.00")
    instellingen.save()
    eerste = named(world.uwv_fin, "Fatima", "El Amrani")
    tweede = named(make_user(roles.UWV_FINANCIEEL, username="uwv-financieel-2"), "Kees", "Jansen")
    traject = approved_traject(world, perceel="uwv-ips-epa", doelgroep="epa")
    declare(world.ggz_noord, "D-1", [start_line(traject, "R-1", MONDAY)])

    run = schedule.run_job("weekly", MONDAY)
    assert run.status == "geslaagd", run.fouten
    opdracht = Betaalopdracht.objects.get()
    job = f"het loket (taak betaalopdrachten, run {run.pk})"
    assert history(opdracht) == [("+", None, job, "aangemaakt door de wekelijkse run (02-03-2026)", "te_accorderen")]
    line = Prestatie.objects.get(product_referentie="R-1")
    assert history(line)[-1] == ("~", None, job, "opgenomen in de betaalopdracht van 02-03-2026", "toegekend")

    refused(lambda: services.betaalopdracht_bevestigen(by=eerste, opdracht=opdracht, datum=MONDAY))
    refused(lambda: services.betaalopdracht_accorderen(by=world.uwv, opdracht=opdracht), code="geen-rol", status=403)
    assert permissions.can_accorderen(eerste, opdracht) == (True, "")
    opdracht = services.betaalopdracht_accorderen(by=eerste, opdracht=opdracht)
    assert opdracht.status == "te_accorderen"
    # The page asks the same function the service raises from: the first approver sees why not.
    assert permissions.can_accorderen(eerste, opdracht) == (
        False,
        "Boven €\u00a01.000,00 moet een tweede medewerker akkoord geven.",
    )
    assert permissions.can_accorderen(tweede, opdracht) == (True, "")
    assert permissions.can_bevestigen(tweede, opdracht)[0] is False
    refused(lambda: services.betaalopdracht_accorderen(by=eerste, opdracht=opdracht), code="vier-ogen", status=403)
    assert services.betaalopdracht_accorderen(by=tweede, opdracht=opdracht).status == "geaccordeerd"
    refused(lambda: services.betaalopdracht_accorderen(by=tweede, opdracht=opdracht))
    services.betaalopdracht_bevestigen(by=eerste, opdracht=opdracht, datum=MONDAY)
    refused(lambda: services.betaalopdracht_bevestigen(by=eerste, opdracht=opdracht, datum=MONDAY), "al-bevestigd")

    assert history(opdracht)[1:] == [
        ("~", eerste.pk, "", "eerste akkoord (een tweede akkoord is nodig)", "te_accorderen"),
        ("~", tweede.pk, "", "tweede akkoord: geaccordeerd", "geaccordeerd"),
        ("~", eerste.pk, "", "betaling bevestigd op 02-03-2026", "betaald"),
    ]
    assert history(line)[-1] == ("~", eerste.pk, "", "betaald op 02-03-2026", "toegekend")

    page = render_to_string(
        "backoffice/_historie_tabel.html",
        {"historie": opdracht.history.select_related("history_user").order_by("-history_date", "-history_id")},
    )
    shown = job.replace("het loket", "Systeem")  # the page says who: a person by full name, a job as "Systeem"
    for text in ("Fatima El Amrani", "Kees Jansen", shown, "eerste akkoord", "betaling bevestigd op 02-03-2026"):
        assert text in page, text
    # what changed, per field, with the old and the new value as labels
    assert 'Status</span>: van <span class="wijzigingen__oud">Te accorderen</span> naar' in page
    assert "uwv-financieel" not in page  # the full name, not the username
    assert "Geen historie" not in page


def test_the_bank_confirmation_moves_the_budget_with_its_history(world, clock):
    """On the gemeente route the paid money goes from committed to realised: a ledger line and a
    history row of the budget naming who confirmed the payment and why."""
    uwv_fin = named(world.uwv_fin, "Fatima", "El Amrani")
    traject = approved_traject(world, perceel="demo-gem-epa")
    declare(world.ggz_noord, "D-1", [start_line(traject, "R-1", MONDAY)])
    schedule.run_job("weekly", MONDAY)
    opdracht = Betaalopdracht.objects.get()
    services.betaalopdracht_accorderen(by=uwv_fin, opdracht=opdracht)
    budget = world.budget_amsterdam
    budget.refresh_from_db()
    voor = (budget.gereserveerd, budget.gerealiseerd)

    services.betaalopdracht_bevestigen(by=uwv_fin, opdracht=opdracht, datum=MONDAY)

    budget.refresh_from_db()
    moved = voor[0] - budget.gereserveerd
    assert moved > 0 and budget.gerealiseerd == voor[1] + moved
    last = budget.history.order_by("-history_date", "-history_id").first()
    assert (last.history_user_id, last.gerealiseerd) == (uwv_fin.pk, budget.gerealiseerd)
    assert last.history_change_reason.startswith("gerealiseerd: ")


def test_moving_2000_lines_writes_2000_history_rows_in_a_fixed_number_of_queries(
    world, clock, django_assert_max_num_queries
):
    declaratie = Declaratie.objects.create(
        aanbieder=world.noord,
        declaratie_nummer="BULK",
        periode_begin=D(2026, 2, 1),
        periode_eind=D(2026, 2, 28),
        inhoud_hash="x" * 64,
        ingediend_door=world.ggz_noord,
    )
    Prestatie.objects.bulk_create(
        Prestatie(
            declaratie=declaratie,
            aanbieder=world.noord,
            regelnummer=i,
            product_referentie=f"B-{i}",
            toewijzing_nummer=i,
            product_code="periode",
            begindatum=D(2026, 2, 1),
            einddatum=D(2026, 2, 28),
            geleverd_volume=Decimal("28"),
            ingediend_bedrag=Decimal("10.00"),
            toegekend_bedrag=Decimal("10.00"),
            status="toegekend",
        )
        for i in range(1, 2001)
    )
    Instellingen.get()  # made once, not counted
    with django_assert_max_num_queries(13):
        assert services.betaalopdrachten_aanmaken(datum=MONDAY) == {"betaalopdrachten": 1, "regels": 2000}
    opdracht = Betaalopdracht.objects.get()
    assert (opdracht.bedrag, opdracht.aantal_regels) == (Decimal("20000.00"), 2000)
    taken = Prestatie.history.filter(history_change_reason="opgenomen in de betaalopdracht van 02-03-2026")
    assert taken.filter(betaalopdracht=opdracht).count() == 2000
    services.betaalopdracht_accorderen(by=world.uwv_fin, opdracht=opdracht)
    with django_assert_max_num_queries(13):
        services.betaalopdracht_bevestigen(by=world.uwv_fin, opdracht=opdracht, datum=MONDAY)
    paid = Prestatie.history.filter(history_change_reason="betaald op 02-03-2026", history_user=world.uwv_fin)
    assert paid.filter(betaald_op=MONDAY).count() == 2000
    assert Prestatie.objects.filter(betaald_op=MONDAY).count() == 2000


# --- claims and objections ----------------------------------------------------------------------


@pytest.fixture
def concept_claim(world, clock):
    """Two paid start lines in March on Amsterdam's co-financed trajectories (1600 each for the
    gemeente); the monthly job of 1 April makes a draft claim (sending by hand)."""
    instellingen = Instellingen.get()
    instellingen.vordering_automatisch_verzenden = False
    instellingen.save()
    trajecten = [approved_traject(world, perceel="demo-gem-epa") for _ in range(2)]
    declare(world.ggz_noord, "D-1", [start_line(t, f"R-{i}", MONDAY) for i, t in enumerate(trajecten)])
    services.betaalopdrachten_aanmaken(datum=MONDAY)
    opdracht = Betaalopdracht.objects.get()
    services.betaalopdracht_accorderen(by=world.uwv_fin, opdracht=opdracht)
    services.betaalopdracht_bevestigen(by=world.uwv_fin, opdracht=opdracht, datum=MONDAY)
    clock.move_to(moment(D(2026, 4, 1)))
    run = schedule.run_job("monthly", D(2026, 4, 1))
    assert run.status == "geslaagd", run.fouten
    world.run = run
    return Vordering.objects.get(gemeente=world.amsterdam)


def test_a_claim_made_by_the_job_sent_disputed_decided_and_paid(world, clock, concept_claim):
    vordering = concept_claim
    job = f"het loket (taak vorderingen, run {world.run.pk})"
    assert history(vordering) == [("+", None, job, "vordering over maart 2026 aangemaakt (concept)", "concept")]
    assert vordering.bedrag == Decimal("3200.00")
    gemeente, fin = world.gem_amsterdam, named(world.uwv_fin, "Fatima", "El Amrani")
    eerste, tweede = vordering.regels.order_by("id")

    refused(
        lambda: services.ontvangst_registreren(by=fin, vordering=vordering, bedrag=Decimal("1"), datum=D(2026, 4, 1))
    )
    refused(lambda: services.bezwaar_indienen(by=gemeente, vordering=vordering, regel=eerste, toelichting="Nee"))
    refused(lambda: services.vordering_verzenden(by=gemeente, vordering=vordering), code="geen-rol", status=403)
    services.vordering_verzenden(by=fin, vordering=vordering)
    refused(lambda: services.vordering_verzenden(by=fin, vordering=vordering))
    refused(
        lambda: services.bezwaar_indienen(by=world.gem_utrecht, vordering=vordering, regel=eerste, toelichting="Nee"),
        code="niet-gevonden",
        status=404,
    )

    clock.move_to(moment(D(2026, 4, 10)))
    services.ontvangst_registreren(by=fin, vordering=vordering, bedrag=Decimal("1000.00"), datum=D(2026, 4, 10))
    services.bezwaar_indienen(by=gemeente, vordering=vordering, regel=eerste, toelichting="Niet gestart")
    refused(lambda: services.bezwaar_indienen(by=gemeente, vordering=vordering, regel=eerste, toelichting="Nog eens"))
    services.bezwaar_indienen(by=gemeente, vordering=vordering, regel=tweede, toelichting="Ook niet")
    services.bezwaar_beoordelen(by=fin, regel=eerste, besluit="toegewezen", toelichting="Klopt")
    refused(lambda: services.bezwaar_beoordelen(by=fin, regel=eerste, besluit="afgewezen", toelichting="Toch niet"))
    services.bezwaar_beoordelen(by=fin, regel=tweede, besluit="afgewezen", toelichting="Wel gestart")
    vordering.refresh_from_db()
    assert (vordering.status, vordering.bedrag, vordering.ontvangen) == (
        "deels_betaald",
        Decimal("1600.00"),
        Decimal("1000.00"),
    )
    services.ontvangst_registreren(by=fin, vordering=vordering, bedrag=Decimal("600.00"), datum=D(2026, 4, 10))
    refused(lambda: services.bezwaar_indienen(by=gemeente, vordering=vordering, regel=tweede, toelichting="Nee"))

    ref1, ref2 = eerste.prestatie.product_referentie, tweede.prestatie.product_referentie
    assert history(vordering)[1:] == [
        ("~", fin.pk, "", "vordering verzonden, te betalen vóór 01-05-2026", "verzonden"),
        ("~", fin.pk, "", "ontvangst van €\xa01.000,00 op 10-04-2026 geregistreerd", "deels_betaald"),
        ("~", gemeente.pk, "", f"bezwaar ingediend tegen regel {ref1}", "betwist"),
        ("~", gemeente.pk, "", f"bezwaar ingediend tegen regel {ref2}", "betwist"),
        ("~", fin.pk, "", f"bezwaar toegewezen (regel {ref1}): regel vervalt", "betwist"),
        ("~", fin.pk, "", f"bezwaar afgewezen (regel {ref2}): regel blijft", "deels_betaald"),
        ("~", fin.pk, "", "ontvangst van €\xa0600,00 op 10-04-2026 geregistreerd", "betaald"),
    ]


def test_a_reminder_is_history_too(world, clock, concept_claim):
    services.vordering_verzenden(by=world.uwv_fin, vordering=concept_claim)
    assert services.vorderingen_herinneren(datum=D(2026, 5, 2)) == {"herinneringen": 1}
    concept_claim.refresh_from_db()
    assert concept_claim.aantal_herinneringen == 1
    assert history(concept_claim)[-1] == ("~", None, "", "herinnering verstuurd op 02-05-2026", "verzonden")


def test_overdue_is_one_rule_for_the_flag_and_the_queryset(world, clock, concept_claim):
    """Due on 1 May: on time that day, overdue the day after; a disputed claim stays overdue (but
    gets no reminder); a paid one is not overdue."""
    services.vordering_verzenden(by=world.uwv_fin, vordering=concept_claim)

    def both(day):
        v = Vordering.objects.get(pk=concept_claim.pk)
        flag = rules.vordering_te_laat(
            status=v.status, vervaldatum=v.vervaldatum, bedrag=v.bedrag, ontvangen=v.ontvangen, today=day
        )
        assert flag == Vordering.objects.filter(rules.vordering_te_laat_q(day), pk=v.pk).exists()
        return flag

    assert [both(D(2026, 4, 30)), both(D(2026, 5, 1)), both(D(2026, 5, 2))] == [False, False, True]
    regel = concept_claim.regels.first()
    services.bezwaar_indienen(by=world.gem_amsterdam, vordering=concept_claim, regel=regel, toelichting="Nee")
    assert both(D(2026, 5, 2)) is True
    assert services.vorderingen_herinneren(datum=D(2026, 5, 2)) == {"herinneringen": 0}
    services.bezwaar_beoordelen(by=world.uwv_fin, regel=regel, besluit="afgewezen", toelichting="Blijft")
    clock.move_to(moment(D(2026, 4, 20)))
    services.ontvangst_registreren(
        by=world.uwv_fin, vordering=concept_claim, bedrag=Decimal("3200.00"), datum=D(2026, 4, 20)
    )
    assert both(D(2026, 5, 2)) is False
