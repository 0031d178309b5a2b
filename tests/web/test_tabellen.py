"""What every page looks like at 1280 and 375 px: a declaration's answer per line and a claim's
lines keep the column that matters in view (the return codes, the dispute), tables scroll inside
their own labelled region with the identifying column fixed, and on a phone the menu is one
"Menu" button (backoffice/menu.js) instead of 320 px of links before the content. axe-core on every page.

With IPS_SCREENSHOTS=<folder> the pages are saved there at both widths."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from playwright.sync_api import expect

from declaraties import services
from declaraties.models import Vordering
from tests.declaraties.geld_helpers import moment, regel, start_line
from tests.trajecten.helpers import approved_traject

from .screenshots import screenshot
from .test_geld_views import build_money

D = datetime.date
pytestmark = pytest.mark.django_db(transaction=True)

BREED, SMAL = {"width": 1280, "height": 900}, {"width": 375, "height": 800}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(moment(D(2026, 3, 2)), tick=True) as traveller:
        yield traveller


def _in_beeld(page, locator) -> bool:
    """Is the element entirely inside the window, without scrolling anything?"""
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= size["width"] + 0.5


def _scrollvak(table):
    """The table's own scroll region: focusable, labelled, and how far it scrolls."""
    return table.evaluate(
        """t => { const s = t.closest('.tabel-scroll');
                 return s && {tabindex: s.getAttribute('tabindex'), role: s.getAttribute('role'),
                              label: s.getAttribute('aria-label') || s.getAttribute('aria-labelledby'),
                              scrolls: s.scrollWidth > s.clientWidth + 1,
                              page: document.documentElement.scrollWidth,
                              breed: [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 376 && !e.closest('.tabel-scroll')).slice(0, 3).map(e => e.tagName + '.' + e.className + ':' + (e.textContent || '').slice(0, 40))}; }"""
    )


def _eerste_kolom_blijft(table) -> bool:
    """Scroll the region to the far right: the first column stays at its left edge."""
    return table.evaluate(
        """t => { const s = t.closest('.tabel-scroll'); const cel = t.querySelector('tbody tr > :first-child');
                 s.scrollLeft = s.scrollWidth; const links = s.getBoundingClientRect().left;
                 const ok = Math.abs(cel.getBoundingClientRect().left - links) < 3; s.scrollLeft = 0; return ok; }"""
    )


def test_declaration_and_claim_tables_at_1280_and_375(world, clock, live_server, page_as, assert_accessible):
    _, _, vordering = build_money(world, clock)
    traject = approved_traject(world, perceel="demo-gem-epa")
    clock.move_to(moment(D(2026, 4, 10)))
    declaratie, _ = services.declaratie_submit(
        by=world.ggz_noord,
        invoer=services.DeclaratieInvoer(
            declaratie_nummer="D-2026-04",
            begindatum=D(2026, 4, 1),
            einddatum=D(2026, 4, 30),
            regels=[
                start_line(traject, "START-2", D(2026, 4, 2)),
                regel(traject, "PER-2", "periode", D(2026, 4, 2), D(2026, 4, 30), "999.99", volume="29"),
            ],
        ),
    )
    assert declaratie.prestaties.filter(status="afgewezen").count() == 2
    assert Vordering.objects.get(pk=vordering.pk).regels.count() == 1

    for viewport in (BREED, SMAL):
        smal = viewport is SMAL
        page = page_as("ggz-noord", viewport=viewport)
        page.goto(f"{live_server.url}/declaraties/{declaratie.uuid}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("D-2026-04")
        screenshot(page, f"tabel-declaratie-{viewport['width']}")
        table = page.get_by_role("table", name="Elke regel met status en retourcodes")
        vak = _scrollvak(table)
        assert vak["tabindex"] == "0" and vak["role"] == "region" and vak["label"], vak
        assert vak["page"] <= viewport["width"], "the page itself scrolls sideways"
        codes = table.get_by_role("columnheader", name="Retourcodes en toelichting")
        rij = table.get_by_role("row").filter(has_text="PER-2")
        expect(rij).to_contain_text("9346")
        if smal:
            # the content starts right under a one-line header; the menu opens on demand
            assert page.get_by_role("heading", level=1).bounding_box()["y"] < 160
            expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_hidden()
            page.get_by_text("Menu", exact=True).click()
            expect(
                page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Declaraties")
            ).to_be_visible()
            expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
            assert_accessible(page)
            page.get_by_text("Menu", exact=True).click()
            # the status and the codes come right after the line's reference; the rest scrolls
            assert vak["scrolls"]
            assert _in_beeld(page, table.get_by_role("columnheader", name="Status"))
            assert _eerste_kolom_blijft(table)
            codes.scroll_into_view_if_needed()
            assert _in_beeld(page, codes)
        else:
            expect(
                page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Declaraties")
            ).to_be_visible()
            assert _in_beeld(page, codes), "the return codes are off-screen at 1280 px"
            assert _in_beeld(page, table.get_by_role("columnheader", name="Betaald"))
        assert_accessible(page)

        gemeente = page_as("gemeente-amsterdam", viewport=viewport)
        gemeente.goto(f"{live_server.url}/vorderingen/{vordering.uuid}/")
        expect(gemeente.get_by_role("heading", level=1)).to_have_text("Vordering Amsterdam, maart 2026")
        screenshot(gemeente, f"tabel-vordering-{viewport['width']}")
        regels = gemeente.locator("table").filter(has=gemeente.get_by_role("columnheader", name="Bezwaar"))
        bezwaar = regels.get_by_role("columnheader", name="Bezwaar")
        vak = _scrollvak(regels)
        assert vak["tabindex"] == "0" and vak["role"] == "region" and vak["label"], vak
        assert vak["page"] <= viewport["width"], vak["breed"]
        # the trajectory's number is the first (sticky) column, in view at 375 px too
        assert _in_beeld(gemeente, regels.get_by_role("columnheader").first.get_by_text("Toewijzing", exact=False))
        if smal:
            assert _eerste_kolom_blijft(regels)
            bezwaar.scroll_into_view_if_needed()
        assert _in_beeld(gemeente, bezwaar), "the dispute column is off-screen"
        assert _in_beeld(gemeente, regels.get_by_role("row").nth(1).get_by_text("Betwist", exact=False).first)
        assert_accessible(gemeente)
    assert Decimal(vordering.bedrag) > 0
    # UWV financieel's menu is one line at 1280 px (it took two)
    fin = page_as("uwv-financieel", viewport=BREED, path="/")
    links = fin.get_by_role("navigation", name="Hoofdmenu").get_by_role("link")
    regels_menu = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
    assert len(regels_menu) == 1 and links.count() >= 10, regels_menu
