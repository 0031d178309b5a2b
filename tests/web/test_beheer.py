"""The beheerder's day in a real browser (issue 12), at 1280 px and (the second beheerder) at 375 px: from the werkbak to a
lot's page, a new price with its validity (an overlapping one refused in Dutch with its code),
the switch for automatic acceptance of declaration lines turned off, a role requested that the
requester cannot approve and a second beheerder approves. axe-core checks every page."""

import datetime
import re

import pytest
import time_machine
from playwright.sync_api import expect

from backoffice import roles
from backoffice.models import Instellingen, RolToekenning
from financiering.models import Trajectprijs

from .screenshots import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def clock():
    """Monday 2 March 2026 (ticking: the browser's session needs time to pass), before the world."""
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=True) as traveller:
        yield traveller


def test_the_beheerder_sets_a_price_changes_a_setting_and_a_role_needs_a_second_beheerder(
    clock, world, live_server, page_as, assert_accessible
):
    """The first beheerder works at 1280 px, the second (who approves) on a phone at 375 px."""
    world.f.make_user(roles.BEHEERDER, username="beheer-2")
    nieuw = world.f.make_user(roles.AUDITOR, username="nieuwe-collega")
    nieuw.groups.clear()
    page = page_as("beheer", path="/")
    menu = page.get_by_role("navigation", name="Hoofdmenu")

    # the werkbak shows what waits; the menu leads to the schemes
    expect(page.get_by_role("heading", name="Rolaanvragen die op een tweede beheerder wachten")).to_be_visible()
    assert_accessible(page)
    menu.get_by_role("link", name="Regelingen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Regelingen")
    assert_accessible(page)
    page.get_by_role("link", name="Inkoopkader IPS").click()
    expect(page.get_by_text("Volledig ingericht")).to_be_visible()
    page.get_by_role("link", name=world.epa.naam).click()

    # a new open-ended price succeeds the current one, which ends the day before (one price rule)
    page.get_by_label("Bedrag (€)").fill("9.250,00")
    page.get_by_label("Geldig vanaf").fill("2027-01-01")
    page.get_by_role("button", name="Prijs vaststellen").click()
    expect(page.get_by_text("De nieuwe prijs is vastgesteld.")).to_be_visible()
    prijzen = page.get_by_role("table", name="Trajectprijzen van")
    expect(prijzen).to_contain_text("€\u00a09.250,00")
    expect(prijzen).to_contain_text("31 december 2026")
    expect(page.get_by_role("region", name="Historie van het perceel, zijn prijzen en producten")).to_contain_text(
        "prijs vastgesteld: vanaf 01-01-2027"
    )
    assert_accessible(page)
    screenshot(page, "beheer-perceel")
    assert Trajectprijs.objects.filter(perceel=world.epa).count() == 2
    # a price inside the period of another is refused with the rule's code (one price per day)
    page.get_by_label("Bedrag (€)").fill("9.000,00")
    page.get_by_label("Geldig vanaf").fill("2026-06-01")
    page.get_by_role("button", name="Prijs vaststellen").click()
    expect(page.get_by_text("(code: prijsperiode-overlapt)")).to_be_visible()
    assert_accessible(page)
    assert Trajectprijs.objects.filter(perceel=world.epa).count() == 2

    # the settings: automatic acceptance of declaration lines off
    menu.get_by_role("link", name="Instellingen").click()
    vinkje = page.get_by_label("Declaratieregels die alle controles doorstaan automatisch toekennen")
    expect(vinkje).to_be_checked()
    vinkje.uncheck()
    page.get_by_role("button", name="Instellingen opslaan").click()
    expect(page.get_by_text("De instellingen zijn opgeslagen.")).to_be_visible()
    expect(page.get_by_text("automatisch toekennen: ja → nee")).to_be_visible()
    assert not Instellingen.get().declaratie_automatisch_toekennen
    assert_accessible(page)

    # a role: requested by beheer, not approvable by beheer, approved by beheer-2
    menu.get_by_role("link", name="Gebruikers").click()
    expect(page.get_by_role("link", name="nieuwe-collega")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="nieuwe-collega").click()
    page.get_by_role("combobox", name=re.compile("^Rol")).select_option(label="UWV financieel")
    page.get_by_label("Toelichting").fill("Nieuw in het betaalteam")
    page.get_by_role("button", name="Rol aanvragen").click()
    expect(page.get_by_text("Een tweede beheerder keurt goed of wijst af.")).to_be_visible()
    # the requester is not offered the decision (the service refuses it too: tests/backoffice/test_beheer.py)
    expect(page.get_by_text("Wacht op een tweede beheerder.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Goedkeuren.*UWV financieel"))).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "beheer-gebruiker")

    tweede = page_as("beheer-2", viewport={"width": 375, "height": 800})
    breed = "document.documentElement.scrollWidth <= 376"
    for path in (f"/beheer/percelen/{world.epa.code}/", "/beheer/instellingen/", "/"):
        tweede.goto(live_server.url + path)
        assert tweede.evaluate(breed), path
        assert_accessible(tweede)
    werkbak = tweede.get_by_role("region", name=re.compile("^Rolaanvragen die op een tweede beheerder wachten"))
    werkbak.get_by_role("link", name="UWV financieel voor nieuwe-collega").click()
    tweede.get_by_role("button", name=re.compile("Goedkeuren.*UWV financieel")).click()
    expect(tweede.get_by_text("De rol is goedgekeurd: nieuwe-collega heeft nu de rol UWV financieel.")).to_be_visible()
    assert_accessible(tweede)
    assert RolToekenning.objects.get(gebruiker=nieuw).status == "goedgekeurd"
    assert tweede.evaluate(breed)
    screenshot(tweede, "beheer-gebruiker-375")
