"""Login through the organisation's identity provider, end to end: a real OpenID provider (the npm
package oidc-provider, tests/web/oidc_provider.mjs) on 127.0.0.1, Chromium from the IPS-loket login
page through the provider's login and consent pages back to the werkbak. The role and the
organisation come from the provider's claims; a user without a role claim is refused in Dutch.
The real clock runs: the provider signs its tokens with the current time."""

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from backoffice import roles
from backoffice.models import OidcKoppeling, User
from tests.conftest import World
from tests.web.screenshots import screenshot

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
PROVIDER = ROOT / "tests" / "web" / "oidc_provider.mjs"
SECRET = "test-only-client-secret-for-the-loopback-provider"


@pytest.fixture
def wereld(db):
    return World()


@pytest.fixture
def oidc(live_server, settings, wereld):
    """Start the provider (a free port on 127.0.0.1), configure IPS-loket for it, stop it after."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "oidc-provider").exists():
        pytest.fail("node of oidc-provider ontbreekt; installeer ze met 'npm ci' (scripts/test.sh).")
    accounts = {
        "jan": {
            "ips_rol": roles.AANBIEDER,
            "ips_organisatie": wereld.noord.agb_code,
            "given_name": "Jan",
            "family_name": "Jansen",
            "email": "jan@ggz-noord.example",
        },
        "fatima": {"ips_rol": roles.GEMEENTE, "ips_organisatie": "0363", "given_name": "Fatima", "amr": ["pwd", "otp"]},
        "zonderrol": {"ips_organisatie": wereld.noord.agb_code, "given_name": "Zonder"},
        "indringer": {"ips_rol": roles.BEHEERDER, "ips_organisatie": "uwv"},
    }
    client = {
        "client_id": "ips-loket",
        "client_secret": SECRET,
        "redirect_uri": f"{live_server.url}/inloggen/organisatie/terug",
    }
    env = {**os.environ, "OIDC_TEST_CLIENT": json.dumps(client), "OIDC_TEST_ACCOUNTS": json.dumps(accounts)}
    env["OIDC_TEST_LIFETIME"] = "240"
    proc = subprocess.Popen(
        [node, str(PROVIDER)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    # a thread reads the provider's output (a pipe that nobody drains would block it)
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    issuer, output, deadline = None, [], time.monotonic() + 30
    try:
        while issuer is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            output.append(line)
            if line.startswith("READY "):
                issuer = line.split()[1]
        if issuer is None:
            pytest.fail("de OpenID provider startte niet:\n" + "".join(output))
        settings.OIDC_RP_CLIENT_ID = client["client_id"]
        settings.OIDC_RP_CLIENT_SECRET = SECRET
        settings.OIDC_OP_DISCOVERY_URL = f"{issuer}/.well-known/openid-configuration"
        settings.OIDC_RP_SCOPES = "openid email profile ips"
        yield issuer
    finally:
        proc.stdin.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _via_provider(page, live_server, login: str):
    page.goto(f"{live_server.url}/inloggen")
    page.get_by_role("link", name="Inloggen met uw organisatie").click()
    page.wait_for_url(lambda url: "/interaction/" in url)  # the provider's own login page
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("wat-dan-ook")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()  # the provider's consent page
    page.wait_for_url(lambda url: url.startswith(live_server.url) and "/inloggen/organisatie/terug" not in url)


def _context(browser):
    context = browser.new_context(
        locale="nl-NL", timezone_id="Europe/Amsterdam", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    return context


def test_role_and_organisation_come_from_the_providers_claims(oidc, browser, live_server, wereld, assert_accessible):
    context = _context(browser)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/inloggen")
        assert_accessible(page)  # the login page with the organisation button
        screenshot(page, "inloggen-organisatie")
        _via_provider(page, live_server, "jan")
        assert page.url == f"{live_server.url}/"
        assert page.locator(".kop__naam").inner_text() == "Jan Jansen"
        assert page.locator(".kop__rol").inner_text() == "Aanbieder medewerker · GGZ Noord"
        assert page.get_by_role("heading", level=1).count() == 1
    finally:
        context.close()
    koppeling = OidcKoppeling.objects.select_related("user__medewerker").get(sub="jan")
    assert koppeling.issuer == oidc
    user = koppeling.user
    assert set(user.groups.values_list("name", flat=True)) == {roles.AANBIEDER}
    assert user.medewerker.aanbieder == wereld.noord
    assert user.email == "jan@ggz-noord.example" and not user.has_usable_password()


def test_a_user_without_a_role_claim_is_refused_in_dutch(oidc, browser, live_server, assert_accessible):
    for login, code, text in (
        ("zonderrol", "oidc-rol-ontbreekt", "Uw organisatie heeft geen rol voor IPS-loket doorgegeven"),
        ("indringer", "oidc-rol-onbekend", "kan niet via uw organisatie worden gegeven"),  # never the beheerder
    ):
        context = _context(browser)  # a fresh browser: the provider remembers who logged in
        try:
            page = context.new_page()
            _via_provider(page, live_server, login)
            assert page.url.startswith(f"{live_server.url}/inloggen")
            melding = page.locator(".melding--error").inner_text()
            assert text in melding and f"(code: {code})" in melding
            assert page.get_by_label("Gebruikersnaam").is_visible()  # still on the login page
            assert_accessible(page)
        finally:
            context.close()
    assert not User.objects.filter(username__startswith="oidc-").exists()
    assert not OidcKoppeling.objects.exists()


def test_two_factor_after_the_provider_unless_it_did_its_own(oidc, browser, live_server, settings):
    settings.IPS_2FA_VERPLICHT_ROLLEN = "alle"
    # the provider logged Jan in with a password only: IPS-loket asks for its own second factor
    context = _context(browser)
    try:
        page = context.new_page()
        _via_provider(page, live_server, "jan")
        assert page.url.startswith(f"{live_server.url}/inloggen/instellen")
        page.goto(f"{live_server.url}/trajecten/")
        assert page.url.startswith(f"{live_server.url}/inloggen/instellen")  # nothing else until it is done
    finally:
        context.close()
    # Fatima's provider reports a one-time code (amr "otp"): that counts as the second factor
    context = _context(browser)
    try:
        page = context.new_page()
        _via_provider(page, live_server, "fatima")
        assert page.url == f"{live_server.url}/"
        assert page.locator(".kop__rol").inner_text() == "Gemeente medewerker · Gemeente Amsterdam"
    finally:
        context.close()
    assert not TOTPDevice.objects.filter(user__oidc_koppeling__sub="fatima").exists()
