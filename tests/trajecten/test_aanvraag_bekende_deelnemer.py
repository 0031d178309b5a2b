"""The provider's office work in the browser, through the Django client (issue 12, w4): the
participant page lists the applications and trajectories and offers "Nieuwe aanvraag" (by uuid,
no BSN); the new-application form names a BSN the provider knows and links to that person, and
keeps what was typed after every error; a requested start in the past is refused with a code, on
the form and the API alike; a lot of a scheme not fully configured is not offered and is refused
with ``regeling-niet-ingericht``."""

import datetime
import re

import pytest
import time_machine
from django.test import Client

from financiering.models import Trajectprijs
from tests import factories as f
from tests.conftest import shared_world
from trajecten.models import Aanvraag, Deelnemer

from .aanvraag_helpers import TODAY, body, deelnemer, noon, web_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(noon(TODAY), tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, clock):
    return shared_world()


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _aanvraag_velden(world, **overrides) -> dict:
    velden = {k: v for k, v in web_form(world).items() if k in AANVRAAG_VELDEN}
    return {**velden, **overrides}


AANVRAAG_VELDEN = {
    "perceel", "regiebehandelaar", "in_behandeling_sggz", "wens_betaald_werk", "geen_of_klein_dienstverband",
    "toestemming_op", "gewenste_startdatum", "trajectbegeleider", "behandelduur_maanden",
}  # fmt: skip


def test_participant_page_lists_the_dossier_and_files_a_new_application_without_the_bsn(
    world, django_assert_max_num_queries
):
    person = deelnemer(world)  # GGZ Noord's
    client = _web(world.ggz_noord)
    with django_assert_max_num_queries(25):
        page = client.get(f"/deelnemers/{person.uuid}/")
    html = page.content.decode()
    assert page.status_code == 200 and "Geen aanvragen die u mag zien" in html
    link = f"/deelnemers/{person.uuid}/aanvraag/"
    assert f'href="{link}"' in html and "Nieuwe aanvraag" in html

    form = client.get(link)
    assert form.status_code == 200 and 'name="bsn"' not in form.content.decode()
    # a refused rule keeps every typed value (here: a consent in the future)
    refused = client.post(link, _aanvraag_velden(world, toestemming_op="2026-02-01", regiebehandelaar="Dr. Q. Kok"))
    html = refused.content.decode()
    assert "toestemming-in-toekomst" in html and 'value="Dr. Q. Kok"' in html and 'value="2026-02-01"' in html
    assert not Aanvraag.objects.filter(deelnemer=person).exists()

    done = client.post(link, _aanvraag_velden(world))
    aanvraag = Aanvraag.objects.get(deelnemer=person)
    assert done.status_code == 302 and done["Location"] == f"/aanvragen/{aanvraag.uuid}/"
    assert aanvraag.status == "ingediend" and Deelnemer.objects.filter(bsn_hash=person.bsn_hash).count() == 1
    html = client.get(f"/deelnemers/{person.uuid}/").content.decode()
    assert f'href="/aanvragen/{aanvraag.uuid}/"' in html and "Ingediend" in html and "15 januari 2026" in html


def test_another_providers_participant_is_not_found_and_others_get_no_button(world):
    person = deelnemer(world)  # GGZ Noord's
    assert _web(world.ggz_zuid).get(f"/deelnemers/{person.uuid}/aanvraag/").status_code == 404
    assert _web(world.ggz_zuid).post(f"/deelnemers/{person.uuid}/aanvraag/", _aanvraag_velden(world)).status_code == 404
    assert _web(world.gem_amsterdam).get(f"/deelnemers/{person.uuid}/aanvraag/").status_code == 403
    assert not Aanvraag.objects.exists()


def test_a_known_bsn_on_the_form_links_to_the_participant_and_keeps_what_was_typed(world):
    person = deelnemer(world)
    client = _web(world.ggz_noord)
    response = client.post("/aanvragen/nieuw/", {**web_form(world, regiebehandelaar="Dr. Q. Kok"), "bsn": person.bsn})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Deze deelnemer kent u al" in html and f'href="/deelnemers/{person.uuid}/aanvraag/"' in html
    assert "deelnemers/_zoek" not in html and "deelnemer-bestaat" in html
    assert person.bsn not in html and person.bsn_gemaskeerd in html  # kept server-side, shown masked
    assert re.search(r'name="bsn_ref" value="[^"]+"', html) and 'value="Dr. Q. Kok"' in html
    # also before the rest is filled in: the notice comes as soon as the BSN is typed
    early = client.post("/aanvragen/nieuw/", {"bsn": person.bsn, "achternaam": "Kok"}).content.decode()
    assert "Deze deelnemer kent u al" in early and 'value="Kok"' in early and person.bsn not in early
    elders = deelnemer(world, world.zuid)
    neutral = client.post("/aanvragen/nieuw/", {"bsn": elders.bsn}).content.decode()
    assert "Deze deelnemer kent u al" not in neutral and str(elders.uuid) not in neutral


def test_a_bsn_known_only_at_another_provider_gets_no_link(world):
    elders = deelnemer(world, world.zuid)
    response = _web(world.ggz_noord).post("/aanvragen/nieuw/", {**web_form(world), "bsn": elders.bsn})
    assert response.status_code == 302  # filed like any new person (the funder sees the conflict)
    assert str(elders.uuid) not in response.content.decode()


def test_a_requested_start_in_the_past_is_refused_with_its_code_never_moved(world):
    client = _web(world.ggz_noord)
    bsn = f.valid_bsn(4711)
    response = client.post("/aanvragen/nieuw/", {**web_form(world, gewenste_startdatum="2026-01-10"), "bsn": bsn})
    html = response.content.decode()
    assert response.status_code == 200 and "(code: startdatum-in-verleden)" in html
    assert "De gewenste startdatum (10-01-2026) ligt in het verleden" in html and 'value="2026-01-10"' in html
    assert "bsn_ref" in html and not Aanvraag.objects.exists()
    # the same rule on the API, with the same words
    person = deelnemer(world)
    api = world.client(world.ggz_noord).post(
        "/api/v1/aanvragen", body(person, gewensteStartdatum="2026-01-10"), format="json"
    )
    assert api.status_code == 400 and "ligt in het verleden" in str(api.json())
    # today and later are accepted and kept
    ok = client.post("/aanvragen/nieuw/", {**web_form(world, gewenste_startdatum="2026-01-15"), "bsn": bsn})
    assert ok.status_code == 302 and Aanvraag.objects.get().gewenste_startdatum == datetime.date(2026, 1, 15)


def test_a_lot_without_a_valid_price_is_not_offered_and_is_refused(world):
    Trajectprijs.objects.filter(perceel=world.epa).update(geldig_tot=datetime.date(2025, 12, 31))
    client = _web(world.ggz_noord)
    html = client.get("/aanvragen/nieuw/").content.decode()
    assert f'value="{world.epa.pk}"' not in html and f'value="{world.cmd.pk}"' in html
    person = deelnemer(world)
    api = world.client(world.ggz_noord).post("/api/v1/aanvragen", body(person), format="json")
    assert api.status_code == 409 and api.json()["code"] == "regeling-niet-ingericht"
    assert "geen trajectprijs die geldt op 15-01-2026" in api.json()["detail"]


def test_uwv_sees_on_the_participant_page_only_the_uwv_route(world):
    """A participant whose benefit changed has cases on both routes. UWV reaches the person through
    the UWV-route application, but the gemeente-route case is not UWV's client (domain.md 12): the
    participant page and the BSN search do not link it to the person for UWV; the provider sees both."""
    from trajecten import services as zaak

    eerste = f.AanvraagFactory(afgewezen=True)  # UWV route, refused by UWV
    person, provider = eerste.deelnemer, eerste.ingediend_door
    zaak.deelnemer_update(by=provider, deelnemer=person, uitkering="participatiewet")
    tweede = f.AanvraagFactory(
        route="gemeente", gemeente_akkoord=True, goedgekeurd=True, deelnemer=person, door=provider
    )
    assert tweede.route == "gemeente" and tweede.traject is not None

    uwv = _web(world.uwv).get(f"/deelnemers/{person.uuid}/").content.decode()
    assert f"/aanvragen/{eerste.uuid}/" in uwv
    assert f"/aanvragen/{tweede.uuid}/" not in uwv and f"/trajecten/{tweede.traject.uuid}/" not in uwv
    eigen = _web(provider).get(f"/deelnemers/{person.uuid}/").content.decode()
    assert f"/aanvragen/{tweede.uuid}/" in eigen and f"/trajecten/{tweede.traject.uuid}/" in eigen
