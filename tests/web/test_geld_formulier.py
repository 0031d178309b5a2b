"""The money journeys that the other browser tests leave out: a provider declares through the form
(an amount typed the Dutch way, a wrong line refused at its field), a UWV beoordelaar finds the line
in the queue and grants it behind the confirmation, and UWV financieel registers a partial receipt
on a claim. axe-core checks every page on the way."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from playwright.sync_api import expect

from backoffice.models import Instellingen
from declaraties.models import Declaratie, Ontvangst
from tests.declaraties.geld_helpers import moment
from tests.trajecten.helpers import approved_traject

from .screenshots import screenshot
from .test_geld_views import build_money

D = datetime.date
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(moment(D(2026, 3, 2)), tick=True) as traveller:
        yield traveller


def _declare_start(page, nummer: str, referentie: str, toewijzing: int, bedrag: str = "") -> None:
    """Fill the form's first line with a start product of 2 March for the trajectory picked from the
    list, with the amount typed the Dutch way or (empty) proposed from the tariff, and submit; the
    other lines stay empty."""
    page.get_by_label("Declaratienummer").fill(nummer)
    page.get_by_label("Declaratiemaand").fill("2026-03")
    regel = page.locator("fieldset.regel").first
    regel.get_by_label("Productreferentie").fill(referentie)
    regel.get_by_label("Traject").select_option(str(toewijzing))
    regel.get_by_label("Product", exact=False).and_(regel.locator("select")).select_option("start")
    regel.get_by_label("Periode van").fill("2026-03-02")
    regel.get_by_label("Periode tot en met").fill("2026-03-02")
    regel.get_by_label("Volume").fill("1")
    if bedrag:
        regel.get_by_label("Bedrag (€)").fill(bedrag)
    else:
        page.get_by_role("button", name="Bedragen voorstellen").click()
        expect(page.get_by_text("Voor 1 regel is het bedrag volgens het tarief ingevuld")).to_be_visible()
        expect(page.locator("fieldset.regel").first.get_by_label("Bedrag (€)")).to_have_value("3200,00")
    page.get_by_role("button", name="Declaratie indienen").click()


def test_provider_declares_by_form_and_uwv_grants_the_line_from_its_queue(
    world, clock, live_server, page_as, assert_accessible
):
    instellingen = Instellingen.get()
    instellingen.declaratie_automatisch_toekennen = False
    instellingen.save()
    traject = approved_traject(world, perceel="demo-gem-epa")
    clock.move_to(moment(D(2026, 3, 10)))

    page = page_as("ggz-noord")
    page.goto(f"{live_server.url}/declaraties/nieuw/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Declareren")
    assert_accessible(page)
    _declare_start(page, "D-2026-03-F", "START-F", traject["toewijzingNummer"], bedrag="3.100,00")

    # A line with an amount other than the tariff is judged too: stored, with its return code in Dutch.
    expect(page.get_by_role("heading", level=1)).to_have_text("Declaratie D-2026-03-F")
    expect(page.get_by_role("row").filter(has_text="START-F")).to_contain_text("Afgewezen")
    assert_accessible(page)
    screenshot(page, "declaratie-antwoord")

    page.goto(f"{live_server.url}/declaraties/nieuw/")
    _declare_start(page, "D-2026-03-G", "START-G", traject["toewijzingNummer"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Declaratie D-2026-03-G")
    expect(page.get_by_role("row").filter(has_text="START-G")).to_contain_text("In behandeling")
    declaratie = Declaratie.objects.get(declaratie_nummer="D-2026-03-G")
    assert declaratie.bron == "web"
    assert declaratie.prestaties.get().ingediend_bedrag == Decimal("3200.00")

    uwv = page_as("uwv")
    uwv.goto(f"{live_server.url}/")
    expect(uwv.get_by_role("heading", name="Declaratieregels in behandeling")).to_be_visible()
    assert_accessible(uwv)
    screenshot(uwv, "werkbak-uwv")
    uwv.goto(f"{live_server.url}/declaraties/werkvoorraad/")
    expect(uwv.get_by_role("heading", level=1)).to_have_text("Declaratieregels beoordelen")
    expect(uwv.locator("main p[role=status]")).to_have_text("1 regel")
    assert_accessible(uwv)
    uwv.get_by_role("link", name="D-2026-03-G").click()
    expect(uwv.get_by_role("heading", name="Wachtende regels beoordelen")).to_be_visible()
    assert_accessible(uwv)
    screenshot(uwv, "declaratie-beoordelen")
    uwv.locator("fieldset.regel").first.get_by_label("Toekennen").check()
    uwv.get_by_role("button", name="Besluiten vastleggen").click()
    expect(uwv.get_by_role("heading", level=1)).to_have_text("Bevestig uw beoordeling van declaratie D-2026-03-G")
    expect(uwv.get_by_text("U kent 1 regel toe: START-G.")).to_be_visible()
    assert_accessible(uwv)
    uwv.get_by_role("button", name="Ja, leg de besluiten vast").click()
    expect(uwv.get_by_text("1 regel beoordeeld.")).to_be_visible()
    expect(uwv.get_by_role("row").filter(has_text="START-G")).to_contain_text("Toegekend")
    line = declaratie.prestaties.get()
    assert (line.status, line.beoordeeld_door.username) == ("toegekend", "uwv")

    uwv.goto(f"{live_server.url}/declaraties/werkvoorraad/")
    expect(uwv.get_by_text("Er wachten geen regels.")).to_be_visible()


def test_uwv_registers_a_partial_receipt_typed_with_a_decimal_comma(
    world, clock, live_server, page_as, assert_accessible
):
    build_money(world, clock)
    clock.move_to(moment(D(2026, 4, 20)))
    page = page_as("uwv-financieel")
    page.goto(f"{live_server.url}/vorderingen/")
    page.get_by_role("link", name="maart 2026").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vordering Amsterdam, maart 2026")
    page.get_by_label("Ontvangen bedrag (€)").fill("1.000,50")
    page.get_by_label("Datum van ontvangst").fill("2026-04-18")
    page.get_by_role("button", name="Ontvangst registreren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bevestig de ontvangst")
    expect(page.get_by_text("U registreert € 1.000,50 ontvangen van Amsterdam op 18-04-2026.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Ja, registreer de ontvangst").click()
    expect(page.get_by_text("De ontvangst is geregistreerd.")).to_be_visible()
    assert_accessible(page)
    ontvangst = Ontvangst.objects.get()
    assert (ontvangst.bedrag, ontvangst.datum) == (Decimal("1000.50"), D(2026, 4, 18))
