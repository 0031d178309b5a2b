"""The provider's office day in a real browser (issue 12, w4), at 1280 and 375 px with axe-core on
every page: find a participant by BSN, open the participant page (applications and trajectories),
"Nieuwe aanvraag" without retyping the BSN (a refused rule keeps what was typed); the declaration
form with the trajectory picked from the list, a row added with "Regel toevoegen" (static
JavaScript under the CSP) and the amounts proposed from the tariff, submitted and accepted; a CSV
file with Dutch dates and a bad row answered with one Dutch line per problem."""

import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from tests.declaraties.geld_helpers import moment
from tests.trajecten.helpers import approved_traject
from trajecten.models import Aanvraag, Traject

from .screenshots import screenshot

D = datetime.date
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(moment(D(2026, 3, 2)), tick=True) as traveller:
        yield traveller


def _ja_nee(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def _csv(nummer: int, *rows: str) -> bytes:
    header = (
        "declaratieNummer;declaratiePeriodeBegin;declaratiePeriodeEind;productReferentie;toewijzingNummer;"
        "productCode;productPeriodeBegin;productPeriodeEind;geleverdVolume;ingediendBedrag"
    )
    return "\r\n".join([header, *(r.format(n=nummer) for r in rows)]).encode()


def test_provider_office_day(world, clock, live_server, page_as, assert_accessible):
    body = approved_traject(world, perceel="uwv-ips-epa")  # GGZ Noord, from 2 March 2026
    traject = Traject.objects.select_related("deelnemer").get(uuid=body["uuid"])
    person = traject.deelnemer
    clock.move_to(moment(D(2026, 4, 2)))
    naam = f"{person.voorletters} {person.achternaam}"

    for width in (1280, 375):
        page = page_as("ggz-noord", viewport={"width": width, "height": 900}, path="/")
        # find the participant by BSN (a POST: never in the URL) and open the participant page
        if width < 768:  # the compact menu opens with its button (backoffice/menu.js)
            page.get_by_role("button", name="Menu").click()
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Deelnemer zoeken").click()
        page.get_by_label("BSN").fill(person.bsn)
        page.get_by_role("button", name="Zoeken").click()
        page.get_by_role("link", name=naam).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(naam)
        assert person.bsn not in page.url
        rij = page.get_by_role("row").filter(has_text=f"Traject {traject.toewijzing_nummer}")
        expect(rij).to_contain_text("Actief")
        expect(rij).to_contain_text("2 maart 2026")
        assert_accessible(page)
        screenshot(page, f"deelnemer-aanbieder-{width}")

        # a new application for him: no BSN field; the active trajectory refuses, the values stay
        page.get_by_role("link", name="Nieuwe aanvraag").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Nieuwe aanvraag voor {naam}")
        expect(page.get_by_label("BSN")).to_have_count(0)
        expect(
            page.get_by_text(f"heeft al een actief traject bij uw organisatie (traject {traject.toewijzing_nummer})")
        ).to_be_visible()
        if width == 375:
            assert_accessible(page)
            page.goto(f"{live_server.url}/declaraties/nieuw/")
            page.get_by_role("button", name="Regel toevoegen").click()
            expect(page.locator("fieldset.regel")).to_have_count(4)
            assert_accessible(page)
            screenshot(page, "declaratie-formulier-375")
            # at the 50th row (the server refuses more) the button turns off and says why
            page.evaluate("document.getElementById('id_regels-TOTAL_FORMS').value = '49'")
            page.get_by_role("button", name="Regel toevoegen").click()
            expect(page.get_by_role("button", name="Regel toevoegen")).to_be_disabled()
            expect(page.get_by_text("Dit formulier heeft het maximum van 50 regels.")).to_be_visible()
            continue
        page.get_by_label("Perceel").select_option(label=f"{world.epa.naam} ({world.uwv_regeling.naam})")
        page.get_by_label("Regiebehandelaar").fill("Dr. K. de Boer")
        _ja_nee(page, "in behandeling in de specialistische ggz", "Ja")
        _ja_nee(page, "Wil de deelnemer betaald werk", "Ja")
        _ja_nee(page, "geen of een klein dienstverband", "Ja")
        page.get_by_label("Toestemming deelnemer getekend op").fill("2026-04-01")
        page.get_by_role("button", name="Aanvraag indienen").click()
        expect(page.get_by_text("De deelnemer heeft al een actief IPS-traject bij uw organisatie")).to_be_visible()
        expect(page.get_by_label("Regiebehandelaar")).to_have_value("Dr. K. de Boer")
        assert_accessible(page)
        assert not Aanvraag.objects.filter(deelnemer=person, status="ingediend").exists()

        # the declaration form: pick, add a row, propose, submit (March is over)
        page.goto(f"{live_server.url}/declaraties/nieuw/")
        page.get_by_label("Declaratienummer").fill("D-2026-03-1280")
        page.get_by_label("Declaratiemaand").fill("2026-03")
        regels = page.locator("fieldset.regel")
        keuze = f"{traject.toewijzing_nummer}: {naam} ({world.epa.naam})"
        eerste = regels.nth(0)
        eerste.get_by_label("Productreferentie").fill("START-1")
        eerste.get_by_label("Traject").select_option(label=keuze)
        eerste.locator("select[name$=product_code]").select_option("start")
        page.get_by_role("button", name="Regel toevoegen").click()
        expect(regels).to_have_count(4)
        nieuw = regels.nth(3)
        expect(nieuw.get_by_label("Productreferentie")).to_be_focused()
        nieuw.get_by_label("Productreferentie").fill("PER-1")
        nieuw.get_by_label("Traject").select_option(label=keuze)
        nieuw.locator("select[name$=product_code]").select_option("periode")
        page.get_by_role("button", name="Bedragen voorstellen").click()
        expect(page.locator("#voorstel-melding")).to_contain_text("Voor 2 regels")
        # the filled rows first: start (40% of 8000) and March's periode from the 2nd (30 of 31 days)
        expect(page.locator("#id_regels-0-ingediend_bedrag")).to_have_value("3200,00")
        expect(page.locator("#id_regels-1-geleverd_volume")).to_have_value("30")
        expect(page.locator("#id_regels-1-ingediend_bedrag")).to_have_value("86,02")
        assert_accessible(page)
        screenshot(page, "declaratie-formulier-1280")
        page.get_by_role("button", name="Declaratie indienen").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Declaratie D-2026-03-1280")
        expect(page.get_by_text("(Webformulier)")).to_be_visible()
        for ref in ("START-1", "PER-1"):
            expect(page.get_by_role("row").filter(has_text=ref)).to_contain_text("Toegekend")
        expect(page.get_by_text("een andere beoordelaar beslist")).to_have_count(0)
        assert_accessible(page)

        # CSV with Dutch dates and a bad row: one Dutch line per problem, nothing stored
        page.goto(f"{live_server.url}/declaraties/bestand/")
        bestand = _csv(
            traject.toewijzing_nummer,
            "D-2026-03-B;01-03-2026;31-03-2026;PL-1;{n};plaatsing;02-03-2026;02-03-2026;1;1600,00",
            "D-2026-03-B;01-03-2026;31-03-2026;PL-2;{n};plaatsing;31-02-2026;02-03-2026;een;",
        )
        page.get_by_label("Bestand (CSV of XLSX)").set_input_files(
            files=[{"name": "maart.csv", "mimeType": "text/csv", "buffer": bestand}]
        )
        page.get_by_role("button", name="Bestand inlezen").click()
        fouten = page.locator("ul.bestandsfouten > li")
        expect(fouten).to_have_count(3)
        expect(fouten.nth(0)).to_contain_text("Regel 3, kolom productPeriodeBegin: '31-02-2026' is geen geldige datum")
        expect(fouten.nth(1)).to_contain_text("Regel 3, kolom geleverdVolume")
        expect(fouten.nth(2)).to_contain_text("Regel 3, kolom ingediendBedrag")
        expect(page.get_by_text("Regel 2,")).to_have_count(0)  # the Dutch dates of row 2 are fine
        assert_accessible(page)
        screenshot(page, "declaratie-bestand-fouten")
        page.get_by_label("Bestand (CSV of XLSX)").set_input_files(
            files=[{"name": "maart.csv", "mimeType": "text/csv", "buffer": bestand.rsplit(b"\r\n", 1)[0]}]
        )
        page.get_by_role("button", name="Bestand inlezen").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Declaratie D-2026-03-B")
        # read (the Dutch dates) and judged: no placement yet
        expect(page.get_by_role("row").filter(has_text="PL-1")).to_contain_text("IPS01")
