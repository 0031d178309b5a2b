"""Two-factor login (backoffice/tweestaps.py, docs/security.md "Tweestapsverificatie"): with the
production setting every account logs in with a code from an authenticator app, or a recovery code
that works once; without it the account reaches no page, no admin and no API through its session.
Token login (for systems) stays password-only. Every clock is frozen."""

import datetime
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
NU = datetime.datetime(2026, 3, 2, 9, 0, 0, tzinfo=datetime.UTC)
ALLE = {"IPS_2FA_VERPLICHT_ROLLEN": "alle"}  # what production has by default


@pytest.fixture
def productie(settings):
    settings.IPS_2FA_VERPLICHT_ROLLEN = "alle"
    return settings


@pytest.fixture
def klok():
    with time_machine.travel(NU, tick=False) as traveller:
        yield traveller


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def inloggen(username: str) -> Client:
    client = Client()
    response = client.post("/inloggen", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def app_voor(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator-app", confirmed=True)


def herstelcodes_voor(user, *codes: str) -> StaticDevice:
    device = StaticDevice.objects.create(user=user, name="Herstelcodes")
    for c in codes:
        StaticToken.objects.create(device=device, token=c)
    return device


def test_production_requires_a_second_factor_by_default_and_development_not():
    """The defaults themselves: DJANGO_ENV=production means every role, development none."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IPS_2FA", "DJANGO_"))}
    prod = {
        **env,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "BSN_ENCRYPTION_KEYS": "fmoLQtZbdvB6Bu5E5ZJ6dJ8lB6HlJgq1v3X7Vx1ylRg=",
        "BSN_HASH_KEY": "y" * 40,
    }
    script = "from django.conf import settings; print(settings.IPS_2FA_VERPLICHT_ROLLEN)"
    run = [sys.executable, "-c", "import django, os; django.setup(); " + script]
    for extra, expected in ((prod, "alle"), ({**env, "DJANGO_ENV": "development"}, "geen")):
        extra = {**extra, "DJANGO_SETTINGS_MODULE": "backoffice.settings"}
        out = subprocess.run(run, env=extra, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
        assert out.stdout.strip() == expected, out.stderr


def test_without_an_app_the_password_leads_only_to_the_set_up_page(world, productie, klok):
    client = inloggen("ggz-noord")
    start = client.get("/")
    assert start.status_code == 302 and start["Location"] == "/inloggen/instellen?next=%2F"
    for path in ("/trajecten/", "/aanvragen/nieuw/", "/berichten/", "/tweestapsverificatie/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/inloggen/instellen"), path
    # the API does not take this session as a login either (tokens are another matter, below)
    assert client.get("/api/v1/trajecten", HTTP_ACCEPT="application/json").status_code == 401
    page = client.get(start["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Tweestapsverificatie instellen</h1>" in html
    assert "<svg" in html and "QR-code voor IPS-loket" in html  # the QR code, inline
    device = TOTPDevice.objects.get(user=world.ggz_noord)
    assert not device.confirmed
    geheim = re.search(r'<code class="geheim" id="geheim">([A-Z2-7 ]+)</code>', html).group(1)
    assert geheim.replace(" ", "") == __import__("base64").b32encode(device.bin_key).decode().rstrip("=")
    assert 'class="menu"' not in html  # no menu before the second factor
    assert client.get("/inloggen/instellen").content.decode().count(geheim) == 1  # a reload: the same secret


def test_setting_up_the_app_confirms_the_first_code_and_shows_ten_recovery_codes_once(world, productie, klok):
    client = inloggen("ggz-noord")
    client.get("/inloggen/instellen?next=/trajecten/")
    device = TOTPDevice.objects.get(user=world.ggz_noord)
    wrong = client.post("/inloggen/instellen", {"code": "000000" if code(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "Deze code klopt niet" in wrong.content.decode() and "tweestaps-code-onjuist" in wrong.content.decode()
    assert client.get("/").status_code == 302
    too_soon = client.post("/inloggen/instellen", {"code": code(device)})  # a wrong code costs a delay
    assert too_soon.status_code == 429 and "tweestaps-te-veel-pogingen" in too_soon.content.decode()

    klok.shift(datetime.timedelta(seconds=2))
    done = client.post("/inloggen/instellen", {"code": code(device), "next": "/trajecten/"})
    assert done.status_code == 302 and done["Location"] == "/inloggen/herstelcodes?next=%2Ftrajecten%2F"
    device.refresh_from_db()
    assert device.confirmed
    shown = client.get(done["Location"])
    html = shown.content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", html)
    stored = set(StaticToken.objects.filter(device__user=world.ggz_noord).values_list("token", flat=True))
    assert len(codes) == 10 and set(codes) == stored
    assert "maar één keer" in html and 'download="ips-loket-herstelcodes.txt"' in html
    assert 'href="/trajecten/"' in html
    again = client.get("/inloggen/herstelcodes")
    assert again.status_code == 302 and again["Location"] == "/tweestapsverificatie/"
    assert client.get("/trajecten/").status_code == 200  # verified: the pages open


def test_with_an_app_the_password_is_followed_by_the_code_step(world, productie, klok):
    device = app_voor(world.uwv)
    client = inloggen("uwv")
    response = client.get("/trajecten/")
    assert response.status_code == 302 and response["Location"] == "/inloggen/code?next=%2Ftrajecten%2F"
    page = client.get(response["Location"])
    assert "Voer de code uit uw authenticator-app in" in page.content.decode()

    wrong = client.post("/inloggen/code", {"code": "12345a", "next": "/trajecten/"})
    assert wrong.status_code == 200 and "tweestaps-code-onjuist" in wrong.content.decode()
    assert client.get("/trajecten/").status_code == 302

    klok.shift(datetime.timedelta(seconds=31))  # the wrong code's throttle delay (1 s) has passed
    ok = client.post("/inloggen/code", {"code": code(device), "next": "/trajecten/"})
    assert ok.status_code == 302 and ok["Location"] == "/trajecten/"
    assert client.get("/trajecten/").status_code == 200
    assert client.get("/api/v1/trajecten", HTTP_ACCEPT="application/json").status_code == 200


def test_the_same_app_code_does_not_work_twice(world, productie, klok):
    device = app_voor(world.uwv)
    first = inloggen("uwv")
    the_code = code(device)
    assert first.post("/inloggen/code", {"code": the_code})["Location"] == "/"
    second = inloggen("uwv")
    replay = second.post("/inloggen/code", {"code": the_code})
    assert replay.status_code == 200 and "tweestaps-code-onjuist" in replay.content.decode()


def test_a_recovery_code_works_once(world, productie, klok):
    app_voor(world.ggz_noord)
    herstelcodes_voor(world.ggz_noord, "abcd2345", "efgh6789")
    client = inloggen("ggz-noord")
    ok = client.post("/inloggen/code", {"code": "ABCD 2345"}, follow=True)  # spaces and capitals are fine
    assert ok.redirect_chain[0] == ("/", 302)
    assert "U hebt een herstelcode gebruikt; u hebt er nog 1." in ok.content.decode()
    assert list(StaticToken.objects.filter(device__user=world.ggz_noord).values_list("token", flat=True)) == [
        "efgh6789"
    ]

    again = inloggen("ggz-noord")
    klok.shift(datetime.timedelta(seconds=5))
    refused = again.post("/inloggen/code", {"code": "abcd2345"})
    assert refused.status_code == 200 and "tweestaps-code-onjuist" in refused.content.decode()
    assert again.get("/").status_code == 302


def test_many_wrong_codes_are_throttled_per_device(world, productie, klok):
    device = app_voor(world.uwv)
    client = inloggen("uwv")
    client.post("/inloggen/code", {"code": "000001"})
    throttled = client.post("/inloggen/code", {"code": code(device)})  # even the right code, within the delay
    assert throttled.status_code == 429
    assert "tweestaps-te-veel-pogingen" in throttled.content.decode()
    klok.shift(datetime.timedelta(seconds=2))
    assert client.post("/inloggen/code", {"code": code(device)})["Location"] == "/"


def test_the_admin_requires_the_verified_session(world, productie, klok):
    call_command("load_reference_data", stdout=StringIO())
    world.beheer.is_staff = True
    world.beheer.save(update_fields=["is_staff"])
    device = app_voor(world.beheer)
    client = Client()
    # the admin's own login form takes the password ...
    login = client.post("/admin/login/?next=/admin/", {"username": "beheer", "password": PASSWORD})
    assert login.status_code == 302
    # ... but the admin itself asks for the code first
    for path in ("/admin/", "/admin/backoffice/user/", reverse("admin:otp_totp_totpdevice_changelist")):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/inloggen/code?next="), path
    assert client.post("/inloggen/code", {"code": code(device), "next": "/admin/"})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_beheerder_removes_a_lost_app_in_the_admin_without_seeing_its_key(world, productie, klok):
    call_command("load_reference_data", stdout=StringIO())
    world.beheer.is_staff = True
    world.beheer.save(update_fields=["is_staff"])
    beheer_app = app_voor(world.beheer)
    lost = app_voor(world.ggz_noord)
    client = inloggen("beheer")
    client.post("/inloggen/code", {"code": code(beheer_app)})
    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=(lost.pk,)))
    assert change.status_code == 200
    assert lost.key not in change.content.decode()
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    deleted = client.post(reverse("admin:otp_totp_totpdevice_delete", args=(lost.pk,)), {"post": "yes"})
    assert deleted.status_code == 302
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()
    # the user sets up a new app at the next login
    assert inloggen("ggz-noord").get("/")["Location"].startswith("/inloggen/instellen")


def test_replacing_the_app_keeps_the_old_one_until_the_new_one_works(world, productie, klok):
    old = app_voor(world.ggz_noord)
    client = inloggen("ggz-noord")
    client.post("/inloggen/code", {"code": code(old)})
    page = client.get("/tweestapsverificatie/")
    assert "Nieuwe app koppelen" in page.content.decode()
    replace = client.get("/inloggen/instellen?next=/tweestapsverificatie/")
    assert "Uw huidige app blijft werken" in replace.content.decode()
    new = TOTPDevice.objects.get(user=world.ggz_noord, confirmed=False)
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()
    klok.shift(datetime.timedelta(seconds=30))
    done = client.post("/inloggen/instellen", {"code": code(new), "next": "/tweestapsverificatie/"})
    assert done["Location"] == "/inloggen/herstelcodes?next=%2Ftweestapsverificatie%2F"
    assert list(TOTPDevice.objects.filter(user=world.ggz_noord).values_list("pk", flat=True)) == [new.pk]
    assert client.get("/").status_code == 200  # still verified, now by the new app


def test_new_recovery_codes_replace_the_old_ones(world, productie, klok):
    device = app_voor(world.ggz_noord)
    herstelcodes_voor(world.ggz_noord, "oude1234")
    client = inloggen("ggz-noord")
    client.post("/inloggen/code", {"code": code(device)})
    response = client.post("/tweestapsverificatie/herstelcodes")
    assert response["Location"] == "/inloggen/herstelcodes?next=/tweestapsverificatie/"
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", client.get(response["Location"]).content.decode())
    assert len(codes) == 10 and "oude1234" not in codes
    assert not StaticToken.objects.filter(token="oude1234").exists()


def test_the_requirement_is_per_role(world, settings, klok):
    settings.IPS_2FA_VERPLICHT_ROLLEN = "uwv_financieel,beheerder"
    assert inloggen("uwv-financieel").get("/")["Location"].startswith("/inloggen/instellen")
    assert inloggen("beheer").get("/")["Location"].startswith("/inloggen/instellen")
    assert inloggen("ggz-noord").get("/").status_code == 200
    assert inloggen("uwv").get("/").status_code == 200


def test_in_development_no_second_factor_unless_the_user_set_one_up(world, settings, klok):
    settings.IPS_2FA_VERPLICHT_ROLLEN = "geen"
    assert inloggen("ggz-noord").get("/").status_code == 200
    app_voor(world.uwv)  # set up voluntarily: then it is used
    assert inloggen("uwv").get("/")["Location"].startswith("/inloggen/code")


def test_token_login_for_systems_stays_password_only(world, productie, klok):
    app_voor(world.uwv)
    response = Client().post("/api/v1/auth/token", {"username": "uwv", "password": PASSWORD})
    assert response.status_code == 200 and response.json()["token"]


def test_the_code_step_without_a_login_sends_to_the_login_page(db):
    for path in ("/inloggen/code", "/inloggen/instellen", "/inloggen/herstelcodes"):
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"].startswith("/inloggen?next="), path
