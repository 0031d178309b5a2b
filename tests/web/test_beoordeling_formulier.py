"""Issue 9, finding 6: the web assessment form (/declaraties/<uuid>/beoordeling/) goes through the
same checks as the API, in the service: a crafted POST with several rows for one line, a row for a
line of another declaration or a mix of valid and invalid rows changes nothing (not the
trajectory's ``gedeclareerd``, not the lines, not the budget) and answers a Dutch message, never a
500."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from backoffice.models import Instellingen
from declaraties import services
from declaraties.models import Prestatie
from financiering.models import Budget
from tests.declaraties.geld_helpers import moment, start_line
from tests.trajecten.helpers import approved_traject
from trajecten.models import Traject

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(moment(D(2026, 3, 2)), tick=False) as traveller:
        yield traveller


def _waiting(world, clock, nummer: str, ref: str):
    """A declaration of ggz-noord with one start line (3,200) waiting for UWV."""
    clock.move_to(moment(D(2026, 3, 2)))
    traject = approved_traject(world, perceel="demo-gem-epa")
    Instellingen.objects.update_or_create(pk=1, defaults={"declaratie_automatisch_toekennen": False})
    clock.move_to(moment(D(2026, 3, 10)))
    line = start_line(traject, ref, D(2026, 3, 2))
    declaratie, _ = services.declaratie_submit(
        by=world.ggz_noord,
        invoer=services.DeclaratieInvoer(
            declaratie_nummer=nummer, begindatum=D(2026, 3, 1), einddatum=D(2026, 3, 31), regels=[line]
        ),
    )
    assert declaratie.prestaties.get().status == "in_behandeling"
    return declaratie, Traject.objects.get(uuid=traject["uuid"])


def _rows(*rows, total=None, bevestigd=True) -> dict:
    data = {"b-TOTAL_FORMS": str(len(rows) if total is None else total), "b-INITIAL_FORMS": "0"}
    for i, (ref, besluit, toelichting) in enumerate(rows):
        data |= {f"b-{i}-product_referentie": ref, f"b-{i}-besluit": besluit, f"b-{i}-toelichting": toelichting}
    if bevestigd:
        data["bevestigd"] = "on"
    return data


def _state():
    return (
        sorted(Prestatie.objects.values_list("product_referentie", "status", "toegekend_bedrag")),
        sorted(Traject.objects.values_list("pk", "gedeclareerd")),
        sorted(Budget.objects.values_list("pk", "gereserveerd", "gerealiseerd")),
    )


def _uwv(world) -> Client:
    """Logged in after the clock moved (a session started before would have expired)."""
    client = Client()
    client.force_login(world.uwv)
    return client


@pytest.mark.parametrize("bevestigd", [False, True])
@pytest.mark.parametrize(
    "rows, message",
    [
        # Five rows for one line: the trajectory's gedeclareerd went from 3,200 to 16,000.
        (
            [("S1", "toegekend", "")] * 5,
            "Elke regel wordt één keer beoordeeld; meer dan één besluit voor: S1. (code: dubbele-regel)",
        ),
        # One line granted and rejected at once.
        (
            [("S1", "toegekend", ""), ("S1", "afgewezen", "Niet geleverd.")],
            "Elke regel wordt één keer beoordeeld; meer dan één besluit voor: S1. (code: dubbele-regel)",
        ),
        # A line of another declaration (of ggz-noord too) next to a valid row.
        (
            [("S1", "toegekend", ""), ("ANDER", "toegekend", "")],
            "Deze regel hoort niet bij deze declaratie: ANDER. (code: onbekende-regel)",
        ),
        # A reference that exists nowhere.
        ([("BESTAAT-NIET", "afgewezen", "x")], "Deze regel hoort niet bij deze declaratie: BESTAAT-NIET."),
    ],
)
def test_crafted_rows_change_nothing_and_say_why(world, clock, rows, message, bevestigd):
    declaratie, traject = _waiting(world, clock, "D-1", "S1")
    _waiting(world, clock, "D-2", "ANDER")
    before = _state()
    response = _uwv(world).post(f"/declaraties/{declaratie.uuid}/beoordeling/", _rows(*rows, bevestigd=bevestigd))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Er is niets vastgelegd:" in html and message in html
    # The form is shown afresh: one row per waiting line.
    assert html.count('name="b-0-product_referentie" value="S1"') == 1 and "b-1-product_referentie" not in html
    assert _state() == before
    traject.refresh_from_db()
    assert traject.gedeclareerd == Decimal("0.00")


@pytest.mark.parametrize(
    "data",
    [
        # Mixed rows: a valid one and one with an unknown decision and no reference (was a 500).
        _rows(("S1", "toegekend", ""), ("", "vernietigd", "")),
        # More rows than waiting lines, the extra one empty (was a 500 from the row pairing).
        _rows(("S1", "", ""), ("", "", "")),
        # A broken management form and a huge number of forms.
        {"b-TOTAL_FORMS": "twee", "b-INITIAL_FORMS": "0"},
        _rows(("S1", "toegekend", ""), total=10**9),
        {},
    ],
)
def test_malformed_forms_are_a_400_with_the_form_again(world, clock, data):
    declaratie, _ = _waiting(world, clock, "D-1", "S1")
    before = _state()
    response = _uwv(world).post(f"/declaraties/{declaratie.uuid}/beoordeling/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Wachtende regels beoordelen" in html and 'name="b-0-product_referentie" value="S1"' in html
    assert _state() == before


def test_one_row_per_line_still_decides_it(world, clock):
    declaratie, traject = _waiting(world, clock, "D-1", "S1")
    url = f"/declaraties/{declaratie.uuid}/beoordeling/"
    uwv = _uwv(world)
    confirm = uwv.post(url, _rows(("S1", "toegekend", ""), bevestigd=False))
    assert confirm.status_code == 200 and "U kent 1 regel toe: S1." in confirm.content.decode()
    done = uwv.post(url, _rows(("S1", "toegekend", "")), follow=True)
    assert "1 regel beoordeeld." in done.content.decode()
    traject.refresh_from_db()
    assert traject.gedeclareerd == Decimal("3200.00")
    assert Prestatie.objects.get(product_referentie="S1").status == "toegekend"


def test_the_api_gives_the_same_codes(world, clock):
    declaratie, traject = _waiting(world, clock, "D-1", "S1")
    _waiting(world, clock, "D-2", "ANDER")
    url = f"/api/v1/declaraties/{declaratie.uuid}/beoordelingen"
    client = world.client(world.uwv)
    twice = client.post(url, {"besluiten": [{"productReferentie": "S1", "besluit": "toegekend"}] * 2}, format="json")
    assert twice.status_code == 400
    assert twice.json()["code"] == "dubbele-regel"
    assert twice.json()["invalidParams"][0]["name"] == "besluiten"
    other = client.post(url, {"besluiten": [{"productReferentie": "ANDER", "besluit": "toegekend"}]}, format="json")
    assert other.status_code == 400 and other.json()["code"] == "onbekende-regel"
    traject.refresh_from_db()
    assert traject.gedeclareerd == Decimal("0.00")
