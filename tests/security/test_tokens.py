"""API tokens (docs/security.md "Tokens en blokkering"): only a digest at rest, an expiry, revoked
by DELETE /api/v1/auth/token, by a beheerder in the admin, and all of a user's tokens on a password
change and on deactivation, whichever path made the change."""

import datetime
import hashlib

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _login(username="ggz-noord", password="geheim-wachtwoord"):
    response = APIClient().post("/api/v1/auth/token", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def _get(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/aanvragen")


def test_only_a_digest_of_the_token_is_stored(world):
    token = _login()["token"]
    row = AuthToken.objects.get(user=world.ggz_noord)
    assert row.digest == hashlib.sha512(token.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AuthToken._meta.db_table}")
        stored = " ".join(str(v) for v in cursor.fetchone())
    assert token not in stored
    assert _get(token).status_code == 200


def test_the_token_expires_after_the_configured_time(world, settings):
    with time_machine.travel(NOW, tick=False) as clock:
        body = _login()
        assert body["verlooptOp"] == "2026-03-02T19:00:00Z"  # 10 hours (IPS_TOKEN_TTL_HOURS)
        clock.move_to(NOW + datetime.timedelta(hours=9, minutes=59))
        assert _get(body["token"]).status_code == 200
        clock.move_to(NOW + datetime.timedelta(hours=10, minutes=1))
        response = _get(body["token"])
        assert response.status_code == 401 and response.json()["code"] == "niet-ingelogd"

        # the expired token is deleted at the user's next login, not on every request
        settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": datetime.timedelta(hours=1)}
        assert _login()["verlooptOp"] == "2026-03-02T20:01:00Z"
        assert AuthToken.objects.filter(user=world.ggz_noord).count() == 1
        assert _get(body["token"]).status_code == 401


def test_the_expiry_has_the_apis_timestamp_format(world):
    with time_machine.travel(NOW + datetime.timedelta(microseconds=815510), tick=False):
        assert _login()["verlooptOp"] == "2026-03-02T19:00:00Z"  # api.md: no fractions of a second


def test_delete_revokes_the_token_that_is_sent_and_only_that_one(world):
    first, second = _login()["token"], _login()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert client.delete("/api/v1/auth/token").status_code == 204
    response = _get(first)
    assert response.status_code == 401 and response.json()["code"] == "niet-ingelogd"
    assert _get(second).status_code == 200
    assert client.delete("/api/v1/auth/token").status_code == 401  # already gone
    assert APIClient().delete("/api/v1/auth/token").status_code == 401  # no token sent


def test_a_new_password_revokes_every_token_of_the_user_only(world):
    mine, also_mine = _login()["token"], _login()["token"]
    other = _login("ggz-zuid")["token"]
    world.ggz_noord.set_password("een-nieuw-wachtwoord-2026")  # as a service or command would
    world.ggz_noord.save()
    assert [_get(t).status_code for t in (mine, also_mine, other)] == [401, 401, 200]
    assert _login(password="een-nieuw-wachtwoord-2026")["token"]


@pytest.fixture
def admin(world):
    """The beheerder in the admin, with the rights load_reference_data gives the role."""
    call_command("load_reference_data", verbosity=0)
    world.beheer.is_staff = True
    world.beheer.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(world.beheer)
    return client


def test_a_password_set_in_the_admin_revokes_the_tokens(world, admin):
    token = _login("gemeente-amsterdam")["token"]
    url = reverse("admin:auth_user_password_change", args=(world.gem_amsterdam.pk,))
    response = admin.post(url, {"password1": "Zomer-2026-lang-genoeg", "password2": "Zomer-2026-lang-genoeg"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _get(token).status_code == 401


def test_deactivation_revokes_every_token(world):
    token = _login()["token"]
    world.ggz_noord.is_active = False
    world.ggz_noord.save(update_fields=["is_active"])
    assert _get(token).status_code == 401
    assert not AuthToken.objects.filter(user=world.ggz_noord).exists()


def test_a_login_that_only_updates_last_login_keeps_the_tokens(world):
    token = _login()["token"]
    _login()  # saves last_login (update_fields) and must not revoke anything
    assert _get(token).status_code == 200


def test_the_beheerder_revokes_a_token_in_the_admin(world, admin):
    token = _login()["token"]
    row = AuthToken.objects.get(user=world.ggz_noord)
    page = admin.get(reverse("admin:knox_authtoken_changelist")).content.decode()
    assert "ggz-noord" in page
    assert admin.get(reverse("admin:knox_authtoken_add")).status_code == 403  # no token for someone else
    url = reverse("admin:knox_authtoken_delete", args=(row.pk,))
    assert admin.post(url, {"post": "yes"}).status_code == 302
    assert _get(token).status_code == 401

    # or all tokens of a user at once, with the action on the user list
    token = _login()["token"]
    response = admin.post(
        reverse("admin:backoffice_user_changelist"),
        {"action": "tokens_intrekken", "_selected_action": [world.ggz_noord.pk]},
    )
    assert response.status_code == 302
    assert _get(token).status_code == 401


def test_a_providers_token_request_reads_token_user_and_provider_in_one_query_and_roles_in_one_more(world):
    """The token check brings the user's Medewerker row and provider along (backoffice/gebruiker.py),
    and its roles and gemeenten in a second query: no separate query for any of them later."""
    from django.test.utils import CaptureQueriesContext

    token = _login()["token"]
    with CaptureQueriesContext(connection) as ctx:
        assert _get(token).status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert all(table in sqls[0] for table in ("knox_authtoken", "financiering_medewerker", "financiering_aanbieder"))
    assert sqls[1].startswith("SELECT ARRAY(") and "auth_group" in sqls[1], sqls
    assert not [s for s in sqls[2:] if "auth_group" in s or s.startswith('SELECT "financiering_')], sqls
