"""Error pages in Dutch: 404 and 403 on the web pages, and an outage that no view handles (the
database or Redis away while a middleware or the login throttle reaches for it) as a 503 with
Retry-After: a Dutch page for the web, problem+json for the API. The failures are injected at the
point where the real component is called; tests/reliability cuts the real connections."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    from backoffice import roles

    c = Client(raise_request_exception=False)
    c.force_login(make_user(roles.AANBIEDER))
    return c


def test_unknown_page_is_a_dutch_404(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_a_page_for_another_role_is_a_dutch_403(client):
    response = client.get("/betaalopdrachten/")
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()


def test_database_away_during_a_page_is_a_dutch_503(client):
    with mock.patch("backoffice.werkbak.voor", side_effect=OperationalError("server closed the connection")):
        response = client.get("/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    html = response.content.decode()
    assert "Tijdelijk niet beschikbaar" in html and "Er is niets opgeslagen" in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_redis_away_at_the_web_login_is_a_dutch_503_not_a_500():
    c = Client(raise_request_exception=False)
    with mock.patch("backoffice.views.login_throttled", side_effect=RedisConnectionError("Connection refused")):
        response = c.post("/inloggen", {"username": "x", "password": "y"})
    assert response.status_code == 503
    assert "Tijdelijk niet beschikbaar" in response.content.decode()


def test_an_unexpected_error_is_a_dutch_500(client):
    with mock.patch("backoffice.werkbak.voor", side_effect=RuntimeError("kapot")):
        response = client.get("/")
    assert response.status_code == 500 and "Retry-After" not in response
    assert "Er ging iets mis" in response.content.decode()


def test_an_outage_outside_a_view_in_the_api_is_problem_json():
    c = Client(raise_request_exception=False)
    # The API-Version middleware runs around every API request; an outage there is no view's.
    with mock.patch("backoffice.rest.ApiVersionMiddleware.__call__", side_effect=OperationalError("weg")):
        response = c.get("/api/v1/regelingen")
    assert response.status_code == 503 and response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "database-onbereikbaar"


# --- the same pages with DEBUG on (the default of ``make run``) -------------------------------


@pytest.mark.parametrize("debug", [False, True])
def test_unknown_pages_are_dutch_in_every_mode(settings, client, debug):
    settings.DEBUG = debug
    page = client.get("/bestaat-niet/")
    html = page.content.decode()
    assert page.status_code == 404 and "Pagina niet gevonden" in html
    assert "URLconf" not in html and "Page not found" not in html and "api/v1" not in html
    api = client.get("/api/v1/bestaat-niet")
    assert api.status_code == 404 and api["Content-Type"] == "application/problem+json"
    assert api.json()["code"] == "niet-gevonden"
    forbidden = client.get("/betaalopdrachten/")
    assert forbidden.status_code == 403 and "Geen toegang" in forbidden.content.decode()


def test_an_error_with_debug_on_is_the_dutch_500_not_a_traceback(settings, client):
    settings.DEBUG = True
    with mock.patch("backoffice.werkbak.voor", side_effect=RuntimeError("kapot")):
        response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 500 and "Er ging iets mis" in html
    assert "Traceback" not in html and "RuntimeError" not in html


def test_a_stale_form_is_a_dutch_403():
    c = Client(enforce_csrf_checks=True)
    response = c.post("/inloggen", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Formulier verlopen" in response.content.decode()


def test_a_suspicious_request_with_debug_on_is_the_dutch_400(settings, client, world):
    """Too many form fields (TooManyFieldsSent, raised before the view) with DEBUG: the Dutch 400
    page, not Django's English technical page; a form's own 400 stays as it is."""
    settings.DEBUG = True
    client.force_login(world.beheer)
    response = client.post("/beheer/instellingen/", {f"f{i}": "x" for i in range(1200)})
    html = response.content.decode()
    assert response.status_code == 400 and 'lang="nl"' in html and "TooManyFieldsSent" not in html
    eigen = client.post("/beheer/instellingen/", {"aow_leeftijd": "x"})
    assert eigen.status_code == 400 and "De instellingen zijn opgeslagen" not in eigen.content.decode()
    assert "Instellingen" in eigen.content.decode()
