"""Two-factor login in Chromium, with the production requirement: the password leads to the set-up
page (QR code, the secret as text), the first code from the app (computed here from the secret on
the page, with the real clock) confirms it, the recovery codes are shown once; the next login asks
for the code, and a recovery code works in its place. Every page passes axe and the CSP."""

import base64
import re

import pytest
from django_otp.oath import totp

from tests.conftest import World
from tests.web.conftest import PASSWORD
from tests.web.screenshots import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _code(secret: str, drift: int = 0) -> str:
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, drift=drift):06d}"


def _password(page, live_server, username: str):
    page.goto(f"{live_server.url}/inloggen")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def test_set_up_then_log_in_with_the_app_and_with_a_recovery_code(browser, live_server, settings, assert_accessible):
    settings.IPS_2FA_VERPLICHT_ROLLEN = "alle"
    World()
    context = browser.new_context(
        locale="nl-NL", timezone_id="Europe/Amsterdam", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    violations = []
    try:
        page = context.new_page()
        page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
        _password(page, live_server, "ggz-noord")
        page.wait_for_url(lambda url: "/inloggen/instellen" in url)
        assert page.get_by_role("heading", level=1).inner_text() == "Tweestapsverificatie instellen"
        assert page.locator("figure.qr svg").is_visible()
        assert page.get_by_role("navigation", name="Hoofdmenu").count() == 0
        assert_accessible(page)
        screenshot(page, "tweestaps-instellen")
        secret = page.locator("#geheim").inner_text()
        assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", secret)

        page.get_by_label("Code uit de app").fill("000000" if _code(secret) != "000000" else "111111")
        page.get_by_role("button", name="Code controleren").click()
        assert "Deze code klopt niet" in page.locator(".veldfout").inner_text()
        assert_accessible(page)
        page.wait_for_timeout(1100)  # a wrong code costs a second
        page.get_by_label("Code uit de app").fill(_code(secret))
        page.get_by_role("button", name="Code controleren").click()

        page.wait_for_url(lambda url: "/inloggen/herstelcodes" in url)
        codes = page.locator("ol.herstelcodes code").all_inner_texts()
        assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", c) for c in codes)
        assert page.get_by_role("link", name="Codes downloaden (.txt)").get_attribute("download") == (
            "ips-loket-herstelcodes.txt"
        )
        assert_accessible(page)
        screenshot(page, "tweestaps-herstelcodes")
        page.get_by_role("link", name="Ik heb de codes bewaard, ga verder").click()
        page.wait_for_url(f"{live_server.url}/")
        assert page.get_by_role("navigation", name="Hoofdmenu").is_visible()

        page.get_by_role("button", name="Uitloggen").click()
        _password(page, live_server, "ggz-noord")
        page.wait_for_url(lambda url: "/inloggen/code" in url)
        assert page.get_by_role("heading", level=1).inner_text() == "Voer de code uit uw authenticator-app in"
        assert_accessible(page)
        screenshot(page, "tweestaps-code")
        page.get_by_label("Code").fill(_code(secret, drift=1))  # the next 30 seconds' code: a new one
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url(f"{live_server.url}/")

        page.goto(f"{live_server.url}/tweestapsverificatie/")
        assert page.locator(".gegevens").inner_text().endswith("Herstelcodes over\n10")
        assert_accessible(page)
        screenshot(page, "tweestaps-beheer")

        page.get_by_role("button", name="Uitloggen").click()
        _password(page, live_server, "ggz-noord")
        page.wait_for_url(lambda url: "/inloggen/code" in url)
        page.get_by_label("Code").fill(codes[0])
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url(f"{live_server.url}/")
        assert "u hebt er nog 9" in page.locator(".meldingen").inner_text()
    finally:
        context.close()
    assert not violations, violations
