"""The gemeente's and UWV's case pages through Django's test client: who may see and do what,
the confirmation step, errors tied to their field, and the BSN that never enters a URL."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group

from backoffice import roles
from financiering.models import Budget, Regeling
from tests.factories import client_as as _client
from tests.trajecten.aanvraag_helpers import noon
from tests.trajecten.helpers import aanvraag, approved_traject, beoordeel, deelnemer
from trajecten.models import Aanvraag, Traject, Verlenging

pytestmark = pytest.mark.django_db


def _gemeente_aanvraag(world) -> dict:
    return aanvraag(world, perceel="demo-gem-epa")


def _beslis(client, uuid, besluit="akkoord", toelichting="", bevestigd=True):
    data = {"besluit": besluit, "toelichting": toelichting}
    if bevestigd:
        data["bevestigd"] = "on"
    return client.post(f"/aanvragen/{uuid}/beoordeling/", data)


# --- access -----------------------------------------------------------------------------------


def test_logged_out_user_is_sent_to_the_login_page(world):
    filed = _gemeente_aanvraag(world)
    for url in ("/aanvragen/", f"/aanvragen/{filed['uuid']}/", "/deelnemers/zoeken/"):
        response = _client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/inloggen"), response["Location"]
    response = _beslis(_client(), filed["uuid"])
    assert response.status_code == 302 and response["Location"].startswith("/inloggen")
    assert Aanvraag.objects.get(uuid=filed["uuid"]).status == "ingediend"


def test_another_gemeentes_application_answers_404(world):
    filed = _gemeente_aanvraag(world)  # Amsterdam
    utrecht = _client(world.gem_utrecht)
    assert utrecht.get(f"/aanvragen/{filed['uuid']}/").status_code == 404
    assert _beslis(utrecht, filed["uuid"]).status_code == 404
    assert Aanvraag.objects.get(uuid=filed["uuid"]).status == "ingediend"
    listing = utrecht.get("/aanvragen/")
    assert listing.status_code == 200
    assert filed["uuid"] not in listing.content.decode()
    assert filed["uuid"] in _client(world.gem_amsterdam).get("/aanvragen/").content.decode()


def test_uwv_does_not_see_a_gemeente_route_application_before_the_beschikking(world):
    filed = _gemeente_aanvraag(world)
    assert _client(world.uwv).get(f"/aanvragen/{filed['uuid']}/").status_code == 404
    assert filed["uuid"] not in _client(world.uwv).get("/aanvragen/").content.decode()


def test_provider_cannot_post_a_decision(world):
    filed = _gemeente_aanvraag(world)
    provider = _client(world.ggz_noord)
    page = provider.get(f"/aanvragen/{filed['uuid']}/")
    assert page.status_code == 200
    assert "Beschikking geven" not in page.content.decode()
    assert _beslis(provider, filed["uuid"]).status_code == 403
    assert Aanvraag.objects.get(uuid=filed["uuid"]).status == "ingediend"


def test_auditor_has_no_case_pages(world):
    assert _client(world.auditor).get("/aanvragen/").status_code == 403
    assert _client(world.auditor).get("/deelnemers/zoeken/").status_code == 403


def test_a_decision_needs_the_csrf_token(world):
    filed = _gemeente_aanvraag(world)
    client = _client(world.gem_amsterdam, enforce_csrf_checks=True)
    assert _beslis(client, filed["uuid"]).status_code == 403
    assert Aanvraag.objects.get(uuid=filed["uuid"]).status == "ingediend"
    # With the token from the page it goes through.
    client.get(f"/aanvragen/{filed['uuid']}/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"/aanvragen/{filed['uuid']}/beoordeling/",
        {"besluit": "akkoord", "bevestigd": "on", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert Aanvraag.objects.get(uuid=filed["uuid"]).status == "goedgekeurd"


# --- deciding ---------------------------------------------------------------------------------


def test_gemeente_confirms_then_the_budget_is_committed(world):
    filed = _gemeente_aanvraag(world)
    client = _client(world.gem_amsterdam)
    page = client.get(f"/aanvragen/{filed['uuid']}/").content.decode()
    assert "Beschikking geven" in page
    assert "Uw beschikking is de toekenning" in page
    assert "100.000,00" in page  # the free budget
    assert "92.000,00" in page  # free after the commitment of 8.000,00

    unconfirmed = _beslis(client, filed["uuid"], bevestigd=False)
    assert unconfirmed.status_code == 400
    assert "bevestigd" in unconfirmed.context["form"].errors
    assert Aanvraag.objects.get(uuid=filed["uuid"]).status == "ingediend"  # nothing happened yet

    done = _beslis(client, filed["uuid"])
    traject = Traject.objects.get(aanvraag__uuid=filed["uuid"])  # the beschikking is the grant
    assert done.status_code == 302 and done["Location"] == f"/trajecten/{traject.uuid}/"
    assert Aanvraag.objects.get(uuid=filed["uuid"]).status == "goedgekeurd"
    assert Budget.objects.get(pk=world.budget_amsterdam.pk).gereserveerd == Decimal("8000.00")
    after = client.get(done["Location"]).content.decode()
    assert "€\u00a08.000,00 is gereserveerd op het budget van Amsterdam" in after  # money as € 8.000,00
    assert "vrij budget nu: €\u00a092.000,00" in after
    assert "<dt>Trajectprijs</dt><dd>€\u00a08.000,00</dd>" in after
    assert str(traject.toewijzing_nummer) in after
    detail = client.get(f"/aanvragen/{filed['uuid']}/").content.decode()
    assert "cofinanciering bevestigd" in detail
    assert "krachtens mandaat (Mandaatbesluit IPS, Gemeenteblad 2025 nr. 0363)" in detail
    assert "Besluit vastleggen" not in detail


def test_rejection_without_toelichting_is_an_error_on_that_field(world):
    filed = _gemeente_aanvraag(world)
    response = _beslis(_client(world.gem_amsterdam), filed["uuid"], besluit="afgewezen", bevestigd=False)
    assert response.status_code == 400
    form = response.context["form"]
    assert "toelichting-verplicht" in form.errors["toelichting"][0]
    assert 'id="id_toelichting-fout"' in response.content.decode()
    assert Aanvraag.objects.get(uuid=filed["uuid"]).status == "ingediend"


def test_a_refusal_of_the_service_shows_its_code(world):
    """Four eyes: a provider employee who is also a gemeente user cannot decide its own application."""
    world.ggz_noord.groups.add(Group.objects.get_or_create(name=roles.GEMEENTE)[0])
    world.ggz_noord.medewerker.gemeenten.add(world.amsterdam)
    filed = _gemeente_aanvraag(world)
    response = _beslis(_client(world.ggz_noord), filed["uuid"])
    assert response.status_code == 403
    assert "vier-ogen" in response.content.decode()
    assert Aanvraag.objects.get(uuid=filed["uuid"]).status == "ingediend"


def test_uwv_approval_lands_on_the_new_trajectory(world):
    Regeling.objects.filter(pk=world.gem_regeling.pk).update(uwv_akkoord_na_beschikking=True)
    filed = _gemeente_aanvraag(world)
    assert beoordeel(world, world.gem_amsterdam, filed["uuid"]).status_code == 201
    client = _client(world.uwv)
    assert "Besluit UWV" in client.get(f"/aanvragen/{filed['uuid']}/").content.decode()
    response = _beslis(client, filed["uuid"])
    traject = Traject.objects.get(aanvraag__uuid=filed["uuid"])
    assert response.status_code == 302
    assert str(traject.uuid) in response["Location"]
    detail = client.get(f"/aanvragen/{filed['uuid']}/").content.decode()
    assert str(traject.toewijzing_nummer) in detail


@pytest.fixture
def middag():
    """Noon on a fixed day: 70 days later is then 70 calendar days later in Amsterdam, whatever the
    hour the suite runs (at 23:30 the real clock once made it 71)."""
    with time_machine.travel(noon(datetime.date(2026, 3, 2)), tick=False) as traveller:
        yield traveller


def test_list_filters_sorts_and_flags_overdue(middag, world):
    early = _gemeente_aanvraag(world)
    middag.shift(datetime.timedelta(days=70))
    client = _client(world.gem_amsterdam)
    page = client.get("/aanvragen/?status=ingediend&sorteer=beslis_deadline").content.decode()
    assert early["uuid"] in page
    assert "termijn verlopen" in page
    assert "70 dagen" in page
    assert early["uuid"] not in client.get("/aanvragen/?status=goedgekeurd").content.decode()
    assert client.get("/aanvragen/?sorteer=onzin&pagina=99").status_code == 200


# --- extension requests -----------------------------------------------------------------------


def _extension(world, traject, maanden=6):
    response = world.client(world.ggz_noord).post(
        f"/api/v1/trajecten/{traject['uuid']}/verlengingen",
        {"maanden": maanden, "toelichting": "Net begonnen met werk, begeleiding nodig."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_uwv_decides_an_extension_with_confirmation(world):
    traject = approved_traject(world)  # UWV route, CMD
    verlenging = _extension(world, traject)
    url = f"/trajecten/{traject['uuid']}/verlengingen/{verlenging['uuid']}/beoordeling/"
    client = _client(world.uwv)
    assert "Verlenging beoordelen" in client.get(url).content.decode()
    assert client.post(url, {"besluit": "akkoord"}).status_code == 400  # not confirmed
    assert Verlenging.objects.get(uuid=verlenging["uuid"]).status == "aangevraagd"
    response = client.post(url, {"besluit": "akkoord", "bevestigd": "on"})
    assert response.status_code == 302 and traject["uuid"] in response["Location"]
    assert Verlenging.objects.get(uuid=verlenging["uuid"]).status == "goedgekeurd"
    assert Traject.objects.get(uuid=traject["uuid"]).verlengd_maanden == 6


def test_extension_decision_access(world):
    traject = approved_traject(world)  # UWV route
    verlenging = _extension(world, traject)
    url = f"/trajecten/{traject['uuid']}/verlengingen/{verlenging['uuid']}/beoordeling/"
    assert _client(world.gem_amsterdam).post(url, {"besluit": "akkoord", "bevestigd": "on"}).status_code == 404
    assert _client(world.ggz_noord).post(url, {"besluit": "akkoord", "bevestigd": "on"}).status_code == 403
    # UWV financieel sees the trajectory but is not its funder's assessor.
    assert _client(world.uwv_fin).post(url, {"besluit": "akkoord", "bevestigd": "on"}).status_code == 403
    response = _client(world.uwv).post(url, {"besluit": "afgewezen", "bevestigd": "on"})
    assert response.status_code == 400 and "toelichting-verplicht" in response.content.decode()
    assert Verlenging.objects.get(uuid=verlenging["uuid"]).status == "aangevraagd"


# --- participants and the BSN -----------------------------------------------------------------


def test_bsn_search_is_post_only(world):
    filed = _gemeente_aanvraag(world)
    person = Aanvraag.objects.get(uuid=filed["uuid"]).deelnemer
    bsn = person.bsn
    client = _client(world.gem_amsterdam)

    ignored = client.get(f"/deelnemers/zoeken/?bsn={bsn}")
    assert ignored.status_code == 200
    assert ignored.context["resultaten"] is None
    assert person.achternaam not in ignored.content.decode()

    found = client.post("/deelnemers/zoeken/", {"bsn": bsn})
    body = found.content.decode()
    assert found.status_code == 200
    assert person.achternaam in body
    assert person.bsn_gemaskeerd in body
    assert bsn not in body  # masked, and not echoed back into the form
    assert f"/aanvragen/{filed['uuid']}/" in body
    assert "no-store" in found["Cache-Control"]


def test_bsn_search_finds_only_what_the_user_may_see(world):
    filed = _gemeente_aanvraag(world)
    bsn = Aanvraag.objects.get(uuid=filed["uuid"]).deelnemer.bsn
    response = _client(world.gem_utrecht).post("/deelnemers/zoeken/", {"bsn": bsn})
    assert response.context["resultaten"] == []
    invalid = _client(world.gem_amsterdam).post("/deelnemers/zoeken/", {"bsn": "123456789"})
    assert "ongeldig-bsn" in invalid.content.decode()


def test_participant_page_shows_the_masked_bsn_and_the_visible_dossier(world):
    filed = _gemeente_aanvraag(world)
    person = Aanvraag.objects.get(uuid=filed["uuid"]).deelnemer
    other = deelnemer(world, world.ggz_zuid, gemeente="0344")
    page = _client(world.gem_amsterdam).get(f"/deelnemers/{person.uuid}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert person.bsn_gemaskeerd in body and person.bsn not in body
    assert f"/aanvragen/{filed['uuid']}/" in body
    assert _client(world.gem_amsterdam).get(f"/deelnemers/{other['uuid']}/").status_code == 404
