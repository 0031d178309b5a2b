"""Access to the web pages through Django's test client: a logged-out user reaches nothing but the
login page, another provider's trajectory answers 404, CSRF is enforced, the login is throttled,
sessions expire, and the werkbak costs a fixed number of queries."""

import re
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import client_as as _client
from tests.trajecten.helpers import approved_traject
from trajecten.models import Traject

pytestmark = pytest.mark.django_db


def _page_paths() -> list[str]:
    """Every web page's path (not the API, the admin or the login itself), with sample arguments."""
    paths = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if route.startswith(("api/", "admin/", "api-auth/", "inloggen", "uitloggen")):
                    continue
                route = re.sub(r"<uuid:\w+>", str(uuid.uuid4()), route)
                route = re.sub(r"<str:\w+>", "csv", route)
                route = re.sub(r"<int:\w+>", "1", route)
                if "<" not in route and "^" not in route:
                    paths.append("/" + route)

    walk(get_resolver().url_patterns)
    return paths


def test_a_logged_out_user_sees_only_the_login_page(world):
    paths = _page_paths()
    assert {"/", "/trajecten/", "/signalen/", "/aanvragen/nieuw/"} <= set(paths)
    for path in paths:
        for method in ("get", "post"):
            response = getattr(_client(), method)(path)
            assert response.status_code == 302, (method, path, response.status_code)
            assert response["Location"].startswith("/inloggen?next="), (path, response["Location"])
    login = _client().get("/inloggen")
    assert login.status_code == 200
    assert 'lang="nl"' in login.content.decode() and "Gebruikersnaam" in login.content.decode()
    assert _client().get("/api-auth/login/").status_code == 200  # the browsable API's login still works


def test_login_and_logout_through_the_pages(world):
    client = _client()
    response = client.post("/inloggen", {"username": "ggz-noord", "password": "geheim-wachtwoord"})
    assert response.status_code == 302 and response["Location"] == "/"
    start = client.get("/")
    body = start.content.decode()
    assert "Werkbak" in body and "GGZ Noord" in body and "Aanbieder medewerker" in body
    assert client.get("/uitloggen").status_code == 405  # logging out is a POST (a link cannot do it)
    assert client.post("/uitloggen")["Location"] == "/inloggen"
    assert client.get("/")["Location"].startswith("/inloggen")


def test_wrong_password_is_a_dutch_message_and_the_form_is_throttled(world, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"login": "3/minute"}}
    client = _client()
    for _ in range(3):
        response = client.post("/inloggen", {"username": "ggz-noord", "password": "fout"})
        assert response.status_code == 200
        assert "Deze combinatie van gebruikersnaam en wachtwoord kennen wij niet" in response.content.decode()
    response = client.post("/inloggen", {"username": "ggz-noord", "password": "geheim-wachtwoord"})
    assert response.status_code == 429
    assert "Te veel inlogpogingen" in response.content.decode()


def test_another_providers_trajectory_answers_404(world):
    traject = approved_traject(world)  # GGZ Noord's
    own = _client(world.ggz_noord).get(f"/trajecten/{traject['uuid']}/")
    assert own.status_code == 200 and str(traject["toewijzingNummer"]) in own.content.decode()
    zuid = _client(world.ggz_zuid)
    assert zuid.get(f"/trajecten/{traject['uuid']}/").status_code == 404
    response = zuid.post(
        f"/trajecten/{traject['uuid']}/stopbericht/",
        {"stop-einddatum": "2026-01-01", "stop-reden": "uitval", "stop-bevestigd": "on"},
    )
    assert response.status_code == 404
    assert Traject.objects.get(uuid=traject["uuid"]).status == "actief"
    listing = zuid.get("/trajecten/").content.decode()
    assert traject["uuid"] not in listing


def test_csrf_is_enforced_on_the_pages(world):
    traject = approved_traject(world)
    client = _client(world.ggz_noord, enforce_csrf_checks=True)
    response = client.post(
        f"/trajecten/{traject['uuid']}/verlenging/", {"verlenging-maanden": 3, "verlenging-toelichting": "Nodig"}
    )
    assert response.status_code == 403
    assert not Traject.objects.get(uuid=traject["uuid"]).verlengingen.exists()
    login = Client(enforce_csrf_checks=True).post(
        "/inloggen", {"username": "ggz-noord", "password": "geheim-wachtwoord"}
    )
    assert login.status_code == 403


def test_an_idle_session_ends(world, settings):
    client = _client(world.ggz_noord)
    assert client.get("/").status_code == 200
    session = client.session
    session["ips_laatst"] -= settings.IPS_SESSION_IDLE_SECONDS + 5
    session.save()
    response = client.get("/trajecten/")
    assert response.status_code == 302 and "verlopen=1" in response["Location"]
    assert client.get("/")["Location"].startswith("/inloggen")
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@pytest.mark.parametrize("username", ["ggz-noord", "gemeente-amsterdam", "uwv", "uwv-financieel", "auditor", "beheer"])
def test_the_werkbak_costs_the_same_queries_whatever_the_data(world, username):
    user = {
        u.username: u
        for u in (world.ggz_noord, world.gem_amsterdam, world.uwv, world.uwv_fin, world.auditor, world.beheer)
    }[username]
    client = _client(user)
    with CaptureQueriesContext(connection) as before:
        assert client.get("/").status_code == 200
    for _ in range(3):
        approved_traject(world, perceel="demo-gem-epa") if username == "gemeente-amsterdam" else approved_traject(world)
    with CaptureQueriesContext(connection) as after:
        assert client.get("/").status_code == 200
    assert len(after) == len(before), [q["sql"] for q in after.captured_queries]
    assert len(after) <= 25


def test_session_settings():
    assert settings.LOGIN_URL == "/inloggen"
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600


def test_provider_withdraws_an_application_only_after_confirming(world):
    from tests.trajecten.helpers import aanvraag
    from trajecten.models import Aanvraag

    filed = aanvraag(world)
    client = _client(world.ggz_noord)
    detail = client.get(f"/aanvragen/{filed['uuid']}/").content.decode()
    assert f"/aanvragen/{filed['uuid']}/intrekken/" in detail
    response = client.post(f"/aanvragen/{filed['uuid']}/intrekken/", {"toelichting": "Verhuisd"})
    assert response.status_code == 200 and "Vink aan dat u dit bevestigt" in response.content.decode()
    assert Aanvraag.objects.get(uuid=filed["uuid"]).status == "ingediend"
    response = client.post(f"/aanvragen/{filed['uuid']}/intrekken/", {"toelichting": "Verhuisd", "bevestigd": "on"})
    assert response.status_code == 302
    assert Aanvraag.objects.get(uuid=filed["uuid"]).status == "ingetrokken"
    # Not for the gemeente or another provider
    assert "/intrekken/" not in _client(world.uwv).get(f"/aanvragen/{filed['uuid']}/").content.decode()
    assert (
        _client(world.ggz_zuid).post(f"/aanvragen/{filed['uuid']}/intrekken/", {"bevestigd": "on"}).status_code == 404
    )
