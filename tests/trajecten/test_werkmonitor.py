"""GET /werkmonitor: the outcome figures per trajectory and aggregated, the day bins at their
borders, scoping per role, CSV/XLSX downloads without personal data and without formulas, and a
query count that does not grow with the number of trajectories."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.conftest import shared_world
from tests.trajecten import helpers

START = dt.date(2026, 1, 5)  # trajectories start here (a Monday)
LATER = dt.datetime(2027, 2, 1, 12, 0, tzinfo=dt.UTC)  # when the monitor of 2026 is read
URL = "/api/v1/werkmonitor"


@pytest.fixture
def world(db):
    """The shared world, built on START: its fidelity audits and budgets date from then."""
    with time_machine.travel(dt.datetime.combine(START, dt.time(9), tzinfo=dt.UTC), tick=False):
        return shared_world()


def _traject(world, **kwargs) -> dict:
    with time_machine.travel(dt.datetime.combine(START, dt.time(12), tzinfo=dt.UTC), tick=False):
        return helpers.approved_traject(world, **kwargs)


def _plaats(world, traject, *, start, end=None, user=None, **overrides) -> dict:
    body = {
        "werkgever": "Bakkerij Jansen",
        "startdatum": start.isoformat(),
        "einddatum": end.isoformat() if end else None,
        "urenPerWeek": "32.0",
        "contractsoort": "arbeidsovereenkomst",
        "vast": False,
        "minimumloonOfMeer": True,
        "aandoeningBekendBijWerkgever": True,
        "proefplaatsing": False,
    }
    body.update(overrides)
    with time_machine.travel(dt.datetime.combine(START, dt.time(12), tzinfo=dt.UTC), tick=False):
        response = world.client(user or world.ggz_noord).post(
            f"/api/v1/trajecten/{traject['uuid']}/plaatsingen", body, format="json"
        )
    assert response.status_code == 201, response.json()
    return response.json()


def _monitor(world, user, **params):
    params.setdefault("kwartaal", "2026-Q4")
    params.setdefault("pageSize", "500")
    with time_machine.travel(LATER, tick=False):
        return world.client(user).get(URL, params)


def _by_nummer(body) -> dict:
    return {row["toewijzingNummer"]: row for row in body["results"]}


@pytest.mark.django_db
def test_outcomes_per_trajectory_and_totals(world):
    werkend = _traject(world)
    _plaats(world, werkend, start=START + dt.timedelta(days=10), vast=True)
    proef = _traject(world)
    _plaats(world, proef, start=START + dt.timedelta(days=20), minimumloonOfMeer=False, proefplaatsing=True)
    beschut = _traject(world)
    _plaats(
        world, beschut, start=START + dt.timedelta(days=40), minimumloonOfMeer=False, loonondersteuning=["beschut_werk"]
    )
    # Beschut werk paid at least minimum wage: not open to anyone (the default for beschut werk),
    # so not regular paid work; the wider measure counts it (domain.md 7, seed 000).
    beschut_loon = _traject(world)
    _plaats(world, beschut_loon, start=START + dt.timedelta(days=100), loonondersteuning=["beschut_werk"])
    # A job set aside for people with health problems, without beschut werk: neither measure.
    apart = _traject(world)
    _plaats(world, apart, start=START + dt.timedelta(days=15), openVoorIedereen=False)
    twee_banen = _traject(world)
    _plaats(
        world,
        twee_banen,
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 5, 31),
        contractsoort="uitzend",
        urenPerWeek="20.0",
    )
    _plaats(world, twee_banen, start=dt.date(2026, 9, 1), werkgever="Zorg BV")
    # A job after the quarter does not count for 2026-Q4.
    _plaats(world, _traject(world), start=dt.date(2027, 1, 10))
    gestopt = _traject(world)
    _plaats(world, gestopt, start=dt.date(2026, 2, 1), end=dt.date(2026, 10, 31))
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC), tick=False):
        response = world.client(world.ggz_noord).post(
            f"/api/v1/trajecten/{gestopt['uuid']}/stopberichten",
            {"einddatum": "2026-11-15", "reden": "uitval"},
            format="json",
        )
    assert response.status_code == 201, response.json()

    # The provider gets its own trajectories per row, with toewijzingNummer, dates and employers.
    response = _monitor(world, world.ggz_noord)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["kwartaal"] == "2026-Q4" and body["van"] == "2026-10-01" and body["tot"] == "2026-12-31"
    rows = _by_nummer(body)
    assert len(rows) == 8

    row = rows[werkend["toewijzingNummer"]]
    assert row["ooitBetaaldWerk"] is True
    assert row["dagenTotEersteBaan"] == 10 and row["periodeTotEersteBaan"] == "0-30"
    assert row["aantalBanen"] == 1 and row["vasteBanen"] == 1
    assert row["ooitBetaaldWerkInclBeschut"] is True and row["aantalBanenInclBeschut"] == 1
    assert row["periodeTotEersteBaanInclBeschut"] == "0-30" and row["nogWerkzaamBijEindeInclBeschut"] is True
    assert row["contractsoorten"] == "arbeidsovereenkomst"
    assert row["maandenGewerkt"] == round(351 / 30.4375, 1)  # 15 Jan up to and including 31 Dec
    assert row["urenPerMaand"] == round(32 * 30.4375 / 7, 1)
    assert row["nogWerkzaamBijEinde"] is True
    assert row["gestart"] is False and row["beeindigd"] is False and row["peildatum"] == "2026-12-31"
    assert "bsn" not in str(row).lower() and "achternaam" not in row and "geboortedatum" not in row

    row = rows[proef["toewijzingNummer"]]
    assert row["ooitBetaaldWerk"] is False and row["proefplaatsing"] is True and row["aantalBanen"] == 0
    assert row["periodeTotEersteBaan"] is None and row["urenPerMaand"] is None

    row = rows[beschut["toewijzingNummer"]]
    assert row["ooitBetaaldWerk"] is False and row["ooitBetaaldWerkInclBeschut"] is True
    assert (row["aantalBanen"], row["aantalBanenInclBeschut"]) == (0, 1)
    assert (row["periodeTotEersteBaan"], row["periodeTotEersteBaanInclBeschut"]) == (None, "31-60")
    assert (row["dagenTotEersteBaan"], row["dagenTotEersteBaanInclBeschut"]) == (None, 40)
    assert (row["nogWerkzaamBijEinde"], row["nogWerkzaamBijEindeInclBeschut"]) == (False, True)

    row = rows[beschut_loon["toewijzingNummer"]]
    assert row["ooitBetaaldWerk"] is False and row["ooitBetaaldWerkInclBeschut"] is True
    assert row["periodeTotEersteBaanInclBeschut"] == "61-150"

    row = rows[apart["toewijzingNummer"]]
    assert row["ooitBetaaldWerk"] is False and row["ooitBetaaldWerkInclBeschut"] is False
    assert row["aantalBanenInclBeschut"] == 0 and row["periodeTotEersteBaan"] is None

    row = rows[twee_banen["toewijzingNummer"]]
    assert row["aantalBanen"] == 2 and row["contractsoorten"] == "arbeidsovereenkomst,uitzend"
    assert row["dagenTotEersteBaan"] == (dt.date(2026, 3, 1) - START).days and row["periodeTotEersteBaan"] == "31-60"
    assert row["maandenGewerkt"] == round((92 + 122) / 30.4375, 1)
    assert row["urenPerMaand"] == round((20 * 92 + 32 * 122) / (92 + 122) * 30.4375 / 7, 1)
    assert sorted(row["werkgevers"].split("; ")) == ["Bakkerij Jansen", "Zorg BV"]

    row = rows[gestopt["toewijzingNummer"]]
    assert row["beeindigd"] is True and row["reden"] == "uitval" and row["einddatum"] == "2026-11-15"
    assert row["ooitBetaaldWerk"] is True and row["nogWerkzaamBijEinde"] is False

    later = [r for n, r in rows.items() if r["ooitBetaaldWerk"] is False and not r["proefplaatsing"]]
    assert any(r["ooitBetaaldWerkInclBeschut"] is False for r in later)  # the 2027 job is not counted

    kwartaal = body["totalen"]["kwartaal"][0]
    assert kwartaal["trajecten"] == 8
    assert kwartaal["ooitBetaaldWerk"] == 3 and kwartaal["ooitBetaaldWerkPct"] == 37.5
    assert kwartaal["ooitBetaaldWerkInclBeschut"] == 5 and kwartaal["ooitBetaaldWerkInclBeschutPct"] == 62.5
    assert kwartaal["banenInclBeschut"] == 6
    assert [kwartaal[f"eersteBaan{b}InclBeschut"] for b in ("Binnen30", "Tussen31En60", "Tussen61En150")] == [2, 2, 1]
    assert (kwartaal["werkzaamOpPeildatum"], kwartaal["werkzaamOpPeildatumInclBeschut"]) == (2, 4)
    assert kwartaal["proefplaatsing"] == 1
    assert kwartaal["beeindigd"] == 1 and kwartaal["redenUitval"] == 1
    assert kwartaal["eersteBaanBinnen30"] == 2 and kwartaal["eersteBaanTussen31En60"] == 1  # 10 and 27 days; 55 days
    assert kwartaal["banen"] == 4 and kwartaal["banenUitzend"] == 1 and kwartaal["banenArbeidsovereenkomst"] == 3
    assert kwartaal["beeindigdMetWerk"] == 1 and kwartaal["nogWerkzaamBijEinde"] == 0
    perceel = {g["sleutel"]: g for g in body["totalen"]["perceel"]}
    assert perceel["uwv-ips-cmd"]["trajecten"] == 8
    route = {g["sleutel"]: g for g in body["totalen"]["route"]}
    assert route["uwv"]["ooitBetaaldWerk"] == 3
    aanbieder = body["totalen"]["aanbieder"]
    assert [a["naam"] for a in aanbieder] == ["GGZ Noord"]

    # UWV gets the same totals, and the rows without what could single a person out.
    uwv = _monitor(world, world.uwv).json()
    assert uwv["totalen"] == body["totalen"] and uwv["count"] == 8
    assert {k for row in uwv["results"] for k in row} & {
        "toewijzingNummer",
        "aanbieder",
        "startdatum",
        "einddatum",
        "peildatum",
        "werkgevers",
        "dagenTotEersteBaan",
        "dagenTotEersteBaanInclBeschut",
    } == set()
    assert sorted(r["periodeTotEersteBaan"] or "" for r in uwv["results"]) == sorted(
        r["periodeTotEersteBaan"] or "" for r in body["results"]
    )


@pytest.mark.django_db
def test_day_bins_at_their_borders(world):
    expected = {
        0: "0-30",  # a job on the start day: day 0, "binnen 30 dagen"
        30: "0-30",
        31: "31-60",
        60: "31-60",
        61: "61-150",
        150: "61-150",
        151: "151-270",
        270: "151-270",
        271: ">270",
    }
    nummers = {}
    for days in expected:
        traject = _traject(world)
        _plaats(world, traject, start=START + dt.timedelta(days=days))
        nummers[traject["toewijzingNummer"]] = days
    body = _monitor(world, world.ggz_noord).json()
    rows = _by_nummer(body)
    for nummer, days in nummers.items():
        assert rows[nummer]["dagenTotEersteBaan"] == days
        assert rows[nummer]["periodeTotEersteBaan"] == expected[days], days
    totals = body["totalen"]["kwartaal"][0]
    assert [
        totals[k]
        for k in (
            "eersteBaanBinnen30",
            "eersteBaanTussen31En60",
            "eersteBaanTussen61En150",
            "eersteBaanTussen151En270",
            "eersteBaanMeerDan270",
        )
    ] == [2, 2, 2, 2, 1]


@pytest.mark.django_db
def test_quarter_membership_and_scoping(world):
    from backoffice.models import Instellingen

    Instellingen.objects.filter(pk=Instellingen.get().pk).update(kleine_aantallen_drempel=1)  # nothing suppressed
    noord = _traject(world)
    zuid = _traject(world, provider_user=world.ggz_zuid)
    gemeente = _traject(world, perceel="demo-gem-cmd")
    nummers = lambda user: set(_by_nummer(_monitor(world, user).json()))  # noqa: E731
    perceel = lambda user: sorted(r["perceel"] for r in _monitor(world, user).json()["results"])  # noqa: E731

    assert nummers(world.ggz_zuid) == {zuid["toewijzingNummer"]}
    assert nummers(world.ggz_noord) == {noord["toewijzingNummer"], gemeente["toewijzingNummer"]}
    assert perceel(world.uwv) == ["demo-gem-cmd", "uwv-ips-cmd", "uwv-ips-cmd"]
    assert perceel(world.uwv_fin) == perceel(world.uwv)
    assert perceel(world.gem_amsterdam) == ["demo-gem-cmd"]
    assert perceel(world.gem_utrecht) == []
    for user in (world.auditor, world.beheer):
        response = _monitor(world, user)
        assert response.status_code == 403 and response.json()["code"] == "geen-rol"
    anonymous = world.client(None).get(URL)
    assert anonymous.status_code == 401  # not logged in: log in, not "no access"
    assert anonymous["WWW-Authenticate"].startswith("Token")
    assert anonymous.json()["code"] == "niet-ingelogd"

    # Active in the quarter: not before the start, not after the end.
    with time_machine.travel(LATER, tick=False):
        assert world.client(world.uwv).get(URL, {"kwartaal": "2025-Q4"}).json()["count"] == 0
        assert world.client(world.uwv).get(URL, {"kwartaal": "2026-Q1"}).json()["count"] == 3
        assert world.client(world.uwv).get(URL, {"kwartaal": "2028-Q2"}).json()["count"] == 0  # CMD: 24 months


@pytest.mark.django_db
@pytest.mark.parametrize("kwartaal", ["2026-Q5", "2026Q4", "26-Q1", "2026-q0", "x"])
def test_invalid_quarter_is_400_with_code(world, kwartaal):
    response = world.client(world.uwv).get(URL, {"kwartaal": kwartaal})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "ongeldig-kwartaal"
    response = world.client(world.uwv).get(URL, {"kwartaal": "2026-Q4", "formaat": "pdf"})
    assert response.status_code == 400 and response.json()["code"] == "ongeldig-formaat"


@pytest.mark.django_db
def test_csv_and_xlsx_downloads_without_personal_data_or_formulas(world):
    traject = _traject(world)
    _plaats(world, traject, start=START + dt.timedelta(days=5), werkgever='=HYPERLINK("http://evil","x")')
    persoon = world.f.DeelnemerFactory._meta.model.objects.get()
    bsn, achternaam = persoon.bsn, persoon.achternaam

    response = _monitor(world, world.ggz_noord, formaat="csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="werkmonitor-2026-Q4-trajecten.csv"' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert bsn not in text and achternaam not in text and "1985-03-01" not in text
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["toewijzingNummer"] != "opmerking"]
    assert len(rows) == 1
    assert rows[0]["toewijzingNummer"] == str(traject["toewijzingNummer"])
    assert rows[0]["werkgevers"] == '\'=HYPERLINK("http://evil","x")'
    assert rows[0]["ooitBetaaldWerk"] == "ja" and rows[0]["periodeTotEersteBaan"] == "0-30"
    assert rows[0]["ooitBetaaldWerkInclBeschut"] == "ja" and rows[0]["periodeTotEersteBaanInclBeschut"] == "0-30"

    response = _monitor(world, world.uwv, formaat="csv", deel="totalen")
    totals = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    assert {r["niveau"] for r in totals} == {"kwartaal", "aanbieder", "perceel", "route", "gemeente", "opmerking"}
    kwartaal = next(r for r in totals if r["niveau"] == "kwartaal")  # one trajectory: suppressed
    assert (kwartaal["trajecten"], kwartaal["ooitBetaaldWerk"], kwartaal["onderdrukt"]) == ("< 5", "", "klein")

    response = _monitor(world, world.gem_utrecht, formaat="xlsx")
    assert response.status_code == 200 and "werkmonitor-2026-Q4.xlsx" in response["Content-Disposition"]
    response = _monitor(world, world.ggz_noord, formaat="xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Trajecten", "Totalen"]
    sheet = [r for r in workbook["Trajecten"].iter_rows(values_only=True) if r[0] not in ("opmerking", None)]
    header, values = sheet[0], dict(zip(sheet[0], sheet[1], strict=True))
    assert "toewijzingNummer" in header and len(sheet) == 2
    assert values["werkgevers"].startswith("'=")
    cells = [str(c) for row in sheet for c in row if c is not None]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert not any(bsn in c or achternaam in c for c in cells)
    totalen = list(workbook["Totalen"].iter_rows(values_only=True))
    assert totalen[0][:3] == ("niveau", "sleutel", "naam") and len(totalen) > 1
    assert {"ooitBetaaldWerk", "ooitBetaaldWerkInclBeschut", "banenInclBeschut"} <= set(totalen[0])


def _query_count(world, user) -> int:
    with time_machine.travel(LATER, tick=False), CaptureQueriesContext(connection) as ctx:
        response = world.client(user).get(URL, {"kwartaal": "2026-Q4", "pageSize": "500"})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()["count"]


@pytest.mark.django_db
def test_query_count_does_not_grow_with_trajectories(world):
    for i in range(5):
        traject = _traject(world, provider_user=world.ggz_noord if i % 2 else world.ggz_zuid)
        _plaats(
            world, traject, start=START + dt.timedelta(days=10 * i), user=world.ggz_noord if i % 2 else world.ggz_zuid
        )
    small, n_small = _query_count(world, world.uwv)
    small_provider, _ = _query_count(world, world.ggz_noord)
    for i in range(25):
        traject = _traject(world, provider_user=world.ggz_noord if i % 2 else world.ggz_zuid)
        _plaats(
            world, traject, start=START + dt.timedelta(days=10 * i), user=world.ggz_noord if i % 2 else world.ggz_zuid
        )
    large, n_large = _query_count(world, world.uwv)
    large_provider, _ = _query_count(world, world.ggz_noord)
    assert (n_small, n_large) == (5, 30)
    assert small == large and small_provider == large_provider
    assert large <= 6


@pytest.mark.django_db
def test_quarterly_export_writes_the_files_and_is_idempotent(world, settings, tmp_path):
    from trajecten.werkmonitor import vorig_kwartaal, werkmonitor_export

    settings.IPS_EXPORT_DIR = str(tmp_path)
    traject = _traject(world)
    _plaats(world, traject, start=START + dt.timedelta(days=45), werkgever="+31 Uitzendbureau")
    with time_machine.travel(LATER, tick=False):
        assert vorig_kwartaal(dt.date(2027, 2, 1)) == "2026-Q4"
        first = werkmonitor_export(kwartaal="2026-Q4")
        second = werkmonitor_export(kwartaal="2026-Q4")
    assert first == second
    assert first["werkmonitor.trajecten"] == 1 and first["werkmonitor.bestanden"] == 3
    # Anonymised as UWV receives it: one trajectory is a small cell, so no row, and suppressed totals.
    assert (first["werkmonitor.rijen"], first["werkmonitor.rijen_weggelaten"]) == (0, 1)
    assert first["werkmonitor.groepen_onderdrukt"] == first["werkmonitor.groepen"] == 5
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["werkmonitor-2026-Q4-totalen.csv", "werkmonitor-2026-Q4-trajecten.csv", "werkmonitor-2026-Q4.xlsx"]
    text = (tmp_path / "werkmonitor-2026-Q4-trajecten.csv").read_text(encoding="utf-8")
    header = text.splitlines()[0].split(",")
    assert "Uitzendbureau" not in text and "werkgevers" not in header and "toewijzingNummer" not in header
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["kwartaal"] for r in rows] == ["opmerking"] * 3
    assert "Groepen met minder dan 5 trajecten worden niet getoond (privacy)" in rows[0]["perceel"]
    assert vorig_kwartaal(dt.date(2026, 12, 31)) == "2026-Q3"
