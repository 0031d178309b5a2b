"""The lists of budgets, schemes and fidelity on the one list machinery (backoffice.lijsten), through
Django's test client: a search by name (a POST), a sort by column, a filter that is remembered and
the export of the list as shown."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from tests.factories import ModeltrouwmetingFactory, budget
from tests.factories import client_as as _client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.datetime(2026, 6, 17, 10, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False) as t:
        yield t


def _csv(client, url) -> list[list[str]]:
    return [r.split(";") for r in client.get(f"{url}?export=csv").content.decode("utf-8-sig").splitlines()]


def test_budgets_search_sort_remember_the_year_and_export(world):
    budget(world.utrecht, world.gem_regeling, "250000.00")
    budget(world.utrecht, world.gem_regeling, "5000.00", jaar=2025)
    client = _client(world.uwv_fin)
    page = client.get("/budgetten/?sorteer=-toegekend").content.decode()
    assert page.index("Utrecht") < page.index("Amsterdam") and 'aria-sort="descending"' in page
    naam = world.gem_regeling.naam
    assert _csv(client, "/budgetten/")[1:] == [
        ["Utrecht", naam, "2026", "250.000,00", "0,00", "0,00", "250.000,00", "0"],
        ["Amsterdam", naam, "2026", "100.000,00", "0,00", "0,00", "100.000,00", "0"],
    ]
    # the year is remembered; a search narrows the list and its totals
    client.get("/budgetten/?jaar=2025")
    assert "Budgetten 2025" in client.get("/budgetten/").content.decode()
    client.get("/budgetten/?jaar=2026")
    assert client.post("/budgetten/", {"zoekterm": "utre"}).status_code == 302
    page = client.get("/budgetten/").content.decode()
    assert "Amsterdam" not in page and "Gezocht op" in page
    rows = list(
        load_workbook(io.BytesIO(client.get("/budgetten/?export=xlsx").content)).active.iter_rows(values_only=True)
    )
    assert (
        rows[0][:4] == ("Gemeente", "Regeling", "Jaar", "Toegekend")
        and rows[1][0] == "Utrecht"
        and rows[1][3] == 250000
    )
    assert len(rows) == 2


def test_schemes_search_filter_and_export(world):
    client = _client(world.beheer)
    page = client.get("/beheer/regelingen/?route=gemeente").content.decode()
    assert world.gem_regeling.naam in page and "Inkoopkader IPS" not in page
    assert world.gem_regeling.naam in client.get("/beheer/regelingen/").content.decode()  # remembered
    csv = _csv(client, "/beheer/regelingen/")
    assert csv[0] == ["Regeling", "Code", "Routes", "Aanvragen vanaf", "Aanvragen tot en met", "Percelen", "Ingericht"]
    assert [r[1] for r in csv[1:]] == ["demo-gem"] and csv[1][2] == "gemeente" and csv[1][5] == "2"
    client.get("/beheer/regelingen/?wissen=1")
    assert client.post("/beheer/regelingen/", {"zoekterm": "inkoop"}).status_code == 302
    assert [r[1] for r in _csv(client, "/beheer/regelingen/")[1:]] == ["uwv-ips"]


def test_fidelity_overview_search_sort_filter_and_export(world):
    ModeltrouwmetingFactory(aanbieder=world.ribw, datum=datetime.date(2024, 7, 1))
    world.f.AanbiederFactory(naam="Arbeid Zonder Meting")
    client = _client(world.auditor)
    page = client.get("/modeltrouw/?sorteer=-aanbieder").content.decode()
    assert page.index("RIBW Oost") < page.index("GGZ Zuid") < page.index("GGZ Noord") < page.index("Arbeid Zonder")
    client.get("/modeltrouw/?gemeten=nee")
    page = client.get("/modeltrouw/").content.decode()
    assert "Arbeid Zonder Meting" in page and "GGZ Noord" not in page
    assert _csv(client, "/modeltrouw/")[1] == ["Arbeid Zonder Meting", "", "", "", "", "niet geldig"]
    client.get("/modeltrouw/?gemeten=")
    assert client.post("/modeltrouw/", {"zoekterm": "ggz"}).status_code == 302
    csv = _csv(client, "/modeltrouw/")
    assert csv[0] == ["Aanbieder", "Laatste meting", "Totaal", "Band", "Geldig tot", "Oordeel"]
    assert [r[0] for r in csv[1:]] == ["GGZ Noord", "GGZ Zuid"]  # the new filter reset the sort
