"""Login throttling for both doors (docs/security.md): the token login (POST /api/v1/auth/token)
and the web login (/inloggen) count attempts per client address in the shared cache and answer
429 over the rate, also for the right password. The client address cannot be chosen by the client:
an ``X-Forwarded-For`` header is only believed for the number of proxies in ``IPS_NUM_PROXIES``
(0 unless set), so a new made-up address per attempt does not reset the count."""

import itertools

import pytest
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
RATE = 3
_addresses = (f"10.77.{i // 250}.{i % 250}" for i in itertools.count(1))


@pytest.fixture(autouse=True)
def low_rate(settings, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"login": f"{RATE}/minute"}}
    # DRF copies the rates onto the class when it is first imported; the web form reads the setting
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"login": f"{RATE}/minute"})


def _token(client, password="fout", **extra):
    return client.post("/api/v1/auth/token", {"username": "ggz-noord", "password": password}, format="json", **extra)


def _web(client, password="fout", **extra):
    return client.post("/inloggen", {"username": "ggz-noord", "password": password}, **extra)


@pytest.mark.parametrize("door", ["token", "web"])
def test_over_the_rate_is_429_even_with_the_right_password(world, door):
    addr = next(_addresses)
    client = APIClient(REMOTE_ADDR=addr) if door == "token" else Client(REMOTE_ADDR=addr)
    attempt = _token if door == "token" else _web
    for _ in range(RATE):
        assert attempt(client).status_code in (400, 200)  # wrong password: refused, not throttled
    response = attempt(client, password="geheim-wachtwoord")
    assert response.status_code == 429
    if door == "token":
        assert response.json()["code"] == "te-veel-verzoeken" and int(response["Retry-After"]) > 0
    else:
        assert "Te veel inlogpogingen" in response.content.decode()
    # another address is not affected
    other = APIClient(REMOTE_ADDR=next(_addresses)) if door == "token" else Client(REMOTE_ADDR=next(_addresses))
    assert attempt(other, password="geheim-wachtwoord").status_code in (200, 302)


@pytest.mark.parametrize("door", ["token", "web"])
def test_a_made_up_forwarded_for_does_not_reset_the_count(world, door):
    addr = next(_addresses)
    client = APIClient(REMOTE_ADDR=addr) if door == "token" else Client(REMOTE_ADDR=addr)
    attempt = _token if door == "token" else _web
    statuses = [attempt(client, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}").status_code for i in range(RATE + 2)]
    assert statuses[-1] == 429, statuses


def test_behind_one_proxy_the_address_the_proxy_saw_counts(world, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = APIClient(REMOTE_ADDR="10.0.0.1")  # every request arrives from the proxy
    for _ in range(RATE):
        _token(proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert _token(proxy, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    # a spoofed first entry does not help: the proxy appends the real address last
    assert _token(proxy, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9").status_code == 429
    # another client behind the same proxy is not throttled
    assert _token(proxy, password="geheim-wachtwoord", HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 200


def test_the_web_login_behind_one_proxy_counts_the_address_the_proxy_saw(world, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(RATE):
        _web(proxy, HTTP_X_FORWARDED_FOR="203.0.113.19")
    assert _web(proxy, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.19").status_code == 429
    assert _web(proxy, password="geheim-wachtwoord", HTTP_X_FORWARDED_FOR="203.0.113.20").status_code == 302


def test_the_login_never_redirects_to_another_site(world):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = Client(REMOTE_ADDR=next(_addresses)).post(
            f"/inloggen?next={target}", {"username": "ggz-noord", "password": "geheim-wachtwoord"}
        )
        assert response.status_code == 302
        assert response["Location"] == "/", (target, response["Location"])


def test_the_browsable_apis_login_is_throttled_too(world):
    """/api-auth/login/ (the session login of the browsable API) is a third door: same count."""
    client = Client(REMOTE_ADDR=next(_addresses))
    for _ in range(RATE):
        assert client.post("/api-auth/login/", {"username": "ggz-noord", "password": "fout"}).status_code == 200
    response = client.post("/api-auth/login/", {"username": "ggz-noord", "password": "geheim-wachtwoord"})
    assert response.status_code == 429
    # and it still logs in when not throttled, back to the API
    ok = Client(REMOTE_ADDR=next(_addresses)).post(
        "/api-auth/login/?next=/api/v1/trajecten", {"username": "ggz-noord", "password": "geheim-wachtwoord"}
    )
    assert ok.status_code == 302 and ok["Location"] == "/api/v1/trajecten"


def test_the_admins_login_is_throttled_too(world):
    """/admin/login/ is a fourth door: same count, 429 over the rate even for a staff account."""
    world.beheer.is_staff = True
    world.beheer.save(update_fields=["is_staff"])
    client = Client(REMOTE_ADDR=next(_addresses))
    for _ in range(RATE):
        assert client.post("/admin/login/", {"username": "beheer", "password": "fout"}).status_code == 200
    response = client.post("/admin/login/", {"username": "beheer", "password": "geheim-wachtwoord"})
    assert response.status_code == 429
    assert "Te veel inlogpogingen" in response.content.decode()
    ok = Client(REMOTE_ADDR=next(_addresses)).post(
        "/admin/login/?next=/admin/", {"username": "beheer", "password": "geheim-wachtwoord"}
    )
    assert ok.status_code == 302 and ok["Location"] == "/admin/"
