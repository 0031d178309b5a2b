"""Who looked up a BSN: every path that searches by BSN (the API's POST /deelnemers/_zoek and the
page POST /deelnemers/zoeken/) writes a BsnRaadpleging with the user, the time, the organisation
and the keyed hash, never the BSN itself; the beheerder sees them in the admin, read-only."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from backoffice import crypto
from backoffice.models import BsnRaadpleging
from tests.trajecten.helpers import aanvraag

pytestmark = pytest.mark.django_db


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _row_text(row: BsnRaadpleging) -> str:
    return " ".join(str(getattr(row, f.attname)) for f in row._meta.concrete_fields)


@pytest.fixture
def filed(world):
    filed = aanvraag(world, perceel="demo-gem-epa")
    from trajecten.models import Deelnemer

    deelnemer = Deelnemer.objects.get(uuid=filed["deelnemer"])
    # registering and filing were checks too (tests/security/test_deelnemer_elders.py); here: searches
    assert set(BsnRaadpleging.objects.values_list("kanaal", flat=True)) <= {"registratie", "aanvraag"}
    BsnRaadpleging.objects.all().delete()
    return {"aanvraag": filed, "bsn": crypto.decrypt(deelnemer.bsn_versleuteld)}


def test_the_api_lookup_is_recorded_without_the_bsn(world, filed):
    bsn = filed["bsn"]
    response = world.client(world.gem_amsterdam).post("/api/v1/deelnemers/_zoek", {"bsn": bsn}, format="json")
    assert response.status_code == 200 and response.json()["count"] == 1
    row = BsnRaadpleging.objects.get()
    assert row.user == world.gem_amsterdam
    assert row.kanaal == "api"
    assert row.organisatie == "Gemeente Amsterdam"
    assert row.bsn_hash == crypto.bsn_hash(bsn)
    assert row.aantal_gevonden == 1
    assert row.op is not None
    assert bsn not in _row_text(row)


def test_a_lookup_that_finds_nothing_is_recorded_too(world, filed):
    # Utrecht may not see Amsterdam's resident: nothing found, but the lookup happened
    response = world.client(world.gem_utrecht).post("/api/v1/deelnemers/_zoek", {"bsn": filed["bsn"]}, format="json")
    assert response.status_code == 200 and response.json()["count"] == 0
    row = BsnRaadpleging.objects.get()
    assert (row.user, row.organisatie, row.aantal_gevonden) == (world.gem_utrecht, "Gemeente Utrecht", 0)


def test_the_web_lookup_is_recorded(world, filed):
    response = _web(world.ggz_noord).post("/deelnemers/zoeken/", {"bsn": filed["bsn"]})
    assert response.status_code == 200
    row = BsnRaadpleging.objects.get()
    assert (row.user, row.kanaal, row.organisatie) == (world.ggz_noord, "web", "GGZ Noord")
    assert row.bsn_hash == crypto.bsn_hash(filed["bsn"])
    assert filed["bsn"] not in _row_text(row)


def test_an_invalid_bsn_is_no_lookup_and_no_role_no_lookup(world, filed):
    assert world.client(world.uwv).post("/api/v1/deelnemers/_zoek", {"bsn": "123"}, format="json").status_code == 400
    assert (
        world.client(world.auditor).post("/api/v1/deelnemers/_zoek", {"bsn": filed["bsn"]}, format="json").status_code
        == 403
    )
    assert _web(world.auditor).post("/deelnemers/zoeken/", {"bsn": filed["bsn"]}).status_code == 403
    assert not BsnRaadpleging.objects.exists()


def test_the_beheerder_sees_the_lookups_in_the_admin_read_only(world, filed):
    from io import StringIO

    call_command("load_reference_data", stdout=StringIO())  # the beheerder role's admin rights
    world.client(world.uwv).post("/api/v1/deelnemers/_zoek", {"bsn": filed["bsn"]}, format="json")
    world.beheer.is_staff = True
    world.beheer.save(update_fields=["is_staff"])
    client = _web(world.beheer)
    page = client.get(reverse("admin:backoffice_bsnraadpleging_changelist"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "uwv" in body and crypto.bsn_hash(filed["bsn"]) in body
    assert filed["bsn"] not in body
    row = BsnRaadpleging.objects.get()
    assert client.get(reverse("admin:backoffice_bsnraadpleging_change", args=(row.pk,))).status_code == 200
    assert (
        client.post(reverse("admin:backoffice_bsnraadpleging_delete", args=(row.pk,)), {"post": "yes"}).status_code
        == 403
    )
    assert client.get(reverse("admin:backoffice_bsnraadpleging_add")).status_code == 403
    # other roles have no admin at all
    assert _web(world.gem_amsterdam).get(reverse("admin:backoffice_bsnraadpleging_changelist")).status_code == 302
