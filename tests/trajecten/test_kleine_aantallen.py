"""Small cells (docs/privacy.md, "Kleine aantallen"): the work monitor and the dashboard suppress
groups of fewer than 5 trajectories (a setting of the beheerder), with secondary suppression where
one small group could be computed back from the total, and say so in the JSON, the CSV, the XLSX
and on the page. UWV and gemeenten get the rows without quasi-identifiers and without small cells."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from backoffice.models import Instellingen
from tests.conftest import shared_world
from tests.trajecten import helpers
from trajecten import werkmonitor

START = dt.date(2026, 1, 5)
LATER = dt.datetime(2026, 4, 15, 12, 0, tzinfo=dt.UTC)  # the dashboard shows 2026-Q1 then
URL = "/api/v1/werkmonitor"
NOTE = "Groepen met minder dan 5 trajecten worden niet getoond (privacy)"


@pytest.fixture
def world(db):
    with time_machine.travel(dt.datetime.combine(START, dt.time(9), tzinfo=dt.UTC), tick=False):
        world = shared_world()
        world.rotterdam = world.f.GemeenteFactory(code="0599", naam="Rotterdam", provincie="Zuid-Holland")
        return world


@pytest.fixture
def gevuld(world):
    """Amsterdam 5 trajectories (4 on the UWV route, 1 on the gemeente route), Utrecht 4, Rotterdam 2."""
    with time_machine.travel(dt.datetime.combine(START, dt.time(12), tzinfo=dt.UTC), tick=False):
        for gemeente, n in (("0363", 4), ("0344", 4), ("0599", 2)):
            for _ in range(n):
                helpers.approved_traject(world, gemeente=gemeente)
        helpers.approved_traject(world, perceel="demo-gem-cmd")
    return world


def _get(world, user, **params):
    params.setdefault("kwartaal", "2026-Q1")
    with time_machine.travel(LATER, tick=False):
        return world.client(user).get(URL, params)


def _drempel(value: int) -> None:
    instellingen = Instellingen.get()
    instellingen.kleine_aantallen_drempel = value
    instellingen.full_clean()
    instellingen.save()


def test_a_gemeente_with_4_trajectories_is_suppressed_and_one_with_5_shown(gevuld):
    body = _get(gevuld, gevuld.uwv).json()
    gemeenten = {g["sleutel"]: g for g in body["totalen"]["gemeente"]}
    assert gemeenten["0363"]["trajecten"] == 5 and gemeenten["0363"]["onderdrukt"] is None
    assert gemeenten["0363"]["ooitBetaaldWerkPct"] == 0.0
    for code in ("0344", "0599"):  # two small groups: their sum (6) is all the rest reveals
        assert gemeenten[code]["onderdrukt"] == "klein"
        assert {k: v for k, v in gemeenten[code].items() if k not in ("niveau", "sleutel", "naam", "kwartaal")} == {
            "onderdrukt": "klein",
            **{k: None for k in gemeenten[code] if k not in ("niveau", "sleutel", "naam", "kwartaal", "onderdrukt")},
        }
    assert body["totalen"]["kwartaal"][0]["trajecten"] == 11
    # One small route (gemeente, 1): the other route is suppressed too, or 11 - x would show it.
    routes = {g["sleutel"]: g["onderdrukt"] for g in body["totalen"]["route"]}
    assert routes == {"gemeente": "klein", "uwv": "aanvullend"}
    assert body["drempel"] == 5 and body["opmerkingen"][0].startswith(NOTE)
    # Per row: no (perceel, gemeente) combination reaches 5, so UWV gets no row at all.
    assert body["count"] == 0 and body["results"] == []
    # The provider sees its own rows (all 11), and the same suppressed totals.
    own = _get(gevuld, gevuld.ggz_noord).json()
    assert own["count"] == 11 and own["totalen"] == body["totalen"]


def test_the_threshold_is_a_setting_of_the_beheerder(gevuld):
    _drempel(2)
    body = _get(gevuld, gevuld.uwv).json()
    gemeenten = {g["sleutel"]: g for g in body["totalen"]["gemeente"]}
    assert (gemeenten["0344"]["trajecten"], gemeenten["0599"]["trajecten"]) == (4, 2)
    assert not any(g["onderdrukt"] for g in gemeenten.values())
    assert body["opmerkingen"][0].startswith("Groepen met minder dan 2 trajecten worden niet getoond (privacy)")
    # Rows: every cell of 2 or more; the one gemeente-route trajectory (a cell of 1) is left out.
    assert body["count"] == 10
    assert {k for row in body["results"] for k in row} & {"toewijzingNummer", "werkgevers", "startdatum"} == set()

    _drempel(10)
    gemeenten = {g["sleutel"]: g for g in _get(gevuld, gevuld.uwv).json()["totalen"]["gemeente"]}
    assert {code: g["onderdrukt"] for code, g in gemeenten.items()} == {
        "0363": "klein",
        "0344": "klein",
        "0599": "klein",
    }

    instellingen = Instellingen.get()
    for wrong in (0, 51):
        instellingen.kleine_aantallen_drempel = wrong
        with pytest.raises(Exception, match="kleine_aantallen_drempel"):
            instellingen.full_clean()


def test_the_note_is_in_the_csv_and_the_xlsx(gevuld):
    response = _get(gevuld, gevuld.uwv, formaat="csv", deel="totalen")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    utrecht = next(r for r in rows if r["niveau"] == "gemeente" and r["sleutel"] == "0344")
    assert (utrecht["trajecten"], utrecht["ooitBetaaldWerk"], utrecht["onderdrukt"]) == ("< 5", "", "klein")
    uwv_route = next(r for r in rows if r["niveau"] == "route" and r["sleutel"] == "uwv")
    assert uwv_route["trajecten"] == "*"
    notes = [r["sleutel"] for r in rows if r["niveau"] == "opmerking"]
    assert notes[0].startswith(NOTE) and "'< 5'" in notes[0] and len(notes) == 3

    response = _get(gevuld, gevuld.gem_amsterdam, formaat="csv")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    assert "toewijzingNummer" not in lines[0] and "werkgevers" not in lines[0]
    assert lines[1][0] == "opmerking" and lines[1][1].startswith(NOTE)  # its one trajectory is a small cell

    response = _get(gevuld, gevuld.uwv, formaat="xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    for name in ("Trajecten", "Totalen"):
        cells = [row for row in workbook[name].iter_rows(values_only=True)]
        assert any(row[0] == "opmerking" and row[1].startswith(NOTE) for row in cells), name
    totalen = list(workbook["Totalen"].iter_rows(values_only=True))
    header = totalen[0]
    utrecht = next(dict(zip(header, r, strict=True)) for r in totalen if r[0] == "gemeente" and r[1] == "0344")
    assert utrecht["trajecten"] == "< 5" and utrecht["ooitBetaaldWerk"] is None


def test_secondary_suppression_hides_the_smallest_other_group():
    def group(sleutel, n):
        return {
            "niveau": "gemeente",
            "sleutel": sleutel,
            "naam": sleutel,
            "kwartaal": "2026-Q1",
            "trajecten": n,
            "x": n,
        }

    totalen = {"gemeente": [group("a", 3), group("b", 7), group("c", 6), group("d", 0)]}
    werkmonitor.onderdruk(totalen, 5)
    assert [(g["sleutel"], g["onderdrukt"], g["trajecten"], g["x"]) for g in totalen["gemeente"]] == [
        ("a", "klein", None, None),
        ("b", None, 7, 7),
        ("c", "aanvullend", None, None),
        ("d", None, 0, 0),  # nobody in it: nothing to hide
    ]


def test_the_dashboard_shows_less_than_5_and_the_footnote(gevuld):
    from django.test import Client

    client = Client()
    client.force_login(gevuld.uwv)
    with time_machine.travel(LATER, tick=False):
        page = client.get("/dashboard/").content.decode()
    assert "Werkmonitor 2026-Q1" in page
    assert "11 trajecten actief in het kwartaal" in page
    assert '<td class="getal onderdrukt">&lt; 5<sup>' in page  # the gemeente route, 1 trajectory
    assert (
        '<td class="getal onderdrukt">*<sup><a href="#voetnoot-aanvullend">2' in page
    )  # the UWV route: secondary suppression
    assert f'<li id="voetnoot-klein">{NOTE}' in page

    _drempel(20)
    with time_machine.travel(LATER, tick=False):
        page = client.get("/dashboard/").content.decode()
    assert "Minder dan 20 trajecten actief in het kwartaal: de cijfers worden niet getoond." in page
    assert "11 trajecten" not in page
