"""In a real browser (issue 9, findings 1 and 4): the funder sees on the application page that the
same person has a trajectory elsewhere, the provider does not; the BSN search page leaves the field
empty after a typo. axe-core checks the pages."""

import pytest
from playwright.sync_api import expect

from tests.factories import valid_bsn

pytestmark = pytest.mark.django_db(transaction=True)

BSN = valid_bsn(3501)
PERSON = {
    "voorletters": "K.",
    "achternaam": "Jansen",
    "geboortedatum": "1980-06-01",
    "gemeente": "0363",
    "uitkering": "wga_80_100",
    "doelgroep": "epa",
}
AANVRAAG = {
    "perceel": "uwv-ips-epa",
    "regiebehandelaar": "Dr. P. Jansen",
    "inBehandelingSggz": True,
    "wensBetaaldWerk": True,
    "geenOfKleinDienstverband": True,
    "toestemmingOp": "2026-01-05",
}


def _apply(world, user) -> dict:
    client = world.client(user)
    deelnemer = client.post("/api/v1/deelnemers", {**PERSON, "bsn": BSN}, format="json").json()
    aanvraag = client.post("/api/v1/aanvragen", {**AANVRAAG, "deelnemer": deelnemer["uuid"]}, format="json")
    assert aanvraag.status_code == 201, aanvraag.json()
    return aanvraag.json()


def test_the_funder_sees_the_samenloop_and_the_provider_not(world, live_server, page_as, assert_accessible):
    first = _apply(world, world.ggz_zuid)
    assert (
        world.client(world.uwv)
        .post(f"/api/v1/aanvragen/{first['uuid']}/beoordelingen", {"besluit": "akkoord"}, format="json")
        .status_code
        == 201
    )
    second = _apply(world, world.ribw_oost)

    page = page_as("uwv")
    page.goto(f"{live_server.url}/aanvragen/{second['uuid']}/")
    block = page.get_by_role("region", name="Eén traject per deelnemer")
    expect(block).to_contain_text("Voor deze deelnemer loopt al een actief IPS-traject (bij een andere aanbieder).")
    assert_accessible(page)
    page.get_by_label("Akkoord", exact=True).check()
    page.get_by_label("Ik bevestig").check()
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.get_by_text("dubbel-traject")).to_be_visible()

    provider = page_as("ribw-oost")
    provider.goto(f"{live_server.url}/aanvragen/{second['uuid']}/")
    expect(provider.get_by_role("heading", level=1)).to_contain_text("Aanvraag K. Jansen")
    expect(provider.get_by_text("Eén traject per deelnemer")).to_have_count(0)


def test_the_search_page_leaves_the_field_empty_after_a_typo(world, live_server, page_as, assert_accessible):
    page = page_as("ggz-noord")
    page.goto(f"{live_server.url}/deelnemers/zoeken/")
    typo = BSN[:-1] + str((int(BSN[-1]) + 1) % 10)
    page.get_by_label("BSN").fill(typo)
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_text("elfproef")).to_be_visible()
    expect(page.get_by_label("BSN")).to_have_value("")
    assert typo not in page.content()
    assert_accessible(page)
