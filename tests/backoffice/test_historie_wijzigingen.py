"""The history says who changed what: the person's full name (never the username), "Systeem" for a
job, the moment in Dutch, and per changed field its Dutch name with the old and the new value
(choices as labels, money as € 8.000,00, dates as 1 mei 2026), in a number of queries that does
not grow with the number of changes."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backoffice.history import historie_regels, record
from declaraties.models import Vordering
from tests.declaraties.geld_helpers import moment
from tests.web.test_geld_views import build_money

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(moment(D(2026, 3, 2)), tick=False) as traveller:
        yield traveller


def _wijzig(vordering, by, **values):
    for name, value in values.items():
        setattr(vordering, name, value)
    record(vordering, by=by, reason="handmatig bijgewerkt")
    vordering.save()


def test_each_entry_says_who_when_and_which_field_went_from_what_to_what(clock, world):
    _, _, vordering = build_money(world, clock)
    fin = world.uwv_fin
    fin.first_name, fin.last_name = "Fatima", "El Amrani"
    fin.save()
    clock.move_to(moment(D(2026, 4, 10), hour=14))
    _wijzig(vordering, fin, ontvangen=Decimal("1000.00"), status="deels_betaald", vervaldatum=D(2026, 5, 15))

    nieuwste, *_, eerste = historie_regels(vordering.history.select_related("history_user").order_by("-history_date"))
    assert (nieuwste.wie, nieuwste.wat, nieuwste.status) == (
        "Fatima El Amrani",
        "handmatig bijgewerkt",
        "Deels betaald",
    )
    velden = {w.veld: (w.oud, w.nieuw) for w in nieuwste.wijzigingen}
    assert velden == {
        "Ontvangen": ("€\u00a00,00", "€\u00a01.000,00"),
        "Status": ("Verzonden", "Deels betaald"),
        "Vervaldatum": ("1 mei 2026", "15 mei 2026"),
    }
    assert eerste.wie.startswith("Systeem (taak") or eerste.wie == "Systeem"  # made by the monthly job
    assert eerste.wijzigingen == []  # the first row of an object: created, nothing to compare

    client = Client()
    client.force_login(fin)
    html = client.get(f"/vorderingen/{vordering.uuid}/").content.decode()
    for text in (
        "10 april 2026, 14:00",
        "Fatima El Amrani",
        'Ontvangen</span>: van <span class="wijzigingen__oud">€\u00a00,00</span> naar <span class="wijzigingen__nieuw">€\u00a01.000,00</span>',
        'Vervaldatum</span>: van <span class="wijzigingen__oud">1 mei 2026</span>',
    ):
        assert text in html, text
    assert "uwv-financieel" not in html.split("Historie")[-1]  # the full name, not the username


def test_the_history_costs_the_same_queries_for_two_changes_or_twenty(clock, world):
    _, _, vordering = build_money(world, clock)

    def queries() -> int:
        rows = vordering.history.select_related("history_user").order_by("-history_date", "-history_id")[:30]
        with CaptureQueriesContext(connection) as ctx:
            regels = historie_regels(rows)
        assert regels
        return len(ctx.captured_queries)

    _wijzig(vordering, world.uwv_fin, ontvangen=Decimal("1.00"))
    weinig = queries()
    for i in range(2, 20):
        _wijzig(Vordering.objects.get(pk=vordering.pk), world.uwv_fin, ontvangen=Decimal(i))
    assert queries() == weinig <= 3
