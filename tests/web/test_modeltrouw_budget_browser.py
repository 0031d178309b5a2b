"""The auditor's desk and the budget ledger in a real browser (issue 12), at 1280 and 375 px with
axe-core on every page: the auditor registers an audit with both auditors and the consensus, sees
the band before saving, saves, corrects it with an explanation and reads the change in the audit's
history and in the provider's history; the beheerder raises a budget and the gemeente reads the
ledger. With IPS_SCREENSHOTS=<folder> the pages are saved there (PNG)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from financiering.models import Modeltrouwmeting
from tests.factories import ips26

from .screenshots import screenshot

pytestmark = pytest.mark.django_db(transaction=True)
SMAL = {"width": 375, "height": 800}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.datetime(2026, 6, 17, 10, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=True) as t:
        yield t


def _on_screen(locator, width: int) -> None:
    """Within the page's width: readable without scrolling sideways."""
    box = locator.bounding_box()
    assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= width, box


def _fill_scores(page, prefix: str, value: str) -> None:
    for i in range(1, 27):
        page.locator(f"input[name={prefix}_{i}]").fill(value)


def test_the_auditor_registers_sees_the_band_corrects_and_reads_the_history(
    world, live_server, page_as, assert_accessible
):
    ips26()
    page = page_as("auditor", path="/")
    page.get_by_role("link", name="Modeltrouw", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modeltrouw van de aanbieders")
    assert_accessible(page)
    page.get_by_role("link", name="GGZ Noord").click()
    page.get_by_role("link", name="Nieuwe meting registreren").click()
    expect(page.get_by_label("Aanbieder")).to_have_value(str(world.noord.uuid))
    page.get_by_label("Datum van de meting").fill("2026-06-01")
    page.get_by_label("Auditor 1 (naam)").fill("A. de Vries")
    page.get_by_label("Auditor 2 (naam)").fill("J. Smit")
    _fill_scores(page, "a1", "4")
    _fill_scores(page, "a2", "3")
    _fill_scores(page, "c", "4")
    page.get_by_role("button", name="Band berekenen").click()
    uitkomst = page.get_by_role("status", name="Uitkomst (nog niet opgeslagen)")
    expect(uitkomst).to_contain_text("104")
    expect(uitkomst).to_contain_text("goed")
    expect(uitkomst).to_contain_text("geldig tot 1 juni 2028")
    assert not Modeltrouwmeting.objects.filter(datum=datetime.date(2026, 6, 1)).exists()
    assert_accessible(page)
    screenshot(page, "modeltrouw-band-berekend")
    page.get_by_role("button", name="Meting opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Modeltrouwmeting GGZ Noord, 1 juni 2026")

    page.get_by_role("link", name="Meting corrigeren").click()
    page.get_by_label("Item 1, consensus").fill("5")
    page.get_by_role("button", name="Correctie opslaan").click()  # without explanation
    expect(page.get_by_text("(code: toelichting-verplicht)")).to_be_visible()
    page.get_by_label("Waarom corrigeert u de meting?").fill("Item 1 verkeerd overgenomen")
    page.get_by_label("Item 1, consensus").fill("5")
    page.get_by_role("button", name="Correctie opslaan").click()
    expect(page.get_by_text("De meting is gecorrigeerd")).to_be_visible()
    historie = page.locator("#kop-historie + .tabel-scroll")
    expect(historie).to_contain_text("gecorrigeerd: Item 1 verkeerd overgenomen")
    expect(historie).to_contain_text("consensusscores, item 1: 4 → 5")
    assert_accessible(page)
    screenshot(page, "modeltrouw-meting")

    smal = page_as("auditor", viewport=SMAL)
    smal.goto(f"{live_server.url}/modeltrouw/aanbieders/{world.noord.uuid}/")
    rij = smal.locator("tbody tr").first
    expect(rij).to_contain_text("1 juni 2026")
    expect(rij).to_contain_text("105")
    _on_screen(rij.get_by_text("1 juni 2028"), SMAL["width"])  # valid until: not off-screen at 375 px
    assert_accessible(smal)
    screenshot(smal, "modeltrouw-historie-375")


def test_the_beheerder_raises_a_budget_and_the_gemeente_reads_the_ledger(
    world, live_server, page_as, assert_accessible
):
    budget = world.budget_amsterdam
    page = page_as("beheer", path="/")
    page.get_by_role("link", name="Budgetten").click()
    page.get_by_role("link", name="Amsterdam").click()
    page.get_by_role("link", name="Budget verhogen of verlagen").click()
    page.get_by_label("Nieuw toegekend bedrag (€)").fill("-5")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("(code: ongeldige-invoer)")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Nieuw toegekend bedrag (€)").fill("125.000,00")
    page.get_by_label("Reden (optioneel)").fill("Extra middelen voorjaarsnota")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Het budget is bijgewerkt")).to_be_visible()

    for viewport in ({"width": 1280, "height": 900}, SMAL):
        gemeente = page_as("gemeente-amsterdam", viewport=viewport)
        gemeente.goto(f"{live_server.url}/budgetten/{budget.uuid}/")
        regel = gemeente.locator("table.grootboek tbody tr").first
        expect(regel).to_contain_text("Verhoogd")
        expect(regel).to_contain_text("€\u00a025.000,00")
        expect(regel).to_contain_text("Extra middelen voorjaarsnota")
        _on_screen(regel.get_by_text("€\u00a025.000,00"), viewport["width"])
        expect(gemeente.get_by_role("link", name="Budget verhogen of verlagen")).to_have_count(0)
        assert_accessible(gemeente)
        screenshot(gemeente, f"budget-grootboek-{viewport['width']}")
