"""POST/GET /api/v1/declaraties, the UWV assessment and the lines queue, through real approved
trajectories. The trajectory is approved on Thursday 15 January 2026 (EPA lot: 36 months, price
EUR 8000: start 3200.00, periode 88.89 a full month, plaatsing 1600.00); January is declared in
February."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice import roles
from backoffice.models import Instellingen, User
from declaraties.models import Declaratie, Prestatie
from tests.trajecten.helpers import approved_traject

AMS = ZoneInfo("Europe/Amsterdam")
APPROVAL_DAY = datetime.date(2026, 1, 15)
JANUARY = {"begindatum": "2026-01-01", "einddatum": "2026-01-31"}
FEBRUARY = {"begindatum": "2026-02-01", "einddatum": "2026-02-28"}


def noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=AMS)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(noon(APPROVAL_DAY), tick=False) as traveller:
        yield traveller


@pytest.fixture
def traject(world):
    return approved_traject(world, perceel="uwv-ips-epa", doelgroep="epa")


def line(traject, ref, code="start", begin="2026-01-15", end=None, volume="1.00", bedrag="3200.00", **extra):
    body = {
        "productReferentie": ref,
        "toewijzingNummer": traject["toewijzingNummer"] if isinstance(traject, dict) else traject,
        "productCode": code,
        "productPeriode": {"begindatum": begin, "einddatum": end or begin},
        "geleverdVolume": volume,
        "ingediendBedrag": bedrag,
    }
    body.update(extra)
    return body


def periode_jan(traject, ref):
    return line(traject, ref, "periode", "2026-01-15", "2026-01-31", "17.00", "48.75")


def declare(world, nummer, prestaties, user=None, periode=None):
    body = {"declaratieNummer": nummer, "declaratiePeriode": periode or JANUARY, "prestaties": prestaties}
    return world.client(user or world.ggz_noord).post("/api/v1/declaraties", body, format="json")


def traject_get(world, traject, user=None):
    return world.client(user or world.ggz_noord).get(f"/api/v1/trajecten/{traject['uuid']}").json()


def codes(answer_line) -> list[str]:
    return [c["code"] for c in answer_line["retourcodes"]]


def place(world, traject, startdatum, uren="16.0", **overrides):
    body = {
        "werkgever": "Bakkerij De Korenschoof",
        "startdatum": startdatum,
        "einddatum": None,
        "urenPerWeek": uren,
        "contractsoort": "arbeidsovereenkomst",
        "vast": False,
        "minimumloonOfMeer": True,
        "aandoeningBekendBijWerkgever": True,
        "proefplaatsing": False,
        "loonondersteuning": [],
        "sector": "10",
        **overrides,
    }
    response = world.client(world.ggz_noord).post(
        f"/api/v1/trajecten/{traject['uuid']}/plaatsingen", body, format="json"
    )
    assert response.status_code == 201, response.json()


# --- the tariffs, through the whole flow -------------------------------------------------------------


def test_start_and_periode_accepted_with_8001_and_gedeclareerd_grows(world, traject, clock):
    clock.move_to(noon(datetime.date(2026, 2, 3)))
    response = declare(world, "D2026-01", [line(traject, "S1"), periode_jan(traject, "P1")])
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["status"] == "toegekend"
    assert [c["code"] for c in answer["retourcodes"]] == ["8001"]
    assert answer["declaratieNummer"] == "D2026-01"
    assert answer["declaratiePeriode"] == JANUARY
    assert answer["totaalIngediendBedrag"] == "3248.75"
    assert answer["totaalToegekendBedrag"] == "3248.75"
    assert answer["ingediendOp"].endswith("Z")
    assert [
        (p["productReferentie"], p["status"], p["toegekendBedrag"], p["retourcodes"]) for p in answer["prestaties"]
    ] == [
        ("S1", "toegekend", "3200.00", []),
        ("P1", "toegekend", "48.75", []),
    ]
    assert traject_get(world, traject)["gedeclareerd"] == "3248.75"

    # February: a whole month of periode is 8000 x 40% / 36 = 88.89
    clock.move_to(noon(datetime.date(2026, 3, 2)))
    feb = line(traject, "P2", "periode", "2026-02-01", "2026-02-28", "28.00", "88.89")
    response = declare(world, "D2026-02", [feb], periode=FEBRUARY)
    assert response.status_code == 201
    assert response.json()["prestaties"][0]["status"] == "toegekend"
    assert traject_get(world, traject)["gedeclareerd"] == "3337.64"
    assert traject_get(world, traject, world.uwv)["gedeclareerd"] == "3337.64"


def test_plaatsing_only_after_a_qualifying_placement(world, traject, clock):
    clock.move_to(noon(datetime.date(2026, 2, 3)))
    plaatsing = line(traject, "PL1", "plaatsing", "2026-01-20", bedrag="1600.00")
    response = declare(world, "D1", [line(traject, "S1"), plaatsing])
    assert response.status_code == 201
    answer = response.json()
    assert answer["status"] == "afgewezen"
    assert answer["retourcodes"] == []
    assert answer["totaalToegekendBedrag"] == "0.00"
    start, pl = answer["prestaties"]
    assert codes(pl) == ["IPS01"]
    assert pl["retourcodes"][0]["omschrijving"].startswith("Voorwaarde niet voldaan")
    assert codes(start) == ["0233"]  # not judged: another line of the trajectory was rejected
    assert start["toegekendBedrag"] == "0.00"
    assert traject_get(world, traject)["gedeclareerd"] == "0.00"

    # a placement of too few hours does not count; 12 hours or more does
    place(world, traject, "2026-02-05", uren="8.0")
    clock.move_to(noon(datetime.date(2026, 3, 2)))
    early = line(traject, "PL2", "plaatsing", "2026-02-10", bedrag="1600.00")
    response = declare(world, "D2", [early], periode=FEBRUARY)
    assert codes(response.json()["prestaties"][0]) == ["IPS01"]
    # a full-time job set aside for people with health problems is not regular paid work (domain.md 7)
    place(world, traject, "2026-02-06", uren="32.0", openVoorIedereen=False)
    response = declare(
        world, "D2b", [line(traject, "PL2b", "plaatsing", "2026-02-10", bedrag="1600.00")], periode=FEBRUARY
    )
    assert codes(response.json()["prestaties"][0]) == ["IPS01"]
    # neither is beschut werk that leaves the field out (the documented default: not open to anyone)
    place(world, traject, "2026-02-07", uren="32.0", loonondersteuning=["beschut_werk"])
    response = declare(
        world, "D2c", [line(traject, "PL2c", "plaatsing", "2026-02-10", bedrag="1600.00")], periode=FEBRUARY
    )
    assert codes(response.json()["prestaties"][0]) == ["IPS01"]
    place(world, traject, "2026-02-09", uren="12.0")
    response = declare(
        world, "D3", [line(traject, "PL3", "plaatsing", "2026-02-10", bedrag="1600.00")], periode=FEBRUARY
    )
    assert response.json()["prestaties"][0]["status"] == "toegekend", response.json()
    assert response.json()["totaalToegekendBedrag"] == "1600.00"
    assert traject_get(world, traject)["gedeclareerd"] == "1600.00"


def test_a_second_start_is_ips02_and_a_period_once_per_month(world, traject, clock):
    clock.move_to(noon(datetime.date(2026, 2, 3)))
    assert declare(world, "D1", [line(traject, "S1"), periode_jan(traject, "P1")]).status_code == 201
    answer = declare(world, "D2", [line(traject, "S2")]).json()
    assert codes(answer["prestaties"][0]) == ["IPS02"]
    answer = declare(world, "D3", [periode_jan(traject, "P2")]).json()
    assert codes(answer["prestaties"][0]) == ["IPS02"]
    assert traject_get(world, traject)["gedeclareerd"] == "3248.75"


def test_credit_then_new_debit_in_one_declaration(world, traject, clock):
    clock.move_to(noon(datetime.date(2026, 2, 3)))
    assert declare(world, "D1", [line(traject, "S1"), periode_jan(traject, "P1")]).status_code == 201
    credit = line(traject, "S1-C", debetCredit="C", vorigReferentieNummer="S1")
    again = line(traject, "S1-2")
    response = declare(world, "D1-CORR", [credit, again])
    assert response.status_code == 201
    answer = response.json()
    assert [(p["status"], p["debetCredit"]) for p in answer["prestaties"]] == [("toegekend", "C"), ("toegekend", "D")]
    assert answer["totaalIngediendBedrag"] == "0.00"  # net: -3200 + 3200
    assert Prestatie.objects.get(product_referentie="S1").gecrediteerd
    assert traject_get(world, traject)["gedeclareerd"] == "3248.75"
    # the same debit can not be credited twice
    answer = declare(world, "D1-CORR2", [line(traject, "S1-C2", debetCredit="C", vorigReferentieNummer="S1")]).json()
    assert codes(answer["prestaties"][0]) == ["8017"]


def test_credit_needs_vorig_referentie_nummer(world, traject, clock):
    clock.move_to(noon(datetime.date(2026, 2, 3)))
    response = declare(world, "D1", [line(traject, "C1", debetCredit="C")])
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == ["prestaties.0.vorigReferentieNummer"]


# --- idempotence and 9333 ----------------------------------------------------------------------------


def test_identical_resubmission_returns_the_first_answer_and_stores_nothing(world, traject, clock):
    clock.move_to(noon(datetime.date(2026, 2, 3)))
    lines = [line(traject, "S1"), periode_jan(traject, "P1")]
    first = declare(world, "D1", lines)
    assert first.status_code == 201
    counts = (Declaratie.objects.count(), Prestatie.objects.count())
    second = declare(world, "D1", lines)
    assert second.status_code == 200
    assert second.json() == first.json()
    assert (Declaratie.objects.count(), Prestatie.objects.count()) == counts
    assert traject_get(world, traject)["gedeclareerd"] == "3248.75"  # not counted twice

    other = declare(world, "D1", [line(traject, "S1")])
    assert other.status_code == 409
    assert other.headers["Content-Type"] == "application/problem+json"
    assert other.json()["code"] == "declaratienummer-niet-uniek"
    assert "9333" in other.json()["detail"]
    assert (Declaratie.objects.count(), Prestatie.objects.count()) == counts


def test_same_number_at_another_provider_is_its_own_declaration(world, traject, clock):
    clock.move_to(noon(datetime.date(2026, 2, 3)))
    assert declare(world, "D1", [line(traject, "S1")]).status_code == 201
    response = declare(world, "D1", [line(traject, "S1")], user=world.ggz_zuid)
    assert response.status_code == 201
    assert codes(response.json()["prestaties"][0]) == ["9338"]


# --- foreign, late, early, future ------------------------------------------------------------------


def test_another_providers_toewijzingnummer_is_9338_without_a_leak(world, traject, clock):
    clock.move_to(noon(datetime.date(2026, 2, 3)))
    response = declare(world, "Z1", [line(traject, "S1")], user=world.ggz_zuid)
    assert response.status_code == 201
    answer = response.json()
    assert answer["status"] == "afgewezen"
    (only,) = answer["prestaties"]
    assert codes(only) == ["9338"]
    assert traject["uuid"] not in response.content.decode()
    assert set(only) >= {"status", "retourcodes", "toegekendBedrag"}
    assert traject_get(world, traject)["gedeclareerd"] == "0.00"


def test_period_after_a_stop_is_9308(world, traject, clock):
    clock.move_to(noon(datetime.date(2026, 1, 20)))
    stop = world.client(world.ggz_noord).post(
        f"/api/v1/trajecten/{traject['uuid']}/stopberichten",
        {"einddatum": "2026-01-20", "reden": "uitval"},
        format="json",
    )
    assert stop.status_code == 201, stop.json()
    clock.move_to(noon(datetime.date(2026, 2, 3)))
    late = declare(world, "D1", [periode_jan(traject, "P1")]).json()
    assert codes(late["prestaties"][0]) == ["9308"]
    until_stop = line(traject, "P2", "periode", "2026-01-15", "2026-01-20", "6.00", "17.20")
    assert declare(world, "D2", [until_stop]).json()["prestaties"][0]["status"] == "toegekend"


@pytest.mark.parametrize(
    "prestatie, expected",
    [
        (dict(begin="2026-01-10"), "9307"),  # before the start (15 January)
        (dict(bedrag="3000.00"), "9346"),
        (dict(code="coaching"), "9340"),
        (dict(code="periode", begin="2026-01-15", end="2026-01-31", volume="17.00", bedrag="48.75"), "IPS03"),
    ],
)
def test_line_checks(world, traject, clock, prestatie, expected):
    clock.move_to(noon(datetime.date(2026, 1, 28)))
    answer = declare(world, "D1", [line(traject, "X1", **prestatie)]).json()
    assert codes(answer["prestaties"][0]) == [expected]


def test_reused_reference_is_8021(world, traject, clock):
    clock.move_to(noon(datetime.date(2026, 2, 3)))
    declare(world, "D1", [line(traject, "R1")])
    answer = declare(world, "D2", [line(traject, "R1", "periode", "2026-01-15", "2026-01-31", "17.00", "48.75")]).json()
    assert "8021" in codes(answer["prestaties"][0])


# --- structure: 400 with every error, nothing stored ------------------------------------------------


def test_structural_errors_answer_400_with_all_invalid_params(world, traject, clock):
    clock.move_to(noon(datetime.date(2026, 2, 3)))
    body = {
        "declaratieNummer": "X" * 21,
        "declaratiePeriode": {"begindatum": "2026-01-01", "einddatum": "2026-01-30"},
        "prestaties": [
            line(traject, "S1"),
            line(traject, "S2", begin="2026-01-20", end="2026-01-19"),
            line(traject, "S3", bedrag="3200.001", debetCredit="X"),
            line(traject, "", volume="-1"),
            {**line(traject, "S5"), "toewijzingNummer": 1_000_000_000},
        ],
    }
    response = world.client(world.ggz_noord).post("/api/v1/declaraties", body, format="json")
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    names = {p["name"] for p in response.json()["invalidParams"]}
    assert names == {
        "declaratieNummer",
        "declaratiePeriode.einddatum",
        "prestaties.1.productPeriode.einddatum",
        "prestaties.2.ingediendBedrag",
        "prestaties.2.debetCredit",
        "prestaties.3.productReferentie",
        "prestaties.3.geleverdVolume",
        "prestaties.4.toewijzingNummer",
    }
    assert Declaratie.objects.count() == 0 and Prestatie.objects.count() == 0


def test_a_declaration_needs_lines(world, clock):
    response = declare(world, "D1", [])
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == ["prestaties"]


# --- manual assessment by UWV ------------------------------------------------------------------------


def test_without_automatic_acceptance_uwv_assesses_with_four_eyes(world, traject, clock):
    Instellingen.objects.update_or_create(pk=1, defaults={"declaratie_automatisch_toekennen": False})
    clock.move_to(noon(datetime.date(2026, 2, 3)))
    answer = declare(world, "D1", [line(traject, "S1"), periode_jan(traject, "P1")]).json()
    assert answer["status"] == "in_behandeling"
    assert [p["status"] for p in answer["prestaties"]] == ["in_behandeling", "in_behandeling"]
    assert answer["totaalToegekendBedrag"] == "0.00"
    assert traject_get(world, traject)["gedeclareerd"] == "0.00"

    queue = world.client(world.uwv).get("/api/v1/prestaties?status=in_behandeling").json()
    assert [p["productReferentie"] for p in queue["results"]] == ["S1", "P1"]
    assert queue["results"][0]["declaratie"] == answer["uuid"]
    waiting = world.client(world.uwv).get("/api/v1/declaraties?inBehandeling=true").json()
    assert [d["uuid"] for d in waiting["results"]] == [answer["uuid"]]

    url = f"/api/v1/declaraties/{answer['uuid']}/beoordelingen"
    # the provider can not assess its own declaration
    assert world.client(world.ggz_noord).post(url, {"besluiten": []}, format="json").status_code == 403
    # a rejection needs a reason
    no_reason = {"besluiten": [{"productReferentie": "P1", "besluit": "afgewezen"}]}
    response = world.client(world.uwv).post(url, no_reason, format="json")
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == ["besluiten.0.toelichting"]

    besluiten = {
        "besluiten": [
            {"productReferentie": "S1", "besluit": "toegekend"},
            {"productReferentie": "P1", "besluit": "afgewezen", "toelichting": "Periode niet aangetoond."},
        ]
    }
    response = world.client(world.uwv).post(url, besluiten, format="json")
    assert response.status_code == 201, response.json()
    decided = response.json()
    assert decided["status"] == "deels_toegekend"
    assert decided["totaalToegekendBedrag"] == "3200.00"
    assert [(p["status"], p["beoordelingToelichting"]) for p in decided["prestaties"]] == [
        ("toegekend", ""),
        ("afgewezen", "Periode niet aangetoond."),
    ]
    assert traject_get(world, traject)["gedeclareerd"] == "3200.00"
    assert world.client(world.uwv).get("/api/v1/prestaties?status=in_behandeling").json()["count"] == 0
    # decided lines are not decided again
    again = world.client(world.uwv).post(
        url, {"besluiten": [{"productReferentie": "S1", "besluit": "toegekend"}]}, format="json"
    )
    assert again.status_code == 409
    # the rejected period can be declared again with a new reference
    answer = declare(world, "D2", [periode_jan(traject, "P1-2")]).json()
    assert answer["prestaties"][0]["status"] == "in_behandeling"


def test_who_declared_does_not_assess(world, traject, clock):
    Instellingen.objects.update_or_create(pk=1, defaults={"declaratie_automatisch_toekennen": False})
    from django.contrib.auth.models import Group

    world.ggz_noord.groups.add(Group.objects.get(name=roles.UWV_BEOORDELAAR))
    both = User.objects.get(pk=world.ggz_noord.pk)
    clock.move_to(noon(datetime.date(2026, 2, 3)))
    answer = declare(world, "D1", [line(traject, "S1")], user=both).json()
    response = world.client(both).post(
        f"/api/v1/declaraties/{answer['uuid']}/beoordelingen",
        {"besluiten": [{"productReferentie": "S1", "besluit": "toegekend"}]},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "vier-ogen"


# --- access ---------------------------------------------------------------------------------------------


def test_access_per_role(world, traject, clock):
    clock.move_to(noon(datetime.date(2026, 2, 3)))
    answer = declare(world, "D1", [line(traject, "S1")]).json()
    declare(world, "Z1", [line(traject, "Z1")], user=world.ggz_zuid)
    detail = f"/api/v1/declaraties/{answer['uuid']}"

    assert world.client(world.ggz_noord).get(detail).status_code == 200
    assert world.client(world.uwv).get(detail).status_code == 200
    assert world.client(world.uwv_fin).get(detail).status_code == 200
    assert world.client(world.ggz_zuid).get(detail).status_code == 404
    assert world.client(world.ggz_zuid).post(f"{detail}/beoordelingen", {}, format="json").status_code == 403
    assert world.client(world.gem_amsterdam).get(detail).status_code == 403
    assert world.client(world.auditor).get("/api/v1/declaraties").status_code == 403
    assert world.client(world.gem_amsterdam).get("/api/v1/declaraties").status_code == 403
    assert world.client(None).get("/api/v1/declaraties").status_code == 401
    assert world.client(world.uwv).post("/api/v1/declaraties", {}, format="json").status_code == 403

    own = world.client(world.ggz_noord).get("/api/v1/declaraties").json()
    assert [d["declaratieNummer"] for d in own["results"]] == ["D1"]
    assert world.client(world.uwv).get("/api/v1/declaraties").json()["count"] == 2
    noord_only = world.client(world.uwv).get(f"/api/v1/declaraties?aanbieder={world.noord.uuid}").json()
    assert [d["declaratieNummer"] for d in noord_only["results"]] == ["D1"]
    assert world.client(world.ggz_zuid).get("/api/v1/prestaties").json()["count"] == 1
    assert world.client(world.uwv).get("/api/v1/prestaties").json()["count"] == 2


def test_list_filters_and_pagination(world, traject, clock):
    clock.move_to(noon(datetime.date(2026, 2, 3)))
    declare(world, "D1", [line(traject, "S1")])  # accepted
    declare(world, "D2", [line(traject, "S2")])  # IPS02: rejected
    clock.move_to(noon(datetime.date(2026, 3, 2)))
    declare(
        world, "D3", [line(traject, "P2", "periode", "2026-02-01", "2026-02-28", "28.00", "88.89")], periode=FEBRUARY
    )
    client = world.client(world.uwv)

    def numbers(query):
        response = client.get(f"/api/v1/declaraties{query}")
        assert response.status_code == 200, response.json()
        return [d["declaratieNummer"] for d in response.json()["results"]]

    assert numbers("") == ["D3", "D2", "D1"]
    assert numbers("?periode=2026-01") == ["D2", "D1"]
    assert numbers("?status=afgewezen") == ["D2"]
    assert numbers("?status=toegekend") == ["D3", "D1"]
    assert numbers("?inBehandeling=true") == []
    page = client.get("/api/v1/declaraties?pageSize=2")
    assert len(page.json()["results"]) == 2 and 'rel="next"' in page.headers["Link"]
    assert client.get("/api/v1/declaraties?periode=januari").status_code == 400
    assert client.get("/api/v1/declaraties?status=onzin").status_code == 400
    summary = client.get("/api/v1/declaraties?periode=2026-01").json()["results"][1]
    assert summary["aantalPrestaties"] == 1 and summary["aantalToegekend"] == 1


# --- a fixed number of queries ---------------------------------------------------------------------------


def test_judging_costs_the_same_number_of_queries_for_10_and_200_lines(world, clock):
    from bench.declaratie import bulk_trajecten, regels_voor

    maand = datetime.date(2026, 1, 1)
    trajecten = bulk_trajecten(
        aanbieder=world.noord, perceel=world.epa, gemeente=world.amsterdam, door=world.uwv, n=110, start=maand
    )
    for t in trajecten:
        t.perceel = world.epa
    clock.move_to(noon(datetime.date(2026, 2, 3)))
    Instellingen.get()  # the settings row exists (its first read creates it)

    def count(nummer, lines):
        user = User.objects.get(pk=world.ggz_noord.pk)  # nothing cached on the user
        client = world.client(user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(
                "/api/v1/declaraties",
                {"declaratieNummer": nummer, "declaratiePeriode": JANUARY, "prestaties": lines},
                format="json",
            )
        assert response.status_code == 201, response.json()
        assert response.json()["status"] == "toegekend"
        return len(ctx.captured_queries)

    small = count("Q10", regels_voor(trajecten[:5], maand=maand, prefix="a", aantal=10))
    large = count("Q200", regels_voor(trajecten[10:], maand=maand, prefix="b", aantal=200))
    assert small == large
    assert Prestatie.objects.filter(status="toegekend").count() == 210
    total = sum(Decimal(t.gedeclareerd) for t in type(trajecten[0]).objects.filter(aanbieder=world.noord))
    assert total == 105 * (Decimal("3200.00") + Decimal("88.89"))


# --- IPS03 / IPS04 (issue 11): the codes already stored are renumbered ---------------------------


def test_migration_renumbers_stored_return_codes_in_place_and_in_order(world, traject, clock):
    import importlib

    from django.apps import apps as django_apps
    from django.db import connection

    from declaraties.models import Prestatie

    clock.move_to(noon(datetime.date(2026, 1, 28)))
    answer = declare(world, "D1", [periode_jan(traject, "F1"), line(traject, "S1", begin="2026-01-20")]).json()
    future, other = (Prestatie.objects.get(uuid=p["uuid"]) for p in answer["prestaties"])
    assert future.retourcodes == ["IPS03"] and other.retourcodes == ["0233"]
    # as stored before issue 11: 8848 for the future, IPS03 for a closed trajectory
    Prestatie.objects.filter(pk=future.pk).update(retourcodes=["IPS03", "9319", "8848"])
    future.history.update(retourcodes=["8848"])
    versions = future.history.count()

    migratie = importlib.import_module("declaraties.migrations.0006_retourcodes_ips03_ips04")

    class Editor:
        connection = connection

    migratie._hernummer(migratie.HERNUMMERD)(django_apps, Editor())

    future.refresh_from_db()
    assert future.retourcodes == ["IPS04", "9319", "IPS03"]
    assert list(future.history.values_list("retourcodes", flat=True)) == [["IPS03"]] * versions
    assert future.history.count() == versions  # no history row added
    assert Prestatie.objects.get(pk=other.pk).retourcodes == ["0233"]
    shown = world.client(world.ggz_noord).get(f"/api/v1/declaraties/{answer['uuid']}").json()["prestaties"][0]
    assert [(c["code"], c["omschrijving"]) for c in shown["retourcodes"]] == [
        ("IPS04", "Het traject is vastgesteld (afgesloten); er kan niet meer op worden gedeclareerd."),
        ("9319", "De productperiode valt niet binnen de declaratiemaand."),
        ("IPS03", "De productperiode ligt (deels) in de toekomst."),
    ]
    # and back
    migratie._hernummer(migratie.TERUG)(django_apps, Editor())
    future.refresh_from_db()
    assert future.retourcodes == ["IPS03", "9319", "8848"]


# --- the answer's lines as PostgreSQL writes them (issue 13) ----------------------------------------


def test_the_lines_of_the_answer_say_what_the_line_serializer_says(world, traject, clock):
    """POST, GET and the assessment answer the lines as JSON built by PostgreSQL
    (``selectors.declaratie_regels_json``); field for field it is what ``PrestatieSerializer`` (the
    lines queue, the OpenAPI document) makes of the same rows: accepted, rejected with several codes,
    waiting, a credit, a text with quotes and accents, a timestamp with microseconds."""
    import json

    from djangorestframework_camel_case.render import CamelCaseJSONRenderer

    from declaraties.api.declaraties import PrestatieSerializer

    clock.move_to(noon(datetime.date(2026, 2, 3)))
    assert declare(world, "D1", [line(traject, "S1"), periode_jan(traject, "P1")]).status_code == 201
    Instellingen.objects.update_or_create(pk=1, defaults={"declaratie_automatisch_toekennen": False})
    credit = line(traject, "C1", debetCredit="C", vorigReferentieNummer="S1")
    wrong = line(traject, "X1", "periode", "2026-03-01", "2026-03-31", "31.00", "1.00")
    response = declare(world, "D2", [credit, wrong, line(99999, "X2")])
    assert response.status_code == 201, response.json()
    declaratie = Declaratie.objects.get(declaratie_nummer="D2")
    Prestatie.objects.filter(product_referentie="X1").update(
        beoordeling_toelichting='Te "hoog" — één\nregel',
        beoordeeld_op=datetime.datetime(2026, 2, 3, 11, 4, 5, 999_999, tzinfo=datetime.UTC),
    )

    def serialized(d):
        lines = Prestatie.objects.filter(declaratie=d).order_by("regelnummer")
        return json.loads(CamelCaseJSONRenderer().render(PrestatieSerializer(lines, many=True).data))

    first = Declaratie.objects.get(declaratie_nummer="D1")
    for d in (first, declaratie):
        answer = world.client(world.ggz_noord).get(f"/api/v1/declaraties/{d.uuid}").json()
        assert answer["prestaties"] == serialized(d)
    by_ref = {p["productReferentie"]: p for p in answer["prestaties"]}
    assert [codes(by_ref[r]) for r in ("C1", "X1", "X2")] == [["0233"], ["9319", "IPS03", "9346"], ["9338"]]
    assert by_ref["X1"]["beoordeeldOp"] == "2026-02-03T11:04:05Z"
    assert response.json()["prestaties"][2]["retourcodes"][0]["omschrijving"].startswith("Er is geen traject")
    # each stored line has its history row: made, why and by whom (backoffice.history.bulk_insert)
    history = Prestatie.history.filter(declaratie_id=declaratie.pk)
    assert sorted(
        (h.product_referentie, h.history_type, h.history_change_reason, h.history_user_id) for h in history
    ) == [(ref, "+", "ingediend (declaratie D2)", world.ggz_noord.pk) for ref in ("C1", "X1", "X2")]
