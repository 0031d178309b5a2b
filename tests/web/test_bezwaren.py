"""An objection in a real browser, both sides: the provider objects against the gemeente's refusal
of an application (the term on the form, the confirmation page, the objection's page with its
acknowledgement), a colleague at the gemeente decides it gegrond (the outcomes explained, the
effects on the confirmation page, the result), and the application is back for a new decision,
with the decision on the objection in the objection's documents. axe-core checks every page.

With IPS_SCREENSHOTS=<folder> the filing form, the objection page, the confirmation and the result
are saved there (PNG)."""

import re

import pytest
from playwright.sync_api import expect

from backoffice import roles
from bezwaren.models import Bezwaarschrift
from tests.trajecten.helpers import filed_aanvraag
from trajecten import services as zaak
from trajecten.models import Aanvraag

from .screenshots import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_provider_objects_the_gemeente_decides_gegrond_and_the_application_is_back(
    world, live_server, page_as, assert_accessible
):
    aanvraag = filed_aanvraag(world, perceel="demo-gem-epa")
    zaak.aanvraag_decide(
        by=world.gem_amsterdam, aanvraag=aanvraag, besluit="afgewezen", toelichting="Geen budget meer dit jaar."
    )
    # who refused does not decide on the objection (Awb 7:5): a colleague at the same gemeente does
    world.f.make_user(roles.GEMEENTE, gemeenten=[world.amsterdam], username="gemeente-amsterdam-2")

    page = page_as("ggz-noord")
    page.goto(f"{live_server.url}/aanvragen/{aanvraag.uuid}/")
    expect(page.get_by_role("heading", name="Bezwaar", exact=True)).to_be_visible()
    screenshot(page, "bezwaar-op-de-aanvraag")
    page.get_by_role("link", name="Bezwaar maken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bezwaar maken")
    expect(page.locator("#termijn")).to_contain_text(
        re.compile(r"De bezwaartermijn loopt tot \d\d-\d\d-\d{4} \(6 weken na het besluit, Awb art\. 6:7\)\.")
    )
    assert_accessible(page)
    page.get_by_role("button", name="Verder naar bevestigen").click()  # without grounds
    expect(page.get_by_label("Gronden van het bezwaar")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.get_by_label("Gronden van het bezwaar").fill("Er was nog budget: de gemeente heeft het verkeerd geteld.")
    screenshot(page, "bezwaar-maken")
    page.get_by_role("button", name="Verder naar bevestigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bevestig uw bezwaar")
    assert_accessible(page)
    assert not Bezwaarschrift.objects.exists()
    page.get_by_role("button", name="Ja, dien het bezwaar in").click()

    bezwaar = Bezwaarschrift.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bezwaar {bezwaar.nummer}")
    expect(page.get_by_text(f"Uw bezwaar {bezwaar.nummer} is ingediend")).to_be_visible()
    expect(page.locator(".kop-status .status")).to_have_text("Ingediend")
    expect(page.get_by_role("link", name=re.compile("^Aanvraag .* van GGZ Noord$"))).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"Het besluit van \d\d-\d\d-\d{4} op de aanvraag \(afgewezen\)"))
    ).to_be_visible()
    documenten = page.locator("section.documenten")
    expect(documenten).to_contain_text("Ontvangstbevestiging")
    assert_accessible(page)
    screenshot(page, "bezwaar-ingediend")

    gemeente = page_as("gemeente-amsterdam-2", path="/")
    werkbak = gemeente.locator(
        "section", has=gemeente.get_by_role("heading", name=re.compile("Bezwaren om te beslissen"))
    )
    expect(werkbak).to_contain_text(bezwaar.nummer)
    gemeente.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Bezwaren").click()
    expect(gemeente.get_by_role("heading", level=1)).to_have_text("Bezwaren")
    assert_accessible(gemeente)
    screenshot(gemeente, "bezwaren-lijst")
    gemeente.get_by_role("link", name=bezwaar.nummer).click()
    expect(gemeente.get_by_role("heading", name="Beslissen op het bezwaar")).to_be_visible()
    expect(gemeente.get_by_text("Er was nog budget")).to_be_visible()
    assert_accessible(gemeente)
    gemeente.get_by_label(re.compile(r"^Gegrond: het besluit wordt herroepen en er volgt een nieuw besluit")).check()
    gemeente.get_by_label("Motivering").fill("Het budget liet de aanvraag toe; de afwijzing was onjuist.")
    screenshot(gemeente, "bezwaar-beslissen")
    gemeente.get_by_role("button", name="Verder naar bevestigen").click()

    expect(gemeente.get_by_role("heading", level=1)).to_have_text(f"Bevestig uw besluit op bezwaar {bezwaar.nummer}")
    expect(gemeente.get_by_text("De afwijzing van de aanvraag wordt herroepen; er beweegt geen geld.")).to_be_visible()
    assert_accessible(gemeente)
    screenshot(gemeente, "bezwaar-bevestigen")
    gemeente.get_by_role("button", name="Ja, leg het besluit op bezwaar vast").click()

    expect(gemeente.get_by_role("heading", name="Besluit op bezwaar: gegrond")).to_be_visible()
    expect(gemeente.locator(".kop-status .status")).to_have_text("Gegrond")
    expect(gemeente.locator("section.documenten")).to_contain_text(f"Beslissing op bezwaar {bezwaar.nummer}")
    assert_accessible(gemeente)
    screenshot(gemeente, "bezwaar-gegrond")
    assert Aanvraag.objects.get(pk=aanvraag.pk).status == "ingediend"

    gemeente.get_by_role("link", name=re.compile("^Naar het nieuwe besluit: Aanvraag")).click()
    expect(gemeente.get_by_role("heading", name="Beschikking geven")).to_be_visible()
    assert_accessible(gemeente)
