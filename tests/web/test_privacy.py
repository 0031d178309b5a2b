"""Privacy pages in a real browser: the provider opens the participant's page and prints the AVG
art. 15 inzage (print stylesheet: no menu, no buttons); the privacy officer (FG) searches the
processing log by BSN (the BSN never in the address bar) and finds who processed the participant,
the inzage export included. axe-core checks every page.

With IPS_SCREENSHOTS=<folder> the inzage (screen and print) and the log page are saved there."""

import re

import pytest
from playwright.sync_api import expect

from backoffice import roles
from tests.trajecten.helpers import approved_traject
from trajecten.models import Deelnemer

from .screenshots import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_provider_prints_the_inzage_and_the_fg_finds_it_in_the_log(world, live_server, page_as, assert_accessible):
    traject = approved_traject(world)
    world.f.make_user(roles.PRIVACY_OFFICER, username="privacy")
    bsn = Deelnemer.objects.get(uuid=traject["deelnemer"]).bsn

    page = page_as("ggz-noord")
    page.goto(f"{live_server.url}/deelnemers/{traject['deelnemer']}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("A.B. de Vries")
    page.get_by_role("link", name="Inzage persoonsgegevens (AVG art. 15)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inzage persoonsgegevens (AVG art. 15)")
    for kop in (
        "1. Persoonsgegevens",
        "2. Aanvragen en besluiten",
        "3. Trajecten",
        "4. Documenten",
        "5. Wie uw gegevens verwerkte",
    ):
        expect(page.get_by_role("heading", name=kop)).to_be_visible()
    verwerkingen = page.get_by_role("table").last
    expect(verwerkingen).to_contain_text("GGZ Noord")
    expect(verwerkingen).to_contain_text("Aanvraag indienen")
    expect(verwerkingen).to_contain_text("UWV")
    assert bsn not in page.content()
    assert_accessible(page)
    screenshot(page, "inzage-avg15")

    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_hidden()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_hidden()
    expect(page.get_by_role("heading", name="3. Trajecten")).to_be_visible()
    screenshot(page, "inzage-avg15-afdruk")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000

    fg = page_as("privacy", path="/")
    fg.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Verwerkingslog").click()
    expect(fg.get_by_role("heading", level=1)).to_have_text("Verwerkingslog")
    assert_accessible(fg)
    fg.get_by_role("textbox", name="BSN").fill(bsn)
    fg.get_by_role("button", name="Zoeken op BSN").click()
    fg.wait_for_url(re.compile(r"/verwerkingen/\?zoek=bsn$"))
    assert bsn not in fg.url and bsn not in fg.content()
    expect(fg.get_by_role("textbox", name="BSN")).to_have_value("")
    resultaten = fg.get_by_role("region", name="Verwerkingen, horizontaal scrollbaar")
    expect(resultaten).to_contain_text("Inzage door de betrokkene (AVG art. 15)")
    expect(resultaten).to_contain_text("ggz-noord")
    expect(resultaten).to_contain_text("Exporteren")
    expect(fg.get_by_role("heading", name="Wie zocht dit BSN op")).to_be_visible()
    assert_accessible(fg)
    screenshot(fg, "verwerkingslog-fg")

    fg.get_by_label("Doel", exact=True).select_option(label="Inzage door de betrokkene (AVG art. 15)")
    fg.get_by_role("button", name="Filteren").click()
    expect(
        fg.get_by_role("heading", name=re.compile("Verwerkingen van de deelnemer met het gezochte BSN: 1"))
    ).to_be_visible()
