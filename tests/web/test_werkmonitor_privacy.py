"""The dashboard's work monitor in a real browser: a group of fewer than 5 trajectories shows
'< 5' with the footnote that says why (docs/privacy.md, "Kleine aantallen"), and the page passes
axe-core."""

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from tests.conftest import World
from tests.trajecten import helpers

from .screenshots import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_uwv_sees_less_than_5_and_the_footnote(live_server, page_as, assert_accessible):
    with time_machine.travel(dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC), tick=False):
        world = World()
        for _ in range(5):
            helpers.approved_traject(world)
        helpers.approved_traject(world, perceel="demo-gem-cmd")
    with time_machine.travel(dt.datetime(2026, 4, 15, 12, tzinfo=dt.UTC), tick=True):
        page = page_as("uwv")
        page.goto(f"{live_server.url}/dashboard/")
        expect(page.get_by_role("heading", name="Werkmonitor 2026-Q1")).to_be_visible()
        expect(page.get_by_text("6 trajecten actief in het kwartaal")).to_be_visible()
        rows = page.get_by_role("table", name="Uitkomsten per route, 2026-Q1").get_by_role("row")
        expect(rows.filter(has_text="gemeente")).to_contain_text("< 5")
        expect(rows.filter(has_text="uwv")).to_contain_text("*")
        expect(page.locator("#voetnoot-klein")).to_have_text(
            "Groepen met minder dan 5 trajecten worden niet getoond (privacy): in plaats van het aantal staat er '< 5'."
        )
        assert_accessible(page)
        screenshot(page, "dashboard-werkmonitor-klein")
