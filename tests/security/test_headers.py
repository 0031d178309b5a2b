"""Security headers on every response (docs/security.md): a Content-Security-Policy without inline
script or style and with frame-ancestors 'none', X-Frame-Options DENY, a Referrer-Policy, nosniff,
Cache-Control no-store on everything that may carry personal data; HSTS and the rest of
``check --deploy`` with the production settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _web(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _csp(response) -> dict[str, list[str]]:
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        policy[name] = values
    return policy


def _assert_common(response, where):
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"], where
    assert csp["frame-ancestors"] == ["'none'"], where
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"], where
    assert csp["form-action"] == ["'self'"], where
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"], where
    assert response["X-Frame-Options"] == "DENY", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["X-Content-Type-Options"] == "nosniff", where


def _assert_no_store(response, where):
    assert "no-store" in response["Cache-Control"], where
    assert "private" in response["Cache-Control"], where


def test_pages_and_api_answers_carry_the_headers(world):
    for where, response in (
        ("inloggen", _web().get("/inloggen")),
        ("start", _web(world.ggz_noord).get("/")),
        ("trajecten-pagina", _web(world.ggz_noord).get("/trajecten/")),
        ("zoeken", _web(world.gem_amsterdam).get("/deelnemers/zoeken/")),
        ("dashboard", _web(world.uwv_fin).get("/dashboard/")),
        ("api-lijst", world.client(world.ggz_noord).get("/api/v1/trajecten")),
        ("api-404", world.client(world.ggz_noord).get("/api/v1/trajecten/00000000-0000-4000-8000-000000000000")),
        ("api-401", world.client(None).get("/api/v1/aanvragen")),
        ("api-zoek", world.client(world.uwv).post("/api/v1/deelnemers/_zoek", {"bsn": "123456782"}, format="json")),
        ("export", _web(world.uwv_fin).get("/vorderingen/overzicht.csv")),
    ):
        assert response.status_code < 500, where
        _assert_common(response, where)
        _assert_no_store(response, where)
        csp = _csp(response)
        # our own pages: no inline style either (a nonce only, should one ever be needed)
        assert "'unsafe-inline'" not in csp["style-src"], where


def test_third_party_pages_may_have_inline_style_but_never_inline_script(world):
    world.beheer.is_staff = True
    world.beheer.save(update_fields=["is_staff"])
    for where, response in (
        ("admin", _web(world.beheer).get("/admin/")),
        ("swagger", _web().get("/api/v1/docs")),
        ("browsable-api", _web(world.uwv).get("/api/v1/regelingen", HTTP_ACCEPT="text/html")),
    ):
        assert response.status_code == 200, where
        _assert_common(response, where)
        assert "'unsafe-inline'" in _csp(response)["style-src"], where
    swagger = _web().get("/api/v1/docs").content.decode()
    assert "<script>" not in swagger  # the split view loads its script from a URL


def test_a_nonce_is_available_to_templates(rf):
    from django.middleware.csp import ContentSecurityPolicyMiddleware
    from django.template import engines

    request = rf.get("/")
    ContentSecurityPolicyMiddleware(lambda r: None).process_request(request)
    html = engines["django"].from_string('<script nonce="{{ csp_nonce }}"></script>').render({}, request)
    assert f'nonce="{request._csp_nonce}"' in html and len(str(request._csp_nonce)) >= 16


PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "x" * 20 + "-production-test-secret-key-that-is-long-enough-and-random-9f3k2",
    "BSN_ENCRYPTION_KEYS": "ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg=",
    "BSN_HASH_KEY": "hash-key-for-the-production-settings-test",
    "DJANGO_ALLOWED_HOSTS": "ips-loket.example",
}


def _production(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **PRODUCTION_ENV}
    env.pop("DJANGO_DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' conftest, never in production
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_check_deploy_is_clean_with_the_production_settings():
    result = _production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_sends_hsts_and_redirects_to_https():
    script = """
import json, django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
django.setup()
from django.conf import settings
from django.test import Client
# no collectstatic here: the manifest storage of production would refuse the missing manifest
settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
plain = Client().get("/inloggen", HTTP_HOST="ips-loket.example")
secure = Client().get("/inloggen", HTTP_HOST="ips-loket.example", secure=True)
print(json.dumps({"plain": [plain.status_code, plain.get("Location", "")],
                  "secure": [secure.status_code, dict(secure.headers)],
                  "cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE]}))
"""
    result = _production("-c", script)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["plain"] == [301, "https://ips-loket.example/inloggen"]
    status, headers = out["secure"]
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert out["cookies"] == [True, True]
