"""The money journeys in a real browser: a provider uploads a spreadsheet and reads the answer per
line; two UWV financieel approve a payment order above the (lowered) four-eyes threshold and
confirm the bank's execution; a gemeente disputes a claim line and UWV resolves it. axe-core
checks every page on the way.

With IPS_SCREENSHOTS=<folder> the gemeente's dashboard and the payment order page are saved there
(PNG); the README's "Schermen" shows the ones in docs/screenshots/."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from playwright.sync_api import expect

from backoffice import roles
from backoffice.models import Instellingen
from backoffice.schedule import run_job
from declaraties.models import Betaalopdracht, Declaratie, Vordering
from tests.declaraties.geld_helpers import declare, moment, start_line
from tests.factories import make_user
from tests.trajecten.helpers import approved_traject

from .conftest import assert_fits
from .screenshots import screenshot
from .test_geld_views import build_money

D = datetime.date
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def clock():
    """Monday 2 March 2026 (ticking: the browser's session needs time to pass), before the world."""
    with time_machine.travel(moment(D(2026, 3, 2)), tick=True) as traveller:
        yield traveller


def test_provider_uploads_a_declaration_and_reads_the_answer_per_line(
    world, clock, live_server, page_as, assert_accessible
):
    traject = approved_traject(world, perceel="demo-gem-epa")
    clock.move_to(moment(D(2026, 3, 10)))
    nummer = traject["toewijzingNummer"]
    csv = (
        "declaratieNummer;declaratiePeriodeBegin;declaratiePeriodeEind;productReferentie;toewijzingNummer;"
        "productCode;productPeriodeBegin;productPeriodeEind;geleverdVolume;ingediendBedrag\r\n"
        f"D-2026-03;2026-03-01;2026-03-31;START-1;{nummer};start;2026-03-02;2026-03-02;1;3200,00\r\n"
        f"D-2026-03;2026-03-01;2026-03-31;PER-1;{nummer};periode;2026-03-02;2026-03-31;30;999,99\r\n"
    )
    page = page_as("ggz-noord")
    page.goto(f"{live_server.url}/declaraties/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Declaraties")
    assert_accessible(page)

    page.get_by_role("link", name="Declareren met een bestand (CSV of XLSX)").click()
    expect(page.get_by_role("link", name="sjabloon (CSV)")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Bestand (CSV of XLSX)").set_input_files(
        files=[{"name": "maart.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.get_by_role("button", name="Bestand inlezen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Declaratie D-2026-03")
    expect(page.get_by_text("is ontvangen en regel voor regel beoordeeld")).to_be_visible()
    # The wrong amount rejects its line (9346) and holds back the good line of the same
    # trajectory (0233), each with its meaning in Dutch.
    start = page.get_by_role("row").filter(has_text="START-1")
    expect(start).to_contain_text("0233")
    expect(start).to_contain_text("een andere prestatie voor hetzelfde traject is afgewezen")
    wrong = page.get_by_role("row").filter(has_text="PER-1")
    expect(wrong).to_contain_text("Afgewezen")
    expect(wrong).to_contain_text("9346")
    expect(wrong).to_contain_text("Het ingediende bedrag is niet gelijk aan volume × tarief.")
    assert_accessible(page)
    declaratie = Declaratie.objects.get()
    assert declaratie.bron == "csv"
    assert list(declaratie.prestaties.order_by("regelnummer").values_list("status", flat=True)) == [
        "afgewezen",
        "afgewezen",
    ]


def test_two_people_approve_a_payment_order_and_confirm_the_bank(world, clock, live_server, page_as, assert_accessible):
    instellingen = Instellingen.get()
    instellingen.vier_ogen_drempel = Decimal("1000.00")
    instellingen.save()
    tweede = make_user(roles.UWV_FINANCIEEL, username="uwv-financieel-2")
    tweede.first_name, tweede.last_name = "Fenna", "de Tweede"
    tweede.save()
    traject = approved_traject(world, perceel="demo-gem-epa")
    clock.move_to(moment(D(2026, 3, 10)))
    declare(world.ggz_noord, "D-2026-03", [start_line(traject, "S-1", D(2026, 3, 2))])
    clock.move_to(moment(D(2026, 3, 16)))
    run = run_job("weekly", D(2026, 3, 16))
    clock.move_to(moment(D(2026, 3, 18)))

    first = page_as("uwv-financieel")
    first.goto(f"{live_server.url}/betaalopdrachten/")
    expect(first.get_by_role("heading", level=1)).to_have_text("Betaalopdrachten")
    assert_accessible(first)
    first.get_by_role("link", name="16-03-2026").click()
    expect(first.get_by_text("2 nodig: boven de vier-ogendrempel")).to_be_visible()
    assert_accessible(first)
    first.get_by_role("button", name="Akkoord geven").click()
    expect(first.get_by_role("heading", level=1)).to_have_text("Bevestig uw akkoord op de betaalopdracht")
    assert_accessible(first)
    first.get_by_role("button", name="Ja, geef akkoord").click()
    expect(first.get_by_text("Een tweede medewerker moet nog akkoord geven.")).to_be_visible()
    expect(first.get_by_role("button", name="Akkoord geven")).to_have_count(0)

    second = page_as("uwv-financieel-2")
    second.goto(f"{live_server.url}/betaalopdrachten/{Betaalopdracht.objects.get().uuid}/")
    second.get_by_role("button", name="Akkoord geven").click()
    second.get_by_role("button", name="Ja, geef akkoord").click()
    expect(second.get_by_text("De betaalopdracht is geaccordeerd.")).to_be_visible()
    expect(second.get_by_role("link", name="SEPA-bestand downloaden (pain.001)")).to_be_visible()
    assert_accessible(second)
    screenshot(second, "betaalopdracht")

    second.set_viewport_size({"width": 375, "height": 740})  # the bank's confirmation also on a phone
    assert_fits(second)
    second.get_by_label("Uitvoeringsdatum volgens de bank").fill("2026-03-17")
    second.get_by_role("button", name="Betaling bevestigen").click()
    expect(second.get_by_role("heading", level=1)).to_have_text("Bevestig de uitvoering door de bank")
    assert_accessible(second)
    second.get_by_role("button", name="Ja, de bank heeft betaald").click()
    expect(second.get_by_text("De betaling is bevestigd")).to_be_visible()
    expect(second.locator("dl .status")).to_have_text("Betaald (bevestigd door de bank)")
    assert_fits(second)
    opdracht = Betaalopdracht.objects.get()
    assert (opdracht.status, opdracht.uitgevoerd_op) == ("betaald", D(2026, 3, 17))
    assert opdracht.eerste_akkoord_door.username == "uwv-financieel"
    assert opdracht.tweede_akkoord_door.username == "uwv-financieel-2"
    # The history tells who did what: the weekly job made the order, two people approved, the
    # second one confirmed the bank's payment (newest first).
    rijen = second.get_by_role("table", name="Historie van wijzigingen").locator("tbody tr")
    expect(rijen).to_have_count(4)
    expect(rijen.nth(3)).to_contain_text(f"Systeem (taak betaalopdrachten, run {run.pk})")
    expect(rijen.nth(2)).to_contain_text("eerste akkoord")
    expect(second.get_by_text("Fenna de Tweede op 18 maart 2026, 10:00")).to_be_visible()
    expect(rijen.nth(1)).to_contain_text("Fenna de Tweede")
    expect(rijen.nth(0)).to_contain_text("Fenna de Tweede")
    expect(rijen.nth(0)).to_contain_text("betaling bevestigd op 17-03-2026")
    screenshot(second, "betaalopdracht-historie")


def test_gemeente_disputes_a_claim_line_and_uwv_resolves_it(world, clock, live_server, page_as, assert_accessible):
    build_money(world, clock)
    clock.move_to(moment(D(2026, 4, 2)))
    vordering = Vordering.objects.get()

    gemeente = page_as("gemeente-amsterdam")
    gemeente.goto(f"{live_server.url}/dashboard/")
    expect(gemeente.get_by_role("heading", name="Budget 2026")).to_be_visible()
    expect(gemeente.get_by_role("img", name=re.compile("Budget 2026"))).to_be_visible()
    assert_accessible(gemeente)
    screenshot(gemeente, "dashboard-gemeente")

    gemeente.goto(f"{live_server.url}/vorderingen/")
    assert_accessible(gemeente)
    gemeente.get_by_role("link", name="maart 2026").click()
    expect(gemeente.get_by_role("heading", level=1)).to_have_text("Vordering Amsterdam, maart 2026")
    # The claim was sent as an invoice: its number, the PDF and the e-invoice to download.
    expect(gemeente.get_by_text(f"verzonden als factuur {vordering.factuurnummer}")).to_be_visible()
    expect(gemeente.get_by_role("link", name="Factuur (PDF)")).to_be_visible()
    with gemeente.expect_download() as download:
        gemeente.get_by_role("link", name="E-factuur (UBL)").click()
    assert download.value.suggested_filename == f"factuur-{vordering.factuurnummer}.xml"
    screenshot(gemeente, "vordering-factuur")
    assert_accessible(gemeente)
    gemeente.set_viewport_size({"width": 375, "height": 740})  # disputing a line also on a phone
    assert_fits(gemeente)
    gemeente.get_by_text("Betwist regel =1+2").click()
    gemeente.get_by_label("Reden van het bezwaar").fill("Deze deelnemer woont niet in Amsterdam.")
    gemeente.get_by_role("button", name="Bezwaar indienen").click()
    expect(gemeente.get_by_role("heading", level=1)).to_have_text("Bevestig uw bezwaar")
    assert_accessible(gemeente)
    gemeente.get_by_role("button", name="Ja, dien het bezwaar in").click()
    expect(gemeente.get_by_text("Uw bezwaar is ingediend.")).to_be_visible()
    expect(gemeente.locator("dl .status")).to_have_text("Betwist")
    assert_fits(gemeente)
    vordering.refresh_from_db()
    assert vordering.status == "betwist"

    uwv = page_as("uwv-financieel")
    uwv.goto(f"{live_server.url}/vorderingen/overzicht/")
    expect(uwv.get_by_role("row", name=re.compile("Amsterdam"))).to_contain_text("1.600,00")
    assert_accessible(uwv)
    uwv.goto(f"{live_server.url}/vorderingen/{vordering.uuid}/")
    uwv.get_by_text("Beslis over het bezwaar tegen =1+2").click()
    uwv.get_by_label("Toewijzen: de regel vervalt").check()
    uwv.get_by_label("Toelichting op het besluit").fill("Verhuisd voor de start; de regel vervalt.")
    uwv.get_by_role("button", name="Besluit vastleggen").click()
    expect(uwv.get_by_role("heading", level=1)).to_have_text("Bevestig uw besluit op het bezwaar")
    assert_accessible(uwv)
    uwv.get_by_role("button", name="Ja, leg het besluit vast").click()
    expect(uwv.get_by_text("Het besluit op het bezwaar is vastgelegd.")).to_be_visible()
    expect(uwv.get_by_text("Bezwaar toegewezen (regel vervalt)")).to_be_visible()
    assert_accessible(uwv)
    vordering.refresh_from_db()
    assert (vordering.bedrag, vordering.regels.get().bezwaar) == (Decimal("0.00"), "toegewezen")
