"""The "Documenten" block in a real browser: the gemeente opens an application it decided, sees
the beschikking listed (title, date, short SHA-256) and downloads the PDF, which states the
decision; another gemeente cannot download it."""

import hashlib

import pytest
from playwright.sync_api import expect

from backoffice.models import Document
from tests.factories import AanvraagFactory
from tests.pdf import pdf_tekst

from .screenshots import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_gemeente_downloads_the_beschikking_from_the_application_page(
    world, live_server, page_as, assert_accessible
):
    aanvraag = AanvraagFactory(route="gemeente", gemeente=world.amsterdam, gemeente_akkoord=True)
    document = Document.objects.get(object_uuid=aanvraag.uuid)
    page = page_as("gemeente-amsterdam")
    page.goto(f"{live_server.url}/aanvragen/{aanvraag.uuid}/")

    blok = page.locator("section.documenten")
    expect(blok.get_by_role("heading", name="Documenten")).to_be_visible()
    expect(blok.get_by_role("cell", name="Beschikking: toekenning IPS-traject", exact=True)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "aanvraag-documenten")
    with page.expect_download() as info:
        blok.get_by_role("link", name="PDF downloaden").click()
    download = info.value
    assert download.suggested_filename == document.bestandsnaam
    pdf = open(download.path(), "rb").read()
    document.refresh_from_db()
    assert hashlib.sha256(pdf).hexdigest() == document.sha256  # rendered on this first read, stored
    tekst = pdf_tekst(pdf)
    assert "besloten de aanvraag toe te kennen" in tekst and "artikel 6:7" in tekst

    # the block now shows the short hash; another gemeente gets a 404 for the same link
    page.reload()
    expect(blok).to_contain_text(document.sha256[:12])
    ander = page_as("gemeente-utrecht")
    response = ander.goto(f"{live_server.url}/documenten/{document.uuid}/document.pdf")
    assert response.status == 404
