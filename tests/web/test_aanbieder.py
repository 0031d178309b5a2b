"""The provider's journey in a real browser (Chromium via Playwright): log in, register a
participant and apply (a refused rule lands at its field, with its code), see the application;
then on an approved trajectory: a placement (first refused at its field), an extension request,
a stop notice behind its confirmation, and the end report that closes the trajectory. axe-core
checks every page on the way.

With IPS_SCREENSHOTS=<folder> the werkbak and the trajectory page are saved there (PNG); the
README's "Schermen" shows the ones in docs/screenshots/."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.trajecten.helpers import approved_traject, deelnemer, new_bsn
from trajecten.models import Aanvraag, Deelnemer, Traject

from .screenshots import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _ja_nee(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def test_provider_registers_a_participant_and_applies(world, live_server, page_as, assert_accessible):
    bestaande = deelnemer(world)  # already registered by GGZ Noord: the same BSN is refused at the field
    page = page_as("ggz-noord", form=True)  # the real login page, which lands on the werkbak
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkbak")
    expect(page.get_by_text("GGZ Noord")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Trajecten").click()
    assert_accessible(page)
    page.get_by_role("link", name="Nieuwe aanvraag").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe aanvraag")
    assert_accessible(page)

    bsn = page.get_by_label("BSN")
    assert bsn.get_attribute("inputmode") == "numeric" and bsn.get_attribute("autocomplete") == "off"
    bsn.fill(Deelnemer.objects.get(uuid=bestaande["uuid"]).bsn)
    page.get_by_label("Voorletters").fill("J.")
    page.get_by_label("Achternaam").fill("Jansen")
    page.get_by_label("Geboortedatum").fill("1984-05-06")
    page.get_by_label("Woongemeente").select_option(label="Amsterdam")
    page.get_by_label("Uitkering").select_option(label="WIA: WGA 80-100")
    page.get_by_label("Doelgroep").select_option(value="cmd")
    page.get_by_label("Perceel").select_option(label=f"{world.cmd.naam} ({world.uwv_regeling.naam})")
    page.get_by_label("Regiebehandelaar").fill("Dr. K. de Boer")
    _ja_nee(page, "in behandeling in de specialistische ggz", "Ja")
    _ja_nee(page, "Wil de deelnemer betaald werk", "Ja")
    _ja_nee(page, "geen of een klein dienstverband", "Ja")
    page.get_by_label("Behandelduur in maanden").fill("6")
    today = timezone.localdate()
    page.get_by_label("Toestemming deelnemer getekend op").fill((today + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Aanvraag indienen").click()

    # Refused at the BSN field, with its code; the BSN itself is not sent back to the browser.
    fout = page.locator("#id_bsn-fout")
    expect(fout).to_contain_text("U heeft deze deelnemer al geregistreerd")
    expect(fout).to_contain_text("code: deelnemer-bestaat")
    assert "id_bsn-fout" in page.get_by_label("BSN").get_attribute("aria-describedby")
    expect(page.get_by_label("BSN")).to_have_value("")
    assert_accessible(page)
    assert not Aanvraag.objects.filter(deelnemer__achternaam="Jansen").exists()

    # A consent dated tomorrow is refused at its field, with its code.
    page.get_by_label("BSN").fill(new_bsn())
    page.get_by_role("button", name="Aanvraag indienen").click()
    fout = page.locator("#id_toestemming_op-fout")
    expect(fout).to_contain_text("De datum van de toestemming ligt in de toekomst. (code: toestemming-in-toekomst)")
    assert_accessible(page)
    assert not Aanvraag.objects.filter(deelnemer__achternaam="Jansen").exists()

    page.get_by_label("BSN").fill(new_bsn())
    page.get_by_label("Toestemming deelnemer getekend op").fill((today - timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Aanvraag indienen").click()
    expect(page.get_by_text("De aanvraag voor J. Jansen is ingediend")).to_be_visible()
    expect(page.get_by_text("Getekend op")).to_contain_text("vastgelegd door")
    assert "/aanvragen/" in page.url and "bsn" not in page.url.lower()
    assert_accessible(page)
    aanvraag = Aanvraag.objects.get(deelnemer__achternaam="Jansen")
    assert aanvraag.status == "ingediend" and aanvraag.behandelduur_maanden == 6
    assert (
        aanvraag.toestemming_op == today - timedelta(days=2)
        and aanvraag.toestemming_geregistreerd_door == world.ggz_noord
    )

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Aanvragen").click()
    expect(page.get_by_role("link", name="J. Jansen")).to_be_visible()


def test_provider_works_on_a_trajectory_to_the_end_report(world, live_server, page_as, assert_accessible):
    traject = approved_traject(world)  # GGZ Noord, CMD, UWV route
    obj = Traject.objects.get(uuid=traject["uuid"])
    today = timezone.localdate()
    page = page_as("ggz-noord", path="/")
    screenshot(page, "werkbak-aanbieder")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Trajecten").click()
    page.get_by_label("Toewijzingsnummer").fill(str(obj.toewijzing_nummer))
    page.get_by_role("button", name="Toon").click()
    page.get_by_role("link", name=str(obj.toewijzing_nummer), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Traject {obj.toewijzing_nummer}")
    assert_accessible(page)

    # A placement before the trajectory starts: refused at the start date, with the rule's code.
    plaatsing = page.locator("#plaatsing")
    plaatsing.get_by_text("Plaatsing (baan) registreren").click()
    plaatsing.get_by_label("Werkgever").fill("Bakkerij Bol")
    plaatsing.get_by_label("Startdatum").fill((obj.startdatum - timedelta(days=30)).isoformat())
    plaatsing.get_by_label("Uren per week").fill("24")
    plaatsing.get_by_label("Soort contract").select_option(label="Arbeidsovereenkomst")
    plaatsing.get_by_label("Verdient minstens het minimumloon").check()
    _ja_nee(plaatsing, "de werkgever over de aandoening verteld", "Nee")
    _ja_nee(plaatsing, "Open voor iedereen (geen baan speciaal voor mensen met gezondheidsproblemen)", "Ja")
    plaatsing.get_by_role("button", name="Plaatsing opslaan").click()
    fout = page.locator("#id_plaatsing-startdatum-fout")
    expect(fout).to_contain_text("De plaatsing begint vóór de start van het traject. (code: plaatsing-buiten-traject)")
    assert_accessible(page)
    screenshot(page, "plaatsing-formulier")

    plaatsing = page.locator("#plaatsing")
    plaatsing.get_by_label("Startdatum").fill(obj.startdatum.isoformat())
    plaatsing.get_by_role("button", name="Plaatsing opslaan").click()
    expect(page.get_by_text("De plaatsing is geregistreerd.")).to_be_visible()
    expect(page.get_by_role("cell", name="Bakkerij Bol")).to_be_visible()
    opgeslagen = Traject.objects.get(pk=obj.pk).plaatsingen.get()
    assert opgeslagen.aandoening_bekend_bij_werkgever is False
    assert opgeslagen.open_voor_iedereen is True and opgeslagen.regulier_betaald_werk is True

    verlenging = page.locator("#verlenging")
    verlenging.get_by_text("Verlenging aanvragen").first.click()
    verlenging.get_by_label("Aantal maanden verlenging").fill("6")
    verlenging.get_by_label("Waarom is verlenging nodig?").fill(
        "De deelnemer is net begonnen en wil begeleiding houden."
    )
    verlenging.get_by_role("button", name="Verlenging aanvragen").click()
    expect(page.get_by_text("Het verzoek om verlenging is verstuurd.")).to_be_visible()
    expect(page.get_by_text("Er loopt een verzoek om 6 maanden verlenging")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "traject-aanbieder")

    # The stop notice: without the confirmation nothing happens.
    stop = page.locator("#stop")
    stop.get_by_text("Stopbericht sturen").click()
    stop.get_by_label("Laatste dag van het traject").fill(today.isoformat())
    stop.get_by_label("Reden").select_option(label="Deelnemer gestopt")
    stop.get_by_role("button", name="Stopbericht versturen").click()
    expect(page.locator("#id_stop-bevestigd-fout")).to_contain_text("Vink aan dat u dit bevestigt")
    assert Traject.objects.get(pk=obj.pk).status == "actief"
    assert_accessible(page)
    stop = page.locator("#stop")
    stop.get_by_label("Ik bevestig dat dit traject stopt").check()
    stop.get_by_role("button", name="Stopbericht versturen").click()
    expect(page.get_by_text("Het stopbericht is verstuurd.")).to_be_visible()
    assert Traject.objects.get(pk=obj.pk).status == "beeindigd"

    verslag = page.locator("#eindverslag")
    verslag.get_by_label("Uitkomst").select_option(label="Werk")
    verslag.get_by_label("Bestede uren begeleiding").fill("40")
    verslag.get_by_label("Ik bevestig dat het traject hiermee wordt afgesloten").check()
    verslag.get_by_role("button", name="Eindverslag versturen").click()
    expect(page.get_by_text("Het eindverslag is verstuurd; het traject is afgesloten.")).to_be_visible()
    expect(page.get_by_text("Eindverslag: Werk")).to_be_visible()
    assert Traject.objects.get(pk=obj.pk).status == "afgesloten"
    assert_accessible(page)

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Signalen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Signalen")
    assert_accessible(page)
    assert re.search(r"/signalen/$", page.url)
