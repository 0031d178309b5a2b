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
            assert page.evaluate("() => getComputedStyle(document.body).margin !== ''")
        assert not page.ips_csp_violations, page.ips_csp_violations


def test_admin_and_swagger_load_without_csp_refusals(world, live_server, page_as):
    world.beheer.is_staff = True
    world.beheer.save(update_fields=["is_staff"])
    page = page_as("beheer")
    assert page.goto(f"{live_server.url}/admin/").status == 200
    assert page.goto(f"{live_server.url}/admin/backoffice/bsnraadpleging/").status in (200, 403)
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
