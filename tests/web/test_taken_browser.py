"""UWV financieel starts the weekly payment run in a real browser: werkbak -> preview -> confirm ->
run page, then the job runs list, at 1280 and 375 px, axe-core on every page (docs/jobs.md)."""

import datetime
import os

import pytest
import time_machine
from playwright.sync_api import expect

from backoffice.models import Taakrun
from tests.declaraties.geld_helpers import declare, moment, start_line
from tests.trajecten.helpers import approved_traject

D = datetime.date
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(moment(D(2026, 3, 2)), tick=True) as traveller:
        yield traveller


def test_uwv_financieel_starts_the_payment_run_from_the_werkbak(
    world, clock, settings, live_server, page_as, assert_accessible
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    trajecten = [approved_traject(world, perceel="demo-gem-epa") for _ in range(2)]
    declare(world.ggz_noord, "D-1", [start_line(t, f"R-{i}", D(2026, 3, 2)) for i, t in enumerate(trajecten)])

    page = page_as("uwv-financieel", path="/")
    page.get_by_role("link", name="Betaalrun: bekijk en start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Betaalrun")
    expect(page.locator("main")).to_contain_text("1 betaalopdracht met samen 2 regels, voor €\u00a06.400,00")
    expect(page.get_by_role("cell", name="GGZ Noord")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Betaalrun starten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Betaalrun starten")
    assert_accessible(page)
    page.get_by_label("Ik bevestig dit").check()
    page.get_by_role("button", name="Ja, start betaalrun").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Betaalrun (wekelijks) voor 2 maart 2026")
    expect(page.locator("main")).to_contain_text("Geslaagd")
    expect(page.locator("main")).to_contain_text("Betaalopdrachten aangemaakt")
    assert_accessible(page)
    if os.environ.get("IPS_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['IPS_SCREENSHOTS']}/taakrun-1280.png", full_page=True)
    run = Taakrun.objects.get(taak="weekly")
    assert (run.status, run.bron, run.counts) == ("geslaagd", "web", {"betaalopdrachten": 1, "regels": 2})

    page.get_by_role("link", name="Taken", exact=True).first.click()
    expect(page.get_by_role("cell", name="Betaalrun (wekelijks) gestart op het web")).to_be_visible()
    assert_accessible(page)

    # A phone: the list, the preview (now refused for this week, with a link) and the run page.
    small = page_as("uwv-financieel", viewport={"width": 375, "height": 800})
    for path in ("/taken/", "/taken/weekly/", f"/taken/runs/{run.uuid}/"):
        small.goto(f"{live_server.url}{path}")
        assert_accessible(small)
        width = small.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375, f"{path}: {width} px breed"
    expect(small.locator("main")).to_contain_text("Geslaagd")
    small.goto(f"{live_server.url}/taken/weekly/")
    expect(small.get_by_role("alert")).to_contain_text("Betaalrun draaide deze week al")
    if os.environ.get("IPS_SCREENSHOTS"):
        small.screenshot(path=f"{os.environ['IPS_SCREENSHOTS']}/taak-voorbeeld-375.png", full_page=True)
