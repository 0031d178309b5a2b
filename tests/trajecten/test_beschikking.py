"""The gemeente route as it runs (domain.md 6, issue 11): the gemeente's beschikking checks the
scheme's national room, the per-gemeente cap and the gemeente's budget, commits it and is the
grant; it is taken under a mandate, also by a samenwerkingsverband for its member gemeenten;
schemes that ask UWV's consent afterwards keep the two steps, and applications that were already
waiting for UWV are still decided by UWV.

The world is built on a fixed day (TODAY, Thursday 15 January 2026)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from backoffice import roles
from financiering.models import Budget, Budgetmutatie, Mandaat, Medewerker, Regeling, Samenwerkingsverband
from tests.conftest import shared_world
from tests.factories import GemeenteFactory, budget, make_user
from trajecten.models import Aanvraag, Besluit, Traject
from trajecten.selectors import wacht_op_besluit_q

from .aanvraag_helpers import TODAY, assert_problem, decide, decided, gemeentelijk, noon, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    with time_machine.travel(noon(TODAY), tick=False):
        yield shared_world()


def _gereserveerd(world) -> Decimal:
    return Budget.objects.get(pk=world.budget_amsterdam.pk).gereserveerd


def _toegekend(world) -> int:
    return Aanvraag.objects.filter(regeling=world.gem_regeling, status__in=Aanvraag.TOEGEKEND).count()


# --- the room, checked and committed by the beschikking ---------------------------------------------


def test_the_beschikking_commits_the_budget_exactly_once_and_creates_the_trajectory(world):
    filed = submitted(world, perceel="demo-gem-epa")
    body = decided(world, world.gem_amsterdam, filed["uuid"])
    assert body["aanvraag"]["status"] == "goedgekeurd"
    assert body["traject"]["toewijzingNummer"] == Traject.objects.get(aanvraag__uuid=filed["uuid"]).toewijzing_nummer
    assert body["aanvraag"]["beslisDeadline"] is None
    assert _gereserveerd(world) == Decimal("8000.00")
    (mutatie,) = Budgetmutatie.objects.filter(budget=world.budget_amsterdam)
    assert (mutatie.soort, mutatie.bedrag, str(mutatie.object_uuid)) == (
        "reservering",
        Decimal("8000.00"),
        filed["uuid"],
    )
    assert Aanvraag.objects.get(uuid=filed["uuid"]).budget_id == world.budget_amsterdam.pk
    # the provider sees its new trajectory with the number it declares on
    trajecten = world.client(world.ggz_noord).get("/api/v1/trajecten").json()["results"]
    assert body["traject"]["uuid"] in {t["uuid"] for t in trajecten}


def test_the_national_room_of_the_gemeente_route_is_checked_at_the_beschikking(world):
    """Filed while there was room; the beheerder lowers ``quotumGemeente`` to what is granted plus one."""
    first = submitted(world, perceel="demo-gem-epa")
    second = submitted(world, perceel="demo-gem-epa")
    Regeling.objects.filter(pk=world.gem_regeling.pk).update(quotum_gemeente=_toegekend(world) + 1)

    decided(world, world.gem_amsterdam, first["uuid"])
    problem = assert_problem(decide(world, world.gem_amsterdam, second["uuid"]), 409, "quotum-bereikt")
    assert "landelijke quotum" in problem["detail"]
    assert Aanvraag.objects.get(uuid=second["uuid"]).status == "ingediend"
    assert _gereserveerd(world) == Decimal("8000.00")  # nothing committed for the refused one
    assert not Traject.objects.filter(aanvraag__uuid=second["uuid"]).exists()
    assert not Besluit.objects.filter(aanvraag__uuid=second["uuid"]).exists()
    # refusing is still possible, and the room counts granted applications only
    decided(world, world.gem_amsterdam, second["uuid"], "afgewezen", "Landelijk quotum bereikt.")
    Regeling.objects.filter(pk=world.gem_regeling.pk).update(quotum_gemeente=_toegekend(world) + 1)
    decided(world, world.gem_amsterdam, submitted(world, perceel="demo-gem-epa")["uuid"])


def test_the_per_gemeente_cap_is_checked_at_the_beschikking(world):
    first = submitted(world, perceel="demo-gem-epa")
    second = submitted(world, perceel="demo-gem-epa")
    granted_here = Aanvraag.objects.filter(
        regeling=world.gem_regeling, gemeente=world.amsterdam, status__in=Aanvraag.TOEGEKEND
    ).count()
    Regeling.objects.filter(pk=world.gem_regeling.pk).update(max_per_gemeente=granted_here + 1)

    decided(world, world.gem_amsterdam, first["uuid"])
    assert_problem(decide(world, world.gem_amsterdam, second["uuid"]), 409, "gemeentelimiet-bereikt")
    assert Aanvraag.objects.get(uuid=second["uuid"]).status == "ingediend"
    assert _gereserveerd(world) == Decimal("8000.00")
    # Utrecht's cap is its own
    budget(world.utrecht, world.gem_regeling)
    elders = submitted(
        world, world.ggz_zuid, "demo-gem-epa", deelnemer_obj=gemeentelijk(world, world.zuid, gemeente=world.utrecht)
    )
    assert decided(world, world.gem_utrecht, elders["uuid"])["traject"] is not None


def test_the_budget_is_checked_at_the_beschikking(world):
    filed = submitted(world, perceel="demo-gem-epa")
    Budget.objects.filter(pk=world.budget_amsterdam.pk).update(toegekend=Decimal("7999.99"))
    assert_problem(decide(world, world.gem_amsterdam, filed["uuid"]), 409, "budget-ontoereikend")
    assert not Traject.objects.exists()
    assert _gereserveerd(world) == Decimal("0.00")


# --- the scheme that asks UWV's consent, and applications that were waiting for it ------------------


def test_with_uwv_akkoord_na_beschikking_the_two_steps_stay(world):
    Regeling.objects.filter(pk=world.gem_regeling.pk).update(uwv_akkoord_na_beschikking=True)
    filed = submitted(world, perceel="demo-gem-epa")
    body = decided(world, world.gem_amsterdam, filed["uuid"])
    assert (body["aanvraag"]["status"], body["traject"]) == ("gemeente_akkoord", None)
    assert body["aanvraag"]["beslisDeadline"] == "2026-01-29"  # UWV's two weeks
    assert _gereserveerd(world) == Decimal("8000.00")
    assert Aanvraag.objects.filter(wacht_op_besluit_q("uwv"), uuid=filed["uuid"]).exists()

    body = decided(world, world.uwv, filed["uuid"])
    assert body["aanvraag"]["status"] == "goedgekeurd"
    assert body["traject"]["route"] == "gemeente"
    assert body["ondertekening"] == "Namens UWV: uwv"
    assert _gereserveerd(world) == Decimal("8000.00")  # committed once, by the beschikking


def test_an_application_left_in_gemeente_akkoord_is_still_decided_by_uwv(world):
    """Before issue 11 every beschikking waited for UWV; after the upgrade (the setting off) those
    applications stay in ``gemeente_akkoord``, in UWV's queue, and UWV decides them as before."""
    Regeling.objects.filter(pk=world.gem_regeling.pk).update(uwv_akkoord_na_beschikking=True)
    approved = submitted(world, perceel="demo-gem-epa")
    rejected = submitted(world, perceel="demo-gem-epa")
    decided(world, world.gem_amsterdam, approved["uuid"])
    decided(world, world.gem_amsterdam, rejected["uuid"])
    Regeling.objects.filter(pk=world.gem_regeling.pk).update(uwv_akkoord_na_beschikking=False)  # the upgrade
    Besluit.objects.filter(aanvraag__uuid__in=[approved["uuid"], rejected["uuid"]]).update(mandaat=None)  # legacy rows

    waiting = Aanvraag.objects.filter(wacht_op_besluit_q("uwv"), regeling=world.gem_regeling)
    assert set(waiting.values_list("status", flat=True)) == {"gemeente_akkoord"}
    assert decided(world, world.uwv, approved["uuid"])["traject"]["route"] == "gemeente"
    decided(world, world.uwv, rejected["uuid"], "afgewezen", "Deelnemer heeft al werk.")
    assert _gereserveerd(world) == Decimal("8000.00")  # the rejected one's commitment released
    legacy = Besluit.objects.get(aanvraag__uuid=approved["uuid"], stap="gemeente")
    assert legacy.ondertekening == "Namens het college van burgemeester en wethouders van Amsterdam: gemeente-amsterdam"
    # and the gemeente has no second beschikking to give
    assert_problem(decide(world, world.gem_amsterdam, approved["uuid"]), 409, "ongeldige-status")


def test_the_setting_is_part_of_the_regelingen_api(world):
    response = world.client(world.beheer).get(f"/api/v1/regelingen/{world.gem_regeling.uuid}")
    assert response.json()["uwvAkkoordNaBeschikking"] is False
    response = world.client(world.beheer).patch(
        f"/api/v1/regelingen/{world.gem_regeling.uuid}", {"uwvAkkoordNaBeschikking": True}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["uwvAkkoordNaBeschikking"] is True
    assert Regeling.objects.get(pk=world.gem_regeling.pk).uwv_akkoord_na_beschikking is True
    # a PATCH that leaves it out keeps it
    world.client(world.beheer).patch(f"/api/v1/regelingen/{world.gem_regeling.uuid}", {"naam": "Nieuw"}, format="json")
    assert Regeling.objects.get(pk=world.gem_regeling.pk).uwv_akkoord_na_beschikking is True


# --- mandate ----------------------------------------------------------------------------------------


def _jansen(world, **mandaat):
    """A gemeente official J. Jansen of Amsterdam under the Participatiewet mandate (only that one)."""
    user = make_user(roles.GEMEENTE, username="jjansen")
    user.first_name, user.last_name = "J.", "Jansen"
    user.save()
    Medewerker.objects.create(user=user).gemeenten.add(world.amsterdam)
    fields = {
        "gemeente": world.amsterdam,
        "naam": "Mandaatbesluit Participatiewet 2025",
        "vindplaats": "Gemeenteblad 2025 nr. 12345",
        "geldig_van": date(2025, 1, 1),
        **mandaat,
    }
    Mandaat.objects.create(**fields).gemandateerden.add(user)
    return user


def test_the_beschikking_records_the_mandate_and_signs_on_behalf_of_the_college(world):
    jansen = _jansen(world)
    filed = submitted(world, perceel="demo-gem-epa")
    body = decided(world, jansen, filed["uuid"])
    expected = (
        "Namens het college van burgemeester en wethouders van Amsterdam, krachtens mandaat "
        "(Mandaatbesluit Participatiewet 2025, Gemeenteblad 2025 nr. 12345): J. Jansen"
    )
    assert body["ondertekening"] == expected
    assert body["mandaat"] == "Mandaatbesluit Participatiewet 2025, Gemeenteblad 2025 nr. 12345"
    besluit = Besluit.objects.get(aanvraag__uuid=filed["uuid"])
    assert besluit.mandaat.naam == "Mandaatbesluit Participatiewet 2025"
    assert besluit.door == jansen
    assert besluit.ondertekening == expected
    assert besluit.orgaan_naam == "het college van burgemeester en wethouders van Amsterdam"
    # the provider reads the same line in the application
    (gelezen,) = world.client(world.ggz_noord).get(f"/api/v1/aanvragen/{filed['uuid']}").json()["besluiten"]
    assert gelezen["ondertekening"] == expected


@pytest.mark.parametrize(
    "mandaat",
    [
        {"geldig_tot": date(2025, 12, 31)},  # expired
        {"geldig_van": date(2026, 2, 1)},  # not yet valid
        {"gemeente_id": None},  # another gemeente's mandate (set in the test)
    ],
)
def test_no_valid_mandate_no_beschikking(world, mandaat):
    if "gemeente_id" in mandaat:
        mandaat = {"gemeente": GemeenteFactory(code="0599", naam="Rotterdam")}
    jansen = _jansen(world, **mandaat)
    filed = submitted(world, perceel="demo-gem-epa")
    problem = assert_problem(decide(world, jansen, filed["uuid"]), 403, "geen-mandaat")
    assert "geen geldig mandaat" in problem["detail"]
    assert_problem(decide(world, jansen, filed["uuid"], "afgewezen", "Geen budget."), 403, "geen-mandaat")
    assert Aanvraag.objects.get(uuid=filed["uuid"]).status == "ingediend"
    assert _gereserveerd(world) == Decimal("0.00")
    # the page says why there is no form
    from django.test import Client

    client = Client()
    client.force_login(jansen)
    page = client.get(f"/aanvragen/{filed['uuid']}/").content.decode()
    assert "geen geldig mandaat" in page
    assert "Besluit vastleggen" not in page


# --- samenwerkingsverband --------------------------------------------------------------------------


def test_a_samenwerkingsverband_decides_for_its_member_gemeenten_only(world):
    houten = GemeenteFactory(code="0321", naam="Houten")
    budget(houten, world.gem_regeling)
    verband = Samenwerkingsverband.objects.create(naam="Werk en Inkomen Lekstroom")
    verband.leden.add(houten, world.utrecht)
    official = make_user(roles.GEMEENTE, username="lekstroom")
    official.first_name, official.last_name = "P.", "de Boer"
    official.save()
    verband.medewerkers.add(Medewerker.objects.create(user=official))
    mandaat = Mandaat.objects.create(
        samenwerkingsverband=verband,
        naam="Mandaatbesluit Lekstroom 2025",
        vindplaats="Staatscourant 2025 nr. 777",
        geldig_van=date(2025, 1, 1),
    )
    mandaat.gemandateerden.add(official)

    in_houten = submitted(world, perceel="demo-gem-epa", deelnemer_obj=gemeentelijk(world, gemeente=houten))
    in_amsterdam = submitted(world, perceel="demo-gem-epa")
    # it sees the member gemeente's applications, not the others
    listed = {a["uuid"] for a in world.client(official).get("/api/v1/aanvragen").json()["results"]}
    assert in_houten["uuid"] in listed and in_amsterdam["uuid"] not in listed
    assert_problem(decide(world, official, in_amsterdam["uuid"]), 404, "niet-gevonden")
    assert world.client(official).get(f"/api/v1/aanvragen/{in_amsterdam['uuid']}").status_code == 404

    body = decided(world, official, in_houten["uuid"])
    assert body["traject"]["gemeente"] == "0321"
    assert body["ondertekening"] == (
        "Namens het college van burgemeester en wethouders van Houten, krachtens mandaat aan Werk en Inkomen "
        "Lekstroom (Mandaatbesluit Lekstroom 2025, Staatscourant 2025 nr. 777): P. de Boer"
    )
    besluit = Besluit.objects.get(aanvraag__uuid=in_houten["uuid"])
    assert (besluit.mandaat, besluit.orgaan_naam) == (mandaat, "het college van burgemeester en wethouders van Houten")
    assert Budget.objects.get(gemeente=houten, regeling=world.gem_regeling).gereserveerd == Decimal("8000.00")
    # the trajectory that came out is in its scope too
    assert world.client(official).get(f"/api/v1/trajecten/{body['traject']['uuid']}").status_code == 200
