"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's
live_server, and axe-core for the accessibility check.

- ``browser`` (session): one Chromium for the whole session, Debian's headless shell
  ``/usr/bin/chromium-headless-shell`` (or ``IPS_CHROMIUM``, e.g. ``/usr/bin/chromium``);
  Playwright never downloads a browser of its own.
- ``page_as(username, password=..., path=None, form=False)``: a fresh browser context, logged in
  with a session made server-side (``session_cookie``: no login page, no redirect, no werkbak) or,
  with ``form=True``, through the real login page (``/inloggen``, which lands on the werkbak);
  opens ``path`` when given (the context's ``base_url`` is the live server); returns the page.
  Closed after the test.
- ``assert_accessible(page)``: injects ``node_modules/axe-core/axe.min.js`` and fails on any
  violation with impact serious or critical, listing them readably.

Tests that use ``live_server`` must mark ``pytest.mark.django_db(transaction=True)``: the server
runs in another thread and sees only committed data. The ``world`` fixture from tests/conftest.py
then builds a world of the test's own, committed (the shared world of docs/testing.md is only for
tests in a transaction); or build ``World()`` directly.
Install the tools with ``bash scripts/test.sh`` (chromium from apt, axe-core with ``npm ci``).
"""

import json
import os
from pathlib import Path

import pytest

from backoffice.opmaak import verkeerde_bedragen

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told that this is fine (it is: the loop is Playwright's, not ours).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("IPS_CHROMIUM", "/usr/bin/chromium-headless-shell")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
PASSWORD = "geheim-wachtwoord"  # tests/factories.py UserFactory


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium ontbreekt op {CHROMIUM}; installeer het met 'apt-get install chromium-headless-shell' (scripts/test.sh)."
        )
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page_as(browser, live_server):
    contexts = []

    def login(username: str, password: str = PASSWORD, *, viewport=None, path: str | None = None, form=False):
        context = browser.new_context(
            locale="nl-NL",
            timezone_id="Europe/Amsterdam",
            viewport=viewport or {"width": 1280, "height": 900},
            base_url=live_server.url,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        # every Content-Security-Policy refusal the browser reports fails the test (docs/security.md)
        page.ips_csp_violations = violations = []
        page.on("console", lambda msg: violations.append(f"{page.url}: {msg.text}") if _is_csp(msg.text) else None)
        if form:
            page.goto(f"{live_server.url}/inloggen")
            page.get_by_label("Gebruikersnaam").fill(username)
            page.get_by_label("Wachtwoord").fill(password)
            page.get_by_role("button", name="Inloggen").click()
            page.wait_for_url(lambda url: "/inloggen" not in url)
        else:
            context.add_cookies([session_cookie(live_server.url, username, password)])
        if path is not None:
            page.goto(f"{live_server.url}{path}")
        return page

    yield login
    reported = [v for context in contexts for p in context.pages for v in getattr(p, "ips_csp_violations", [])]
    for context in contexts:
        context.close()
    assert not reported, "CSP-schendingen:\n" + "\n".join(reported)


def session_cookie(url: str, username: str, password: str = PASSWORD) -> dict:
    """A logged-in session of ``username`` for a browser context (``context.add_cookies``), made
    server-side as the login page makes it (``django.contrib.auth.login``: the same session keys,
    the same ``user_logged_in`` receivers, e.g. the two-factor marks), without loading the login
    page, posting it and rendering the werkbak it redirects to. A fresh session (one row) each time:
    a transactional test empties the session table after it. The password is still checked."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.get(username=username)
    assert user.check_password(password) and user.is_active, f"{username} kan niet inloggen met dit wachtwoord"
    client = Client()
    client.force_login(user, backend="backoffice.gebruiker.SessieBackend")
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": url,
        "httpOnly": True,
        "sameSite": "Lax",
    }


def _is_csp(text: str) -> bool:
    return "Content Security Policy" in text or "Content-Security-Policy" in text


def _axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"axe-core ontbreekt ({AXE}); installeer het met 'npm ci' (scripts/test.sh).")
    return AXE.read_text()


@pytest.fixture(scope="session")
def axe_source():
    return _axe_source()


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(node['target']) if isinstance(node['target'], list) else node['target']}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


@pytest.fixture
def assert_accessible(axe_source):
    def check(page, *, impacts=("serious", "critical")):
        page.wait_for_load_state("load")  # a click's navigation may still be loading the new page
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            # through the DevTools protocol, not a <script> tag: the page's CSP refuses inline script
            page.evaluate(axe_source + "\n;true")
        assert not getattr(page, "ips_csp_violations", []), "CSP-schendingen:\n" + "\n".join(page.ips_csp_violations)
        # money as € 8.000,00 on every page a browser test visits (backoffice/opmaak.py)
        fout = verkeerde_bedragen(page.evaluate("() => document.body.innerText"))
        assert not fout, f"bedragen niet als € 8.000,00 op {page.url}: {fout}"
        result = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        )
        bad = [v for v in result["violations"] if v.get("impact") in impacts]
        assert not bad, f"axe op {page.url}:\n{format_violations(bad)}\n" + json.dumps([v["id"] for v in bad])

    return check


def assert_fits(page, *, known: str = ""):
    """The page does not scroll sideways at its viewport's width (tables scroll in their own box).
    ``known``: a finding reported to be fixed elsewhere (issue 12): it warns ("KNOWN FINDING")
    instead of failing, and warns too once the page fits, so that the mark is removed."""
    import warnings

    width = page.evaluate("() => document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    message = f"{page.url}: de pagina is {width} px breed bij een venster van {viewport} px"
    if known:
        path = page.url.split("//", 1)[-1].split("/", 1)[-1]
        if width > viewport:
            warnings.warn(f"KNOWN FINDING ({known}): {message}", stacklevel=2)
        else:
            warnings.warn(f"KNOWN FINDING fixed, remove the mark: /{path} fits at {viewport} px", stacklevel=2)
        return
    assert width <= viewport, message
