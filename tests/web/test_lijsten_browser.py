"""The list pages in a real browser (backoffice.lijsten): UWV beoordelaar filters and sorts the
work queue, finds the filter remembered, accepts two waiting lines at once after the confirmation
page and exports the list; a provider searches its applications by BSN on a phone: the BSN never
reaches the address bar and is shown masked. axe-core checks every page, at 1280 and 375 px.

With IPS_SCREENSHOTS=<folder> the work queue (1280 and 375 px) is saved there."""

import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from backoffice.models import Instellingen
from declaraties.models import Prestatie
from tests.declaraties.geld_helpers import moment
from tests.trajecten.helpers import approved_traject
from trajecten.models import Deelnemer

from .screenshots import screenshot
from .test_lijsten import _declare

D = datetime.date
pytestmark = pytest.mark.django_db(transaction=True)
TELEFOON = {"width": 375, "height": 800}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(moment(D(2026, 3, 2)), tick=True) as traveller:
        yield traveller


def test_werkvoorraad_filter_sort_bulk_accept_export_and_a_bsn_search(
    world, clock, live_server, page_as, assert_accessible
):
    from declaraties import services

    Instellingen.objects.update_or_create(pk=1, defaults={"declaratie_automatisch_toekennen": False})
    a, b, g = approved_traject(world), approved_traject(world), approved_traject(world, perceel="demo-gem-epa")
    Deelnemer.objects.filter(trajecten__uuid=a["uuid"]).update(achternaam="Bakker")
    clock.move_to(moment(D(2026, 3, 9)))
    d0 = _declare(world.ggz_noord, "D-0", [g], ["OUD"])
    services.prestaties_beoordelen(
        by=world.uwv, declaratie=d0, besluiten=[{"product_referentie": "OUD", "besluit": "toegekend"}]
    )
    clock.move_to(moment(D(2026, 3, 10)))
    _declare(world.ggz_noord, "D-1", [a, b], ["S-A", "S-B"])

    page = page_as("uwv")
    page.goto(f"{live_server.url}/declaraties/werkvoorraad/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Declaratieregels beoordelen")
    expect(page.get_by_role("row").filter(has_text="OUD")).to_have_count(0)
    # "Alle statussen" shows every line, also the one accepted before
    page.get_by_label("Status").select_option(label="Alle statussen")
    page.get_by_role("button", name="Toon").click()
    expect(page.get_by_role("row").filter(has_text="OUD")).to_have_count(1)
    # sorting by a column header, then the other way
    page.get_by_role("link", name="Productreferentie").click()
    expect(page.get_by_role("columnheader", name="Productreferentie")).to_have_attribute("aria-sort", "ascending")
    page.get_by_role("link", name="Productreferentie").click()
    expect(page.get_by_role("columnheader", name="Productreferentie")).to_have_attribute("aria-sort", "descending")
    expect(page.locator("tbody tr").first).to_contain_text("S-B")
    assert_accessible(page)
    screenshot(page, "werkvoorraad-1280")
    # the export is the list as shown: every status, in this order
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    rows = open(download.value.path(), encoding="utf-8-sig").read().splitlines()
    assert [r.split(";")[3] for r in rows[1:]] == ["S-B", "S-A", "OUD"]
    # the filter and the sort are remembered when the beoordelaar comes back from the menu
    page.goto(f"{live_server.url}/declaraties/werkvoorraad/")
    expect(page.get_by_label("Status")).to_have_value("")
    expect(page.locator("tbody tr").first).to_contain_text("S-B")
    page.get_by_role("link", name="Filters wissen").first.click()
    expect(page.get_by_role("row").filter(has_text="OUD")).to_have_count(0)

    # bulk acceptance of the two waiting lines, after the confirmation page
    page.get_by_role("checkbox", name="Selecteer regel S-A van declaratie D-1").check()
    page.get_by_role("checkbox", name="Selecteer regel S-B van declaratie D-1").check()
    page.get_by_role("button", name="Geselecteerde regels toekennen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Geselecteerde regels toekennen")
    expect(page.get_by_text("U kent 2 regels toe, samen € 6.400,00.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Ik bevestig dat ik deze regels toeken").check()
    page.get_by_role("button", name="Ja, ken 2 regels toe").click()
    expect(page.get_by_text("2 regels toegekend, samen € 6.400,00.")).to_be_visible()
    expect(page.get_by_text("Niets te beoordelen")).to_be_visible()
    assert_accessible(page)
    assert set(Prestatie.objects.values_list("status", flat=True)) == {"toegekend"}

    # the same page on a phone
    phone = page_as("uwv", viewport=TELEFOON)
    phone.goto(f"{live_server.url}/declaraties/werkvoorraad/?status=")
    expect(phone.get_by_role("row").filter(has_text="S-A")).to_have_count(1)
    assert_accessible(phone)
    screenshot(phone, "werkvoorraad-375")

    # a provider searches by BSN on a phone: a POST, the URL never holds it, the page shows it masked
    bsn = Deelnemer.objects.get(trajecten__uuid=a["uuid"]).bsn
    provider = page_as("ggz-noord", viewport=TELEFOON)
    provider.goto(f"{live_server.url}/aanvragen/")
    provider.get_by_label("Zoeken op naam, BSN of toewijzingnummer").fill(bsn)
    provider.get_by_role("button", name="Zoeken").click()
    expect(provider.get_by_text(f"*****{bsn[-4:]}").first).to_be_visible()
    assert bsn not in provider.url and bsn not in provider.content()
    expect(provider.get_by_role("row").filter(has_text="Bakker")).to_have_count(1)
    expect(provider.get_by_role("row").filter(has_text="de Vries")).to_have_count(0)
    assert_accessible(provider)
    provider.get_by_role("button", name="Zoekopdracht wissen").click()
    expect(provider.get_by_role("row").filter(has_text="de Vries")).to_have_count(2)
