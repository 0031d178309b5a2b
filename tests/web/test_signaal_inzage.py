"""Issue 9, finding 5, in the browser: the late claim's signal is on UWV financieel's signals page
(with a link to the claim) and not on the UWV beoordelaar's."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from playwright.sync_api import expect

from declaraties.models import Vordering
from tests.backoffice.jobs_helpers import noon, run

pytestmark = pytest.mark.django_db(transaction=True)

TEKST = "De vordering Amsterdam over december 2025 is niet op tijd betaald"


def test_the_late_claim_signal_shows_for_uwv_financieel_only(live_server, page_as, assert_accessible):
    from tests.conftest import World

    day = dt.date(2026, 1, 7)
    with time_machine.travel(noon(dt.date(2026, 1, 5)), tick=False) as clock:
        world = World()
        claim = Vordering.objects.create(
            gemeente=world.amsterdam,
            periode=dt.date(2025, 12, 1),
            bedrag=Decimal("100.00"),
            status="verzonden",
            factuurnummer="IPS-2099-000001",
            factuurdatum=dt.date(2025, 12, 1),
            vervaldatum=dt.date(2026, 1, 5),
        )
        run(clock, "nightly", day)

    financieel = page_as("uwv-financieel")
    financieel.goto(f"{live_server.url}/signalen/")
    link = financieel.get_by_role("link", name=TEKST)
    expect(link).to_be_visible()
    assert_accessible(financieel)
    link.click()
    financieel.wait_for_url(f"{live_server.url}/vorderingen/{claim.uuid}/")

    beoordelaar = page_as("uwv")
    beoordelaar.goto(f"{live_server.url}/signalen/")
    expect(beoordelaar.get_by_role("heading", level=1)).to_be_visible()
    expect(beoordelaar.locator("main")).not_to_contain_text(TEKST)
    assert beoordelaar.goto(f"{live_server.url}/vorderingen/{claim.uuid}/").status == 403
