"""Submitting an application through POST /api/v1/aanvragen: every check of domain.md section 6
refuses with its own code and stores nothing, and passes just on the other side of the line.

The world is built on a fixed day (TODAY, 15 January 2026), so that ages, windows and budget
years are the same whenever the suite runs."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from backoffice.models import Instellingen
from financiering.models import Budget, Budgetmutatie, Raamovereenkomst
from tests.conftest import shared_world
from trajecten.models import Aanvraag, Deelnemer

from .aanvraag_helpers import (
    TODAY,
    aanvragen,
    assert_problem,
    body,
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


def refused(response, code: str, before: int, status: int = 409) -> dict:
    """A coded refusal after which nothing was stored."""
    problem = assert_problem(response, status, code)
    assert aanvragen() == before
    return problem


# --- the passing cases --------------------------------------------------------------------------


def test_uwv_application_is_filed(world):
    person = deelnemer(world)
    response = submit(world, world.ggz_noord, person, trajectbegeleider=str(world.begeleider_noord.uuid))
    assert response.status_code == 201, response.json()
    aanvraag = response.json()
    assert aanvraag["status"] == "ingediend"
    assert aanvraag["route"] == "uwv"
    assert aanvraag["regeling"] == "uwv-ips"
    assert aanvraag["perceel"] == "uwv-ips-epa"
    assert aanvraag["gemeente"] == "0363"
    assert aanvraag["deelnemer"] == str(person.uuid)
    assert aanvraag["aanbieder"] == str(world.noord.uuid)
    assert aanvraag["trajectbegeleider"] == str(world.begeleider_noord.uuid)
    assert aanvraag["bedrag"] == "8000.00"
    assert aanvraag["waarschuwingen"] == []
    assert aanvraag["besluiten"] == []
    assert aanvraag["traject"] is None
    stored = Aanvraag.objects.get(uuid=aanvraag["uuid"])
    assert stored.ingediend_door == world.ggz_noord
    assert stored.bsn_hash == person.bsn_hash


def test_gemeente_application_is_filed_without_committing_budget(world):
    aanvraag = submitted(world, perceel="demo-gem-epa")
    assert aanvraag["route"] == "gemeente"
    assert aanvraag["regeling"] == "demo-gem"
    world.budget_amsterdam.refresh_from_db()
    assert world.budget_amsterdam.gereserveerd == Decimal("0.00")  # only the beschikking commits
    assert not Budgetmutatie.objects.exists()


def test_cmd_application_with_treatment_duration_is_filed(world):
    aanvraag = submitted(world, perceel="uwv-ips-cmd", behandelduurMaanden=24)
    assert aanvraag["behandelduurMaanden"] == 24
    assert aanvraag["perceel"] == "uwv-ips-cmd"


# --- provider type, framework contract, fidelity ------------------------------------------------


def test_ribw_may_not_apply_for_the_cmd_lot(world):
    person = deelnemer(world, world.ribw, doelgroep="cmd")
    before = aanvragen()
    problem = refused(submit(world, world.ribw_oost, person, "uwv-ips-cmd"), "aanbiedertype-niet-toegestaan", before)
    assert "ribw" in problem["detail"]


def test_ribw_may_apply_for_the_epa_lot(world):
    aanvraag = submitted(world, world.ribw_oost, "uwv-ips-epa")
    assert aanvraag["aanbieder"] == str(world.ribw.uuid)


def test_no_framework_contract_for_the_lot(world):
    Raamovereenkomst.objects.filter(aanbieder=world.noord, perceel=world.epa).delete()
    person = deelnemer(world)
    before = aanvragen()
    refused(submit(world, world.ggz_noord, person), "geen-raamovereenkomst", before)
    # the contract for the other lot does not help; CMD still works
    submitted(world, perceel="uwv-ips-cmd")


def test_suspended_framework_contract(world):
    Raamovereenkomst.objects.filter(aanbieder=world.noord, perceel=world.epa).update(
        status="opgeschort", reden="Structureel onder de kwaliteitsnorm."
    )
    person = deelnemer(world)
    before = aanvragen()
    refused(submit(world, world.ggz_noord, person), "geen-raamovereenkomst", before)

    Raamovereenkomst.objects.filter(aanbieder=world.noord, perceel=world.epa).update(status="actief", reden="")
    assert submit(world, world.ggz_noord, person).status_code == 201


def test_ended_framework_contract(world):
    Raamovereenkomst.objects.filter(aanbieder=world.noord, perceel=world.epa).update(tot=TODAY - timedelta(days=1))
    person = deelnemer(world)
    before = aanvragen()
    refused(submit(world, world.ggz_noord, person), "geen-raamovereenkomst", before)
    # a contract that ends today is still valid today
    Raamovereenkomst.objects.filter(aanbieder=world.noord, perceel=world.epa).update(tot=TODAY)
    assert submit(world, world.ggz_noord, person).status_code == 201


def test_gemeente_scheme_needs_no_framework_contract(world):
    Raamovereenkomst.objects.filter(aanbieder=world.noord).delete()
    submitted(world, perceel="demo-gem-epa")


def test_fidelity_audit_missing(world):
    world.noord.modeltrouwmetingen.all().delete()
    person = deelnemer(world)
    before = aanvragen()
    problem = refused(submit(world, world.ggz_noord, person), "modeltrouw-onvoldoende", before)
    assert "geen modeltrouwmeting" in problem["detail"]


def test_fidelity_audit_older_than_24_months(world):
    world.noord.modeltrouwmetingen.all().delete()
    world.f.ModeltrouwmetingFactory(aanbieder=world.noord, datum=date(2024, 1, 14))
    person = deelnemer(world)
    before = aanvragen()
    problem = refused(submit(world, world.ggz_noord, person), "modeltrouw-onvoldoende", before)
    assert "14-01-2024" in problem["detail"]


def test_fidelity_audit_of_exactly_24_months_is_valid(world):
    world.noord.modeltrouwmetingen.all().delete()
    world.f.ModeltrouwmetingFactory(aanbieder=world.noord, datum=date(2024, 1, 15))
    submitted(world)


def test_fidelity_audit_banded_geen_ips(world):
    world.f.ModeltrouwmetingFactory(aanbieder=world.noord, geen_ips=True, datum=TODAY - timedelta(days=10))
    person = deelnemer(world)
    before = aanvragen()
    problem = refused(submit(world, world.ggz_noord, person), "modeltrouw-onvoldoende", before)
    assert "geen IPS" in problem["detail"]
    # also on the gemeente scheme: subsidy schemes ask a valid audit instead of a contract
    refused(submit(world, world.ggz_noord, gemeentelijk(world), "demo-gem-epa"), "modeltrouw-onvoldoende", before)


def test_only_the_latest_audit_counts(world):
    world.f.ModeltrouwmetingFactory(aanbieder=world.noord, geen_ips=True, datum=TODAY - timedelta(days=300))
    world.f.ModeltrouwmetingFactory(aanbieder=world.noord, datum=TODAY - timedelta(days=5))  # improved
    submitted(world)


def test_fidelity_only_warns_when_configured(world):
    instellingen = Instellingen.get()
    instellingen.modeltrouw_handhaving = "waarschuwen"
    instellingen.save()
    world.f.ModeltrouwmetingFactory(aanbieder=world.noord, geen_ips=True, datum=TODAY - timedelta(days=10))

    aanvraag = submitted(world)
    assert aanvraag["status"] == "ingediend"
    assert len(aanvraag["waarschuwingen"]) == 1
    assert "geen IPS" in aanvraag["waarschuwingen"][0]
    # the warning stays on the application for the assessor to see
    seen = world.client(world.uwv).get(f"/api/v1/aanvragen/{aanvraag['uuid']}").json()
    assert seen["waarschuwingen"] == aanvraag["waarschuwingen"]


def test_missing_audit_only_warns_when_configured(world):
    Instellingen.objects.update_or_create(pk=1, defaults={"modeltrouw_handhaving": "waarschuwen"})
    world.noord.modeltrouwmetingen.all().delete()
    aanvraag = submitted(world)
    assert ["geen modeltrouwmeting" in w for w in aanvraag["waarschuwingen"]] == [True]


def test_an_audit_on_a_version_without_bands_does_not_count(world):
    """IPS-25 has no bands (domain.md 3): its audit is stored, not banded, and not valid."""
    world.noord.modeltrouwmetingen.all().delete()
    world.f.ModeltrouwmetingFactory(aanbieder=world.noord, niet_ingedeeld=True, datum=TODAY - timedelta(days=10))
    before = aanvragen()
    problem = refused(submit(world, world.ggz_noord, deelnemer(world)), "modeltrouw-onvoldoende", before)
    assert "niet ingedeeld: deze schaalversie heeft (nog) geen banden" in problem["detail"]
    assert (TODAY - timedelta(days=10)).strftime("%d-%m-%Y") in problem["detail"]


def test_an_older_banded_audit_still_counts_after_one_without_bands(world):
    # the world's banded audit of 60 days ago stays valid; the newer IPS-25 audit changes nothing
    world.f.ModeltrouwmetingFactory(aanbieder=world.noord, niet_ingedeeld=True, datum=TODAY - timedelta(days=5))
    assert submitted(world)["waarschuwingen"] == []


def _nieuw_programma(world, *, start, goedgekeurd=True):
    world.noord.modeltrouwmetingen.all().delete()
    world.noord.implementatieplan_goedgekeurd_op = start - timedelta(days=20) if goedgekeurd else None
    world.noord.implementatie_start = start
    world.noord.save()


def test_new_programme_with_an_approved_plan_is_warned_not_blocked_in_its_first_12_months(world):
    start = date(2025, 1, 16)  # 12 months minus a day before TODAY
    _nieuw_programma(world, start=start)
    aanvraag = submitted(world)
    assert aanvraag["status"] == "ingediend"
    [warning] = aanvraag["waarschuwingen"]
    assert "geen modeltrouwmeting" in warning and "16-01-2025" in warning and "16-01-2026" in warning


def test_new_programme_is_blocked_from_12_months_after_the_start(world):
    _nieuw_programma(world, start=date(2025, 1, 15))
    before = aanvragen()
    refused(submit(world, world.ggz_noord, deelnemer(world)), "modeltrouw-onvoldoende", before)


def test_new_programme_without_an_approved_plan_is_blocked(world):
    _nieuw_programma(world, start=date(2025, 11, 1), goedgekeurd=False)
    before = aanvragen()
    refused(submit(world, world.ggz_noord, deelnemer(world)), "modeltrouw-onvoldoende", before)


def test_the_run_up_is_configurable(world):
    Instellingen.objects.update_or_create(pk=1, defaults={"modeltrouw_aanloop_maanden": 6})
    _nieuw_programma(world, start=date(2025, 6, 1))
    before = aanvragen()
    refused(submit(world, world.ggz_noord, deelnemer(world)), "modeltrouw-onvoldoende", before)
    Instellingen.objects.filter(pk=1).update(modeltrouw_aanloop_maanden=8)
    submitted(world)


def test_the_run_up_ends_with_the_first_audit(world):
    """A first audit banded 'geen IPS' in the run-up blocks: the plan no longer stands in for it."""
    _nieuw_programma(world, start=date(2025, 6, 1))
    world.f.ModeltrouwmetingFactory(aanbieder=world.noord, geen_ips=True, datum=TODAY - timedelta(days=3))
    before = aanvragen()
    problem = refused(submit(world, world.ggz_noord, deelnemer(world)), "modeltrouw-onvoldoende", before)
    assert "geen IPS" in problem["detail"]


# --- a re-integration company as the lead party (domain.md 3) ---------------------------------


def _reintegratiebedrijf(world, *, plan=True):
    from backoffice import roles

    bedrijf = world.f.AanbiederFactory(
        naam="Werkt! Re-integratie",
        type="reintegratie",
        implementatieplan_goedgekeurd_op=date(2025, 9, 1) if plan else None,
        implementatie_start=date(2025, 10, 1) if plan else None,
    )
    return bedrijf, world.f.make_user(roles.AANBIEDER, aanbieder=bedrijf, username="werkt")


def test_a_reintegration_company_is_refused_on_the_inkoopkader_even_if_the_lot_lists_it(world):
    from financiering.models import Perceel

    bedrijf, user = _reintegratiebedrijf(world)
    Perceel.objects.filter(code="uwv-ips-epa").update(toegestane_aanbiedertypen=["ggz", "ribw", "reintegratie"])
    world.f.RaamovereenkomstFactory(aanbieder=bedrijf, perceel=world.epa)
    world.f.ModeltrouwmetingFactory(aanbieder=bedrijf)
    before = aanvragen()
    problem = refused(submit(world, user, deelnemer(world, bedrijf)), "aanbiedertype-niet-toegestaan", before)
    assert "Inkoopkader" in problem["detail"] and "re-integratiebedrijf" in problem["detail"]


def test_a_reintegration_company_may_not_execute_in_the_inkoopkader_either(world):
    bedrijf, _ = _reintegratiebedrijf(world)
    before = aanvragen()
    problem = refused(
        submit(world, world.ggz_noord, deelnemer(world), uitvoerder=str(bedrijf.uuid)),
        "aanbiedertype-niet-toegestaan",
        before,
    )
    assert "uitvoerende organisatie" in problem["detail"]


def _lot_met_reintegratie(world):
    return world.f.PerceelFactory(
        regeling=world.gem_regeling, code="demo-gem-epa-rib", toegestane_aanbiedertypen=["ggz", "reintegratie"]
    )


def test_a_reintegration_company_applies_as_lead_party_in_another_scheme(world):
    _lot_met_reintegratie(world)
    bedrijf, user = _reintegratiebedrijf(world)
    aanvraag = submitted(world, user, perceel="demo-gem-epa-rib")
    assert (aanvraag["status"], aanvraag["aanbieder"]) == ("ingediend", str(bedrijf.uuid))
    # before its first audit, in the run-up of its approved plan: a warning
    assert ["geen modeltrouwmeting" in w for w in aanvraag["waarschuwingen"]] == [True]


def test_a_reintegration_company_without_an_approved_plan_is_refused(world):
    _lot_met_reintegratie(world)
    bedrijf, user = _reintegratiebedrijf(world, plan=False)
    world.f.ModeltrouwmetingFactory(aanbieder=bedrijf)  # even with a valid audit
    before = aanvragen()
    problem = refused(
        submit(world, user, gemeentelijk(world, bedrijf), "demo-gem-epa-rib"), "implementatieplan-ontbreekt", before
    )
    assert "Phrenos" in problem["detail"]


# --- the scheme's window ------------------------------------------------------------------------


def test_window_last_day_counts_and_the_day_after_is_refused(world, clock):
    world.gem_regeling.aanvraag_tot = TODAY
    world.gem_regeling.save()
    submitted(world, perceel="demo-gem-epa")

    clock.move_to(noon(TODAY + timedelta(days=1)))
    person = gemeentelijk(world)
    before = aanvragen()
    problem = refused(submit(world, world.ggz_noord, person, "demo-gem-epa"), "buiten-aanvraagperiode", before)
    assert "15-01-2026" in problem["detail"]
    # the UWV scheme is open-ended: still fine
    submitted(world)


def test_window_not_yet_open(world, clock):
    world.uwv_regeling.aanvraag_vanaf = TODAY + timedelta(days=1)
    world.uwv_regeling.save()
    person = deelnemer(world)
    before = aanvragen()
    refused(submit(world, world.ggz_noord, person), "buiten-aanvraagperiode", before)

    clock.move_to(noon(TODAY + timedelta(days=1)))
    assert submit(world, world.ggz_noord, person).status_code == 201


# --- quota, per-gemeente cap, budget ------------------------------------------------------------


def test_national_quota_reached(world):
    world.uwv_regeling.quotum_uwv = 2
    world.uwv_regeling.save()
    first = submitted(world)
    submitted(world, world.ggz_zuid)  # the quota is national: other providers count too

    person = deelnemer(world)
    before = aanvragen()
    problem = refused(submit(world, world.ggz_noord, person), "quotum-bereikt", before)
    assert "2 trajecten" in problem["detail"]

    # an approved application keeps its place; a withdrawn one frees it
    decided(world, world.uwv, first["uuid"])
    refused(submit(world, world.ggz_noord, person), "quotum-bereikt", before)
    second = Aanvraag.objects.exclude(uuid=first["uuid"]).get()
    response = world.client(world.ggz_zuid).post(f"/api/v1/aanvragen/{second.uuid}/intrekkingen", {}, format="json")
    assert response.status_code == 201, response.json()
    assert submit(world, world.ggz_noord, person).status_code == 201


def test_quota_of_the_other_route_does_not_count(world):
    world.uwv_regeling.route_gemeente = True
    world.uwv_regeling.quotum_uwv = 1
    world.uwv_regeling.quotum_gemeente = 1
    world.uwv_regeling.save()
    world.f.budget(world.amsterdam, world.uwv_regeling)
    submitted(world)  # takes the one UWV place
    aanvraag = submitted(world, perceel="uwv-ips-epa", deelnemer_obj=gemeentelijk(world))
    assert aanvraag["route"] == "gemeente"


def test_per_gemeente_cap_reached(world):
    world.gem_regeling.max_per_gemeente = 2
    world.gem_regeling.save()
    world.f.budget(world.utrecht, world.gem_regeling)
    submitted(world, perceel="demo-gem-epa")
    rejected = submitted(world, world.ggz_zuid, perceel="demo-gem-epa")

    person = gemeentelijk(world)
    before = aanvragen()
    problem = refused(submit(world, world.ggz_noord, person, "demo-gem-epa"), "gemeentelimiet-bereikt", before)
    assert "maximum van 2" in problem["detail"]

    # the cap is per gemeente: Utrecht still has room
    submitted(world, perceel="demo-gem-epa", deelnemer_obj=gemeentelijk(world, gemeente=world.utrecht))
    # a rejected application gives its place back
    decided(world, world.gem_amsterdam, rejected["uuid"], "afgewezen", "Woont niet in Amsterdam.")
    assert submit(world, world.ggz_noord, person, "demo-gem-epa").status_code == 201


def test_default_cap_of_five_per_gemeente(world):
    for _ in range(5):
        submitted(world, perceel="demo-gem-cmd")
    before = aanvragen()
    refused(
        submit(world, world.ggz_noord, gemeentelijk(world), "demo-gem-epa"),  # the cap covers all of the scheme's lots
        "gemeentelimiet-bereikt",
        before,
    )


def test_budget_counts_pending_applications(world):
    Budget.objects.filter(pk=world.budget_amsterdam.pk).update(toegekend=Decimal("16000.00"))
    first = submitted(world, perceel="demo-gem-epa")
    second = submitted(world, perceel="demo-gem-epa")

    person = gemeentelijk(world)
    before = aanvragen()
    problem = refused(submit(world, world.ggz_noord, person, "demo-gem-epa"), "budget-ontoereikend", before)
    # no amounts: the free budget after pending applications tells what other providers asked for
    assert problem["detail"] == (
        "Het vrije budget van de gemeente voor deze regeling is niet toereikend voor dit traject "
        "(aanvragen in behandeling meegerekend)."
    )
    assert not any(ch.isdigit() for ch in problem["detail"] + str(problem.get("regels")))

    # a beschikking moves the money from pending to committed: still no room
    decided(world, world.gem_amsterdam, first["uuid"])
    refused(submit(world, world.ggz_noord, person, "demo-gem-epa"), "budget-ontoereikend", before)
    # a rejection frees it
    decided(world, world.gem_amsterdam, second["uuid"], "afgewezen", "Geen IPS-indicatie.")
    assert submit(world, world.ggz_noord, person, "demo-gem-epa").status_code == 201


def test_budget_exactly_one_trajectory(world):
    Budget.objects.filter(pk=world.budget_amsterdam.pk).update(toegekend=Decimal("7999.99"))
    person = gemeentelijk(world)
    before = aanvragen()
    refused(submit(world, world.ggz_noord, person, "demo-gem-epa"), "budget-ontoereikend", before)
    Budget.objects.filter(pk=world.budget_amsterdam.pk).update(toegekend=Decimal("8000.00"))
    assert submit(world, world.ggz_noord, person, "demo-gem-epa").status_code == 201


def test_no_budget_at_all(world):
    person = gemeentelijk(world, gemeente=world.utrecht)  # Utrecht has no budget in the scheme
    before = aanvragen()
    problem = refused(submit(world, world.ggz_noord, person, "demo-gem-epa"), "budget-ontoereikend", before)
    assert "geen budget" in problem["detail"]


def test_budget_of_another_year_does_not_count(world):
    world.f.budget(world.utrecht, world.gem_regeling, jaar=2025)
    person = gemeentelijk(world, gemeente=world.utrecht)
    before = aanvragen()
    refused(submit(world, world.ggz_noord, person, "demo-gem-epa"), "budget-ontoereikend", before)


def test_uwv_route_needs_no_gemeente_budget(world):
    Budget.objects.all().delete()
    submitted(world)


# --- the participant ----------------------------------------------------------------------------


def test_uwv_benefit_on_the_gemeente_only_scheme(world):
    person = deelnemer(world, uitkering="wga_80_100")
    before = aanvragen()
    problem = refused(submit(world, world.ggz_noord, person, "demo-gem-epa"), "route-niet-in-regeling", before)
    assert "uwv-route" in problem["detail"]


def test_gemeente_benefit_on_the_uwv_scheme(world):
    person = gemeentelijk(world, uitkering="nug")
    before = aanvragen()
    refused(submit(world, world.ggz_noord, person, "uwv-ips-epa"), "route-niet-in-regeling", before)


@pytest.mark.parametrize("uitkering", ["participatiewet", "ioaw", "ioaz", "nug"])
def test_every_gemeente_benefit_fits_the_gemeente_scheme(world, uitkering):
    aanvraag = submitted(world, perceel="demo-gem-epa", deelnemer_obj=gemeentelijk(world, uitkering=uitkering))
    assert aanvraag["route"] == "gemeente"


@pytest.mark.parametrize(
    ("geboortedatum", "ok"),
    [
        (date(2008, 1, 16), False),  # 18 tomorrow
        (date(2008, 1, 15), True),  # 18 today
        (date(1959, 1, 16), True),  # 67 tomorrow
        (date(1959, 1, 15), False),  # 67 today
    ],
)
def test_age_bounds(world, geboortedatum, ok):
    person = deelnemer(world, geboortedatum=geboortedatum)
    before = aanvragen()
    response = submit(world, world.ggz_noord, person)
    if ok:
        assert response.status_code == 201, response.json()
    else:
        problem = refused(response, "leeftijd-buiten-grenzen", before)
        assert ("17 jaar" if geboortedatum.year == 2008 else "67 jaar") in problem["detail"]


def test_doelgroep_must_match_the_lot(world):
    cmd_person = deelnemer(world, doelgroep="cmd")
    epa_person = deelnemer(world, doelgroep="epa")
    before = aanvragen()
    refused(submit(world, world.ggz_noord, cmd_person, "uwv-ips-epa"), "doelgroep-past-niet", before)
    refused(submit(world, world.ggz_noord, epa_person, "uwv-ips-cmd"), "doelgroep-past-niet", before)
    assert submit(world, world.ggz_noord, cmd_person, "uwv-ips-cmd").status_code == 201


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("inBehandelingSggz", "specialistische ggz"),
        ("wensBetaaldWerk", "betaald werk"),
        ("geenOfKleinDienstverband", "kleine baan"),
    ],
)
def test_declared_conditions(world, field, text):
    person = deelnemer(world)
    before = aanvragen()
    problem = refused(submit(world, world.ggz_noord, person, **{field: False}), "voorwaarden-niet-voldaan", before)
    assert text in problem["detail"]


def test_cmd_treatment_longer_than_24_months(world):
    person = deelnemer(world, doelgroep="cmd")
    before = aanvragen()
    problem = refused(
        submit(world, world.ggz_noord, person, "uwv-ips-cmd", behandelduurMaanden=25), "behandelduur-te-lang", before
    )
    assert "25" in problem["detail"]
    assert submit(world, world.ggz_noord, person, "uwv-ips-cmd", behandelduurMaanden=24).status_code == 201


@pytest.mark.parametrize("value", [..., None])
def test_cmd_treatment_duration_missing(world, value):
    person = deelnemer(world, doelgroep="cmd")
    before = aanvragen()
    refused(
        submit(world, world.ggz_noord, person, "uwv-ips-cmd", behandelduurMaanden=value),
        "behandelduur-onbekend",
        before,
    )


def test_epa_needs_no_treatment_duration(world):
    aanvraag = submitted(world, perceel="uwv-ips-epa", behandelduurMaanden=None)
    assert aanvraag["behandelduurMaanden"] is None


# --- one trajectory per person ------------------------------------------------------------------


def test_open_application_for_the_same_person(world):
    person = deelnemer(world)
    assert submit(world, world.ggz_noord, person).status_code == 201
    before = aanvragen()
    problem = refused(submit(world, world.ggz_noord, person), "dubbel-traject", before)
    assert "aanvraag" in problem["detail"]


def test_active_trajectory_for_the_same_person(world):
    person = deelnemer(world)
    first = submit(world, world.ggz_noord, person).json()
    decided(world, world.uwv, first["uuid"])
    before = aanvragen()
    problem = refused(submit(world, world.ggz_noord, person), "dubbel-traject", before)
    assert "actief IPS-traject" in problem["detail"]


def test_open_application_of_another_provider_with_the_same_bsn(world):
    """Not refused, not told: filed like any other and sent to the funder, who cannot approve it
    (tests/security/test_deelnemer_elders.py compares the answers byte for byte)."""
    bsn = world.f.valid_bsn(900)
    at_noord = deelnemer(world, bsn=bsn)
    at_zuid = deelnemer(world, world.zuid, bsn=bsn)
    first = submit(world, world.ggz_noord, at_noord)
    assert first.status_code == 201
    second = submit(world, world.ggz_zuid, at_zuid)
    assert second.status_code == 201, second.json()
    assert second.json()["samenloop"] == [] and second.json()["waarschuwingen"] == []
    # also at a third provider, on another scheme and route
    third = submit(world, world.ribw_oost, gemeentelijk(world, world.ribw, bsn=bsn), "demo-gem-epa")
    assert third.status_code == 201, third.json()
    assert Aanvraag.objects.get(uuid=second.json()["uuid"]).samenloop_bij_indienen is True
    assert Aanvraag.objects.get(uuid=first.json()["uuid"]).samenloop_bij_indienen is False
    # Zuid sees its own application only
    assert [a["uuid"] for a in world.client(world.ggz_zuid).get("/api/v1/aanvragen").json()["results"]] == [
        second.json()["uuid"]
    ]


def test_active_trajectory_at_another_provider_with_the_same_bsn(world):
    bsn = world.f.valid_bsn(901)
    at_noord = deelnemer(world, bsn=bsn)
    at_zuid = deelnemer(world, world.zuid, bsn=bsn, doelgroep="cmd")
    first = submit(world, world.ggz_noord, at_noord).json()
    decided(world, world.uwv, first["uuid"])
    second = submit(world, world.ggz_zuid, at_zuid, "uwv-ips-cmd")
    assert second.status_code == 201, second.json()
    problem = assert_problem(decide(world, world.uwv, second.json()["uuid"]), 409, "dubbel-traject")
    assert "al een actief IPS-traject" in problem["detail"]


def test_new_application_after_rejection_withdrawal_or_stop(world):
    person = deelnemer(world)
    first = submit(world, world.ggz_noord, person).json()
    decided(world, world.uwv, first["uuid"], "afgewezen", "Onvoldoende onderbouwd.")

    second = submit(world, world.ggz_noord, person)
    assert second.status_code == 201, second.json()
    response = world.client(world.ggz_noord).post(
        f"/api/v1/aanvragen/{second.json()['uuid']}/intrekkingen", {}, format="json"
    )
    assert response.status_code == 201

    third = submit(world, world.ggz_noord, person).json()
    traject = decided(world, world.uwv, third["uuid"])["traject"]
    response = world.client(world.ggz_noord).post(
        f"/api/v1/trajecten/{traject['uuid']}/stopberichten",
        {"einddatum": str(TODAY), "reden": "uitval"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert submit(world, world.ggz_noord, person).status_code == 201


# --- invalid input ------------------------------------------------------------------------------


@pytest.mark.parametrize("bsn", ["123456789", "12345678", "1234567890", "abcdefghi", "", "11122233a"])
def test_invalid_bsn_is_refused_when_registering_the_participant(world, bsn):
    before = Deelnemer.objects.count()
    response = world.client(world.ggz_noord).post(
        "/api/v1/deelnemers",
        {
            "bsn": bsn,
            "voorletters": "A.",
            "achternaam": "Bakker",
            "geboortedatum": "1985-03-01",
            "gemeente": "0363",
            "uitkering": "wga_80_100",
            "doelgroep": "epa",
        },
        format="json",
    )
    problem = assert_problem(response, 400, "ongeldige-invoer")
    assert [p["name"] for p in problem["invalidParams"]] == ["bsn"]
    assert Deelnemer.objects.count() == before


def test_invalid_bsn_in_search(world):
    response = world.client(world.ggz_noord).post("/api/v1/deelnemers/_zoek", {"bsn": "123456789"}, format="json")
    problem = assert_problem(response, 400, "ongeldige-invoer")
    assert [p["name"] for p in problem["invalidParams"]] == ["bsn"]


def test_another_providers_participant_is_unknown(world):
    theirs = deelnemer(world, world.zuid)
    before = aanvragen()
    problem = refused(submit(world, world.ggz_noord, theirs), "ongeldige-invoer", before, status=400)
    assert [p["name"] for p in problem["invalidParams"]] == ["deelnemer"]
    # the same answer as for a participant that does not exist: nothing leaks
    response = submit(world, world.ggz_noord, "00000000-0000-4000-8000-000000000000")
    assert response.json()["invalidParams"] == problem["invalidParams"]


def test_another_providers_trajectbegeleider_is_unknown(world):
    theirs = world.f.TrajectbegeleiderFactory(aanbieder=world.zuid)
    before = aanvragen()
    problem = refused(
        submit(world, world.ggz_noord, deelnemer(world), trajectbegeleider=str(theirs.uuid)),
        "ongeldige-invoer",
        before,
        status=400,
    )
    assert [p["name"] for p in problem["invalidParams"]] == ["trajectbegeleider"]


@pytest.mark.parametrize("user", ["uwv", "uwv_fin", "gem_amsterdam", "auditor", "beheer"])
def test_only_providers_submit(world, user):
    person = deelnemer(world)
    before = aanvragen()
    response = world.client(getattr(world, user)).post("/api/v1/aanvragen", body(person), format="json")
    refused(response, "geen-rol", before, status=403)


def test_no_login_is_401(world):
    response = world.client(None).post("/api/v1/aanvragen", body(deelnemer(world)), format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "niet-ingelogd"


def test_bad_json_is_400(world):
    before = aanvragen()
    response = world.client(world.ggz_noord).post(
        "/api/v1/aanvragen", data='{"deelnemer": "x", "perceel": ', content_type="application/json"
    )
    refused(response, "ongeldige-invoer", before, status=400)


@pytest.mark.parametrize("payload", [[], "tekst", 42, None, [{"perceel": "uwv-ips-epa"}]])
def test_body_that_is_not_an_object_is_400(world, payload):
    before = aanvragen()
    response = world.client(world.ggz_noord).post("/api/v1/aanvragen", payload, format="json")
    refused(response, "ongeldige-invoer", before, status=400)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("perceel", "bestaat-niet"),
        ("perceel", 12),
        ("perceel", {"code": "uwv-ips-epa"}),
        ("perceel", None),
        ("deelnemer", "geen-uuid"),
        ("deelnemer", 12345),
        ("deelnemer", ["a"]),
        ("inBehandelingSggz", "misschien"),
        ("wensBetaaldWerk", None),
        ("geenOfKleinDienstverband", [True]),
        ("behandelduurMaanden", "twee"),
        ("behandelduurMaanden", -1),
        ("behandelduurMaanden", 1.5),
        ("behandelduurMaanden", 10**30),
        ("gewensteStartdatum", "15-01-2026"),
        ("gewensteStartdatum", "2026-02-30"),
        ("gewensteStartdatum", str(TODAY - timedelta(days=1))),  # in the past
        ("regiebehandelaar", ""),
        ("regiebehandelaar", "x" * 201),
        ("regiebehandelaar", "Dr.\x00Jansen"),
        ("trajectbegeleider", "geen-uuid"),
    ],
)
def test_wrong_types_are_400_never_500(world, field, value):
    person = deelnemer(world, doelgroep="cmd" if field == "behandelduurMaanden" else "epa")
    perceel = "uwv-ips-cmd" if field == "behandelduurMaanden" else "uwv-ips-epa"
    before = aanvragen()
    data = body(person, perceel)
    data[field] = value
    response = world.client(world.ggz_noord).post("/api/v1/aanvragen", data, format="json")
    problem = refused(response, "ongeldige-invoer", before, status=400)
    assert field in {p["name"] for p in problem["invalidParams"]}


def test_every_invalid_field_is_reported_at_once(world):
    before = aanvragen()
    response = world.client(world.ggz_noord).post(
        "/api/v1/aanvragen", {"perceel": "bestaat-niet", "behandelduurMaanden": "veel"}, format="json"
    )
    problem = refused(response, "ongeldige-invoer", before, status=400)
    names = {p["name"] for p in problem["invalidParams"]}
    assert names >= {
        "deelnemer",
        "perceel",
        "regiebehandelaar",
        "inBehandelingSggz",
        "wensBetaaldWerk",
        "geenOfKleinDienstverband",
        "behandelduurMaanden",
    }
    assert all(p["reason"] for p in problem["invalidParams"])


# --- several rules at once ----------------------------------------------------------------------


def test_all_broken_rules_are_listed(world):
    """A ribw without an audit applies on the gemeente scheme's CMD lot for a 15-year-old EPA
    participant on a UWV benefit, without a treatment duration and without the wish to work."""
    world.ribw.modeltrouwmetingen.all().delete()
    person = deelnemer(world, world.ribw, doelgroep="epa", geboortedatum=date(2010, 5, 1))
    before = aanvragen()
    response = submit(
        world,
        world.ribw_oost,
        person,
        "demo-gem-cmd",
        wensBetaaldWerk=False,
        behandelduurMaanden=None,
    )
    problem = refused(response, "route-niet-in-regeling", before)
    assert [r["code"] for r in problem["regels"]] == [
        "route-niet-in-regeling",
        "doelgroep-past-niet",
        "aanbiedertype-niet-toegestaan",
        "modeltrouw-onvoldoende",
        "leeftijd-buiten-grenzen",
        "voorwaarden-niet-voldaan",
        "behandelduur-onbekend",
    ]
    assert all(r["reden"] for r in problem["regels"])
    assert problem["detail"] == problem["regels"][0]["reden"]


def test_one_broken_rule_is_listed_too(world):
    person = deelnemer(world, doelgroep="cmd")
    problem = assert_problem(submit(world, world.ggz_noord, person), 409, "doelgroep-past-niet")
    assert [r["code"] for r in problem["regels"]] == ["doelgroep-past-niet"]
