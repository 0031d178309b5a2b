"""The Content-Security-Policy in a real browser: the pages of every role, the dashboard with its
SVG charts, the admin and Swagger UI load without a single CSP refusal (the ``page_as`` fixture
fails a test on any), and an injected inline script really is refused (so the check can fail)."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    "ggz-noord": ["/", "/aanvragen/", "/aanvragen/nieuw/", "/trajecten/", "/signalen/", "/declaraties/nieuw/"],
    "gemeente-amsterdam": ["/", "/aanvragen/", "/deelnemers/zoeken/", "/vorderingen/", "/budgetten/", "/dashboard/"],
    "uwv-financieel": ["/", "/betaalopdrachten/", "/vorderingen/overzicht/", "/dashboard/"],
}


def test_the_pages_load_without_csp_refusals(world, live_server, page_as):
    for username, paths in PAGES.items():
        page = page_as(username)
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, (username, path)
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            # the site's stylesheet applied (the browser's own body margin is 8px, ips.css sets 0)
            assert page.evaluate("() => getComputedStyle(document.body).margin") == "0px", (username, path)
            assert page.evaluate("() => getComputedStyle(document.body).color") == "rgb(26, 26, 26)"
        assert not page.ips_csp_violations, page.ips_csp_violations


def test_admin_and_swagger_load_without_csp_refusals(world, live_server, page_as):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_reference_data", stdout=StringIO())  # the beheerder role's admin rights
    world.beheer.is_staff = True
    world.beheer.save(update_fields=["is_staff"])
    page = page_as("beheer")
    assert page.goto(f"{live_server.url}/admin/").status == 200
    # a list page of the admin with its filters and date hierarchy (the beheerder may read it)
    assert page.goto(f"{live_server.url}/admin/backoffice/bsnraadpleging/").status == 200
    page.wait_for_selector("#changelist")
    assert page.goto(f"{live_server.url}/api/v1/docs").status == 200
    page.wait_for_selector(".swagger-ui .info", timeout=10_000)  # the script ran: Swagger UI rendered
    assert not page.ips_csp_violations, page.ips_csp_violations


def test_an_injected_inline_script_is_refused(world, live_server, page_as):
    page = page_as("ggz-noord")
    page.goto(f"{live_server.url}/trajecten/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ipsInjected = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ipsInjected") is None
    assert any("Content Security Policy" in v for v in page.ips_csp_violations), page.ips_csp_violations
    page.ips_csp_violations.clear()  # expected here; the fixture fails the test on any other


def test_the_browsable_api_logs_out_without_a_csp_refusal(world, live_server, browser):
    """Issue 9, finding 8: DRF's logout link submitted its form from an inline onclick, which the
    CSP refused; the browsable API's own menu now posts the form with a button."""
    from playwright.sync_api import expect

    from tests.web.conftest import PASSWORD, _is_csp

    context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam")
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        violations = []
        page.on("console", lambda msg: violations.append(msg.text) if _is_csp(msg.text) else None)
        page.goto(f"{live_server.url}/api-auth/login/?next=/api/v1/signalen")
        page.get_by_label("Gebruikersnaam").fill("ggz-noord")
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url(f"{live_server.url}/api/v1/signalen")
        expect(page.locator(".navbar")).to_contain_text("ggz-noord")
        assert page.request.get(f"{live_server.url}/api/v1/signalen").status == 200

        page.locator(".navbar .dropdown-toggle").click()
        page.get_by_role("button", name="Uitloggen").click()
        page.wait_for_url(lambda url: "/api/v1/signalen" in url)
        expect(page.locator(".navbar")).to_contain_text("Log in")
        expect(page.locator(".navbar")).not_to_contain_text("ggz-noord")
        expect(page.locator(".response-info")).to_contain_text("niet-ingelogd")
        assert page.request.get(f"{live_server.url}/api/v1/signalen").status == 401  # the session is gone
        page.goto(f"{live_server.url}/")
        assert "/inloggen" in page.url
        assert not violations, violations
    finally:
        context.close()
