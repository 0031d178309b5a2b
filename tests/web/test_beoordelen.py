"""The gemeente's and UWV's journeys in a real browser: the werkbak, the applications list, the
beschikking with its confirmation and the committed budget, UWV's decision landing on the new
trajectory, and a rejection without a reason. axe-core checks every page on the way.

With IPS_SCREENSHOTS=<folder> the application page with the decision form is saved there (PNG);
the README's "Schermen" shows the ones in docs/screenshots/."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from financiering.models import Budget, Regeling
from tests.trajecten.helpers import aanvraag, beoordeel
from trajecten.models import Aanvraag, Traject

from .conftest import assert_fits
from .screenshots import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _naam(filed: dict) -> str:
    person = Aanvraag.objects.select_related("deelnemer").get(uuid=filed["uuid"]).deelnemer
    return f"{person.voorletters} {person.achternaam}"


def test_gemeente_gives_the_beschikking_and_sees_the_budget_committed(world, live_server, page_as, assert_accessible):
    filed = aanvraag(world, perceel="demo-gem-epa")
    page = page_as("gemeente-amsterdam", path="/")

    assert_accessible(page)
    page.get_by_role("navigation").get_by_role("link", name="Aanvragen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanvragen")
    assert_accessible(page)

    page.get_by_role("link", name=_naam(filed)).click()
    expect(page.get_by_role("heading", name="Beschikking geven")).to_be_visible()
    expect(page.locator("#budget")).to_contain_text("100.000,00")  # free now
    expect(page.locator("#budget")).to_contain_text("92.000,00")  # free after the commitment
    assert_accessible(page)
    screenshot(page, "aanvraag-beschikking-gemeente")

    # the key step of the gemeente's day also on a phone (issue 12): the rest of the test at 375 px
    page.set_viewport_size({"width": 375, "height": 740})
    assert_fits(page)
    page.get_by_label("Akkoord").check()
    page.get_by_role("button", name="Besluit vastleggen").click()  # without the confirmation box
    expect(page.get_by_label("Ik bevestig dit besluit")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    assert Aanvraag.objects.get(uuid=filed["uuid"]).status == "ingediend"

    page.get_by_label("Akkoord").check()
    page.get_by_label("Ik bevestig dit besluit").check()
    page.get_by_role("button", name="Besluit vastleggen").click()
    # the beschikking is the grant: the gemeente lands on the new trajectory
    traject = Traject.objects.get(aanvraag__uuid=filed["uuid"])
    expect(page).to_have_url(re.compile(str(traject.uuid)))
    expect(page.get_by_text(re.compile(r"8\.000,00 is gereserveerd op het budget van Amsterdam"))).to_be_visible()
    expect(page.get_by_text(f"toewijzingnummer {traject.toewijzing_nummer}")).to_be_visible()
    assert_accessible(page)
    assert_fits(page)
    screenshot(page, "beschikking-traject")
    assert Budget.objects.get(pk=world.budget_amsterdam.pk).gereserveerd == Decimal("8000.00")
    page.goto(f"{live_server.url}/aanvragen/{filed['uuid']}/")
    expect(page.get_by_role("cell", name="Beschikking gemeente")).to_be_visible()
    expect(
        page.get_by_text(
            re.compile("Namens het college van burgemeester en wethouders van Amsterdam, krachtens mandaat")
        )
    ).to_be_visible()


def test_uwv_decides_and_lands_on_the_trajectory(world, live_server, page_as, assert_accessible):
    """A scheme that asks UWV's consent after the beschikking (``uwvAkkoordNaBeschikking``)."""
    Regeling.objects.filter(pk=world.gem_regeling.pk).update(uwv_akkoord_na_beschikking=True)
    filed = aanvraag(world, perceel="demo-gem-epa")
    assert beoordeel(world, world.gem_amsterdam, filed["uuid"]).status_code == 201
    page = page_as("uwv")

    page.goto(f"{live_server.url}/aanvragen/?status=gemeente_akkoord")
    assert_accessible(page)
    # On the gemeente route the participant is not UWV's client: no name, BSN or date of birth
    # (docs/privacy.md); UWV finds the application by lot, provider and gemeente.
    expect(page.get_by_text(_naam(filed))).to_have_count(0)
    page.get_by_role("link", name="Afgeschermd").click()
    expect(page.get_by_role("heading", name="Besluit UWV")).to_be_visible()
    expect(page.get_by_text("Afgeschermd: op de gemeenteroute is de deelnemer niet de klant van UWV")).to_be_visible()
    expect(page.get_by_text(_naam(filed))).to_have_count(0)
    expect(page.get_by_text("Getekend op")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "aanvraag-besluit-uwv")

    page.set_viewport_size({"width": 375, "height": 740})  # UWV's decision also on a phone (issue 12)
    assert_fits(page)
    page.get_by_label("Akkoord").check()
    page.get_by_label("Ik bevestig dit besluit").check()
    page.get_by_role("button", name="Besluit vastleggen").click()

    traject = Traject.objects.get(aanvraag__uuid=filed["uuid"])
    expect(page).to_have_url(re.compile(str(traject.uuid)))
    expect(page.get_by_text(f"toewijzingnummer {traject.toewijzing_nummer}")).to_be_visible()
    assert_accessible(page)
    assert_fits(page)


def test_rejection_without_toelichting_names_the_field(world, live_server, page_as, assert_accessible):
    filed = aanvraag(world, perceel="demo-gem-epa")
    page = page_as("gemeente-amsterdam")
    page.goto(f"{live_server.url}/aanvragen/{filed['uuid']}/")

    page.get_by_label("Afwijzen").check()
    page.get_by_label("Ik bevestig dit besluit").check()
    page.get_by_role("button", name="Besluit vastleggen").click()

    toelichting = page.get_by_label("Toelichting")
    expect(toelichting).to_have_attribute("aria-invalid", "true")
    expect(toelichting).to_have_accessible_description(re.compile("toelichting-verplicht"))
    assert_accessible(page)
    assert Aanvraag.objects.get(uuid=filed["uuid"]).status == "ingediend"
