"""Schemes, lots, budgets and fidelity audits through the API (api.md): a beheerder configures a
new co-financed scheme without code, UWV finance allocates budgets, Phrenos registers audits."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from financiering.models import Budget, Budgetmutatie, Perceel, Regeling
from tests.factories import ips26
from tests.trajecten.helpers import aanvraag, beoordeel, deelnemer


@pytest.fixture(autouse=True)
def clock():
    """Every test runs on one fixed day (the world is built then too)."""
    with time_machine.travel(datetime.datetime(2026, 6, 17, 10, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False) as t:
        yield t


pytestmark = pytest.mark.django_db

ALL_USERS = (
    "ggz_noord",
    "ggz_zuid",
    "ribw_oost",
    "gem_amsterdam",
    "gem_utrecht",
    "uwv",
    "uwv_fin",
    "auditor",
    "beheer",
)


def _codes(response):
    return [p["code"] for p in response.json()["invalidParams"]]


def _names(response):
    return {p["name"] for p in response.json()["invalidParams"]}


# --- schemes and lots ---------------------------------------------------------------------------


@pytest.mark.parametrize("user", ALL_USERS)
def test_schemes_and_lots_readable_by_every_role(world, user):
    client = world.client(getattr(world, user))
    response = client.get("/api/v1/regelingen")
    assert response.status_code == 200
    regelingen = {r["code"]: r for r in response.json()["results"]}
    assert regelingen["uwv-ips"]["routes"] == ["uwv"]
    assert regelingen["demo-gem"]["routes"] == ["gemeente"]
    assert regelingen["demo-gem"]["cofinancieringAandeel"] == "0.50"
    assert {p["code"] for p in regelingen["uwv-ips"]["percelen"]} == {"uwv-ips-epa", "uwv-ips-cmd"}

    response = client.get("/api/v1/percelen")
    assert response.status_code == 200
    cmd = next(p for p in response.json()["results"] if p["code"] == "uwv-ips-cmd")
    assert cmd["regeling"] == "uwv-ips"
    assert cmd["doelgroep"] == "cmd"
    assert cmd["basisduurMaanden"] == 24
    assert cmd["maxVerlengingMaanden"] == 12
    assert cmd["toegestaneAanbiedertypen"] == ["ggz"]
    assert cmd["trajectprijs"] == "8000.00"
    assert [p["code"] for p in cmd["producten"]] == ["start", "periode", "plaatsing"]

    response = client.get("/api/v1/percelen", {"regeling": "demo-gem"})
    assert {p["code"] for p in response.json()["results"]} == {"demo-gem-epa", "demo-gem-cmd"}


def test_schemes_need_a_login(world):
    assert world.client(None).get("/api/v1/regelingen").status_code == 401
    assert world.client(None).get("/api/v1/percelen").status_code == 401


def _regeling_body(**overrides):
    body = {
        "code": "gem-ips-2026",
        "naam": "Regionale IPS-regeling 2026",
        "routes": ["gemeente"],
        "raamovereenkomstVereist": False,
        "aanvraagVanaf": "2026-01-01",
        "aanvraagTot": None,
        "quotumUwv": None,
        "quotumGemeente": 40,
        "maxPerGemeente": 5,
        "cofinancieringAandeel": "0.50",
        "percelen": [
            {
                "code": "gem-ips-2026-cmd",
                "naam": "CMD",
                "doelgroep": "cmd",
                "basisduurMaanden": 24,
                "maxVerlengingMaanden": 12,
                "toegestaneAanbiedertypen": ["ggz"],
                "trajectprijs": "7500.00",
            }
        ],
    }
    body.update(overrides)
    return body


def test_beheerder_creates_a_cofinanced_scheme_that_takes_applications(world):
    response = world.client(world.beheer).post("/api/v1/regelingen", _regeling_body(), format="json")
    assert response.status_code == 201, response.json()
    regeling = response.json()
    assert regeling["code"] == "gem-ips-2026"
    assert regeling["routes"] == ["gemeente"]
    assert regeling["cofinancieringAandeel"] == "0.50"
    assert regeling["aanvraagVanaf"] == "2026-01-01"
    assert regeling["aanvraagTot"] is None
    assert regeling["quotumGemeente"] == 40
    assert regeling["maxPerGemeente"] == 5
    assert regeling["raamovereenkomstVereist"] is False
    (perceel,) = regeling["percelen"]
    assert perceel["trajectprijs"] == "7500.00"
    assert perceel["maxVerlengingMaanden"] == 12
    plan = {p["code"]: (p["soort"], Decimal(p["aandeel"])) for p in perceel["producten"]}
    assert plan == {
        "start": ("eenmalig", Decimal("0.40")),
        "periode": ("per_maand", Decimal("0.40")),
        "plaatsing": ("na_plaatsing", Decimal("0.20")),
    }
    # visible to everyone at once
    codes = [r["code"] for r in world.client(world.ggz_noord).get("/api/v1/regelingen").json()["results"]]
    assert "gem-ips-2026" in codes

    # UWV finance gives Amsterdam a budget for it, and the whole chain works
    response = world.client(world.uwv_fin).post(
        "/api/v1/budgetten",
        {"gemeente": "0363", "regeling": "gem-ips-2026", "jaar": timezone.localdate().year, "toegekend": "50000.00"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    filed = aanvraag(world, perceel="gem-ips-2026-cmd", uitkering="participatiewet", doelgroep="cmd")
    assert filed["route"] == "gemeente"
    assert filed["regeling"] == "gem-ips-2026"
    assert filed["bedrag"] == "7500.00"
    response = beoordeel(world, world.gem_amsterdam, filed["uuid"])  # the beschikking is the grant
    assert response.status_code == 201, response.json()
    assert response.json()["cofinancieringBevestigd"] is True
    traject = response.json()["traject"]
    assert traject["perceel"] == "gem-ips-2026-cmd"
    assert traject["trajectprijs"] == "7500.00"
    budget = Budget.objects.get(regeling__code="gem-ips-2026", gemeente__code="0363")
    assert budget.gereserveerd == Decimal("7500.00")


def test_scheme_with_own_payment_plan(world):
    body = _regeling_body()
    body["percelen"][0]["producten"] = [
        {"code": "start", "naam": "Start", "soort": "eenmalig", "aandeel": "0.25"},
        {"code": "periode", "naam": "Per maand", "soort": "per_maand", "aandeel": "0.75"},
    ]
    response = world.client(world.beheer).post("/api/v1/regelingen", body, format="json")
    assert response.status_code == 201, response.json()
    plan = {p["code"]: Decimal(p["aandeel"]) for p in response.json()["percelen"][0]["producten"]}
    assert plan == {"start": Decimal("0.25"), "periode": Decimal("0.75")}


@pytest.mark.parametrize(
    "change, field",
    [
        ({"routes": []}, "routes"),
        ({"routes": ["provincie"]}, "routes"),
        ({"cofinancieringAandeel": "1.5"}, "cofinancieringAandeel"),
        ({"cofinancieringAandeel": "-0.10"}, "cofinancieringAandeel"),
        ({"aanvraagVanaf": "2026-06-01", "aanvraagTot": "2026-05-31"}, "aanvraagTot"),
        ({"code": ""}, "code"),
        ({"naam": ""}, "naam"),
    ],
)
def test_invalid_scheme_is_400(world, change, field):
    response = world.client(world.beheer).post("/api/v1/regelingen", _regeling_body(**change), format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "ongeldige-invoer"
    assert any(n == field or n.startswith(f"{field}.") for n in _names(response)), _names(response)
    assert not Regeling.objects.filter(code="gem-ips-2026").exists()


@pytest.mark.parametrize(
    "perceel_change, name",
    [
        (
            {
                "producten": [
                    {"code": "start", "soort": "eenmalig", "aandeel": "0.40"},
                    {"code": "periode", "soort": "per_maand", "aandeel": "0.40"},
                ]
            },
            "percelen.0.producten",
        ),
        ({"doelgroep": "jeugd"}, "percelen.0.doelgroep"),
        ({"basisduurMaanden": 0}, "percelen.0.basisduurMaanden"),
        ({"toegestaneAanbiedertypen": []}, "percelen.0.toegestaneAanbiedertypen"),
        ({"trajectprijs": "0.00"}, "percelen.0.trajectprijs"),
    ],
)
def test_invalid_lot_is_400(world, perceel_change, name):
    body = _regeling_body()
    body["percelen"][0].update(perceel_change)
    response = world.client(world.beheer).post("/api/v1/regelingen", body, format="json")
    assert response.status_code == 400, response.json()
    assert name in _names(response)
    assert not Regeling.objects.filter(code="gem-ips-2026").exists()


def test_all_errors_of_a_scheme_at_once(world):
    body = _regeling_body(routes=[], cofinancieringAandeel="1.5")
    body["percelen"][0]["doelgroep"] = "jeugd"
    response = world.client(world.beheer).post("/api/v1/regelingen", body, format="json")
    assert response.status_code == 400
    assert {"routes", "cofinancieringAandeel", "percelen.0.doelgroep"} <= _names(response)


def test_duplicate_codes_are_409(world):
    response = world.client(world.beheer).post("/api/v1/regelingen", _regeling_body(code="uwv-ips"), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "code-bestaat"

    body = _regeling_body()
    body["percelen"][0]["code"] = "uwv-ips-cmd"  # a lot code is unique over all schemes
    response = world.client(world.beheer).post("/api/v1/regelingen", body, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "code-bestaat"
    # nothing half stored
    assert not Regeling.objects.filter(code="gem-ips-2026").exists()


@pytest.mark.parametrize("user", ["uwv", "uwv_fin", "gem_amsterdam", "ggz_noord", "auditor"])
def test_only_beheerder_configures_schemes(world, user):
    client = world.client(getattr(world, user))
    response = client.post("/api/v1/regelingen", _regeling_body(), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "geen-rol"
    response = client.patch(f"/api/v1/regelingen/{world.gem_regeling.uuid}", {"naam": "Anders"}, format="json")
    assert response.status_code == 403
    world.gem_regeling.refresh_from_db()
    assert world.gem_regeling.naam != "Anders"


def test_patch_changes_name_window_and_adds_a_lot(world):
    created = world.client(world.beheer).post("/api/v1/regelingen", _regeling_body(), format="json").json()
    url = f"/api/v1/regelingen/{created['uuid']}"
    response = world.client(world.beheer).patch(
        url,
        {
            "naam": "Regionale IPS-regeling 2026-2027",
            "aanvraagTot": "2027-12-31",
            "percelen": [
                {
                    "code": "gem-ips-2026-epa",
                    "naam": "EPA",
                    "doelgroep": "epa",
                    "basisduurMaanden": 36,
                    "toegestaneAanbiedertypen": ["ggz", "ribw"],
                }
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    regeling = response.json()
    assert regeling["naam"] == "Regionale IPS-regeling 2026-2027"
    assert regeling["aanvraagTot"] == "2027-12-31"
    assert regeling["aanvraagVanaf"] == "2026-01-01"  # untouched
    assert regeling["cofinancieringAandeel"] == "0.50"
    lots = {p["code"]: p for p in regeling["percelen"]}
    assert set(lots) == {"gem-ips-2026-cmd", "gem-ips-2026-epa"}
    assert lots["gem-ips-2026-epa"]["trajectprijs"] == "8000.00"  # the default price
    assert lots["gem-ips-2026-epa"]["maxVerlengingMaanden"] == 0
    assert [p["code"] for p in lots["gem-ips-2026-epa"]["producten"]] == ["start", "periode", "plaatsing"]
    assert lots["gem-ips-2026-cmd"]["trajectprijs"] == "7500.00"

    # the window can not end before it starts; the code does not change
    response = world.client(world.beheer).patch(url, {"aanvraagTot": "2025-12-31"}, format="json")
    assert response.status_code == 400
    assert "aanvraagTot" in _names(response)
    response = world.client(world.beheer).patch(url, {"code": "iets-anders"}, format="json")
    assert response.status_code == 400
    assert world.client(world.beheer).get(url).json()["aanvraagTot"] == "2027-12-31"


def test_closed_window_stops_applications(world):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = world.client(world.beheer).patch(
        f"/api/v1/regelingen/{world.gem_regeling.uuid}", {"aanvraagTot": str(yesterday)}, format="json"
    )
    assert response.status_code == 200
    person = deelnemer(world, world.ggz_noord, uitkering="participatiewet")
    response = world.client(world.ggz_noord).post(
        "/api/v1/aanvragen",
        {
            "deelnemer": person["uuid"],
            "perceel": "demo-gem-epa",
            "regiebehandelaar": "Dr. P. Jansen",
            "inBehandelingSggz": True,
            "toestemmingOp": str(timezone.localdate()),
            "wensBetaaldWerk": True,
            "geenOfKleinDienstverband": True,
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "buiten-aanvraagperiode"


# --- budgets ------------------------------------------------------------------------------------


def _budget(world, user=None, **overrides):
    body = {"gemeente": "0344", "regeling": "demo-gem", "jaar": timezone.localdate().year, "toegekend": "60000.00"}
    body.update(overrides)
    return world.client(user or world.uwv_fin).post("/api/v1/budgetten", body, format="json")


def test_uwv_finance_allocates_a_budget(world):
    response = _budget(world)
    assert response.status_code == 201, response.json()
    budget = response.json()
    assert budget["gemeente"] == "0344"
    assert budget["regeling"] == "demo-gem"
    assert budget["jaar"] == timezone.localdate().year
    assert (budget["toegekend"], budget["gereserveerd"], budget["gerealiseerd"], budget["vrij"]) == (
        "60000.00",
        "0.00",
        "0.00",
        "60000.00",
    )
    mutatie = Budgetmutatie.objects.get(budget__uuid=budget["uuid"])
    assert (mutatie.soort, mutatie.bedrag, mutatie.door.username) == (
        "toekenning",
        Decimal("60000.00"),
        "uwv-financieel",
    )

    # raising it later is the same call; the ledger records the difference
    response = _budget(world, toegekend="75000.00")
    assert response.status_code == 201
    assert response.json()["uuid"] == budget["uuid"]
    assert response.json()["vrij"] == "75000.00"
    assert Budgetmutatie.objects.filter(budget__uuid=budget["uuid"]).order_by("id").last().bedrag == Decimal("15000.00")


def test_each_gemeente_sees_only_its_own_budgets(world):
    assert _budget(world).status_code == 201
    for user, codes in ((world.gem_amsterdam, ["0363"]), (world.gem_utrecht, ["0344"])):
        response = world.client(user).get("/api/v1/budgetten")
        assert response.status_code == 200
        assert [b["gemeente"] for b in response.json()["results"]] == codes
        # filtering on another gemeente finds nothing
        assert (
            world.client(user)
            .get("/api/v1/budgetten", {"gemeente": "0363" if codes == ["0344"] else "0344"})
            .json()["count"]
            == 0
        )
    assert sorted(b["gemeente"] for b in world.client(world.uwv).get("/api/v1/budgetten").json()["results"]) == [
        "0344",
        "0363",
    ]
    response = world.client(world.ggz_noord).get("/api/v1/budgetten")
    assert response.status_code == 403


def test_budget_can_not_drop_below_what_is_committed(world):
    filed = aanvraag(world, perceel="demo-gem-epa")
    assert beoordeel(world, world.gem_amsterdam, filed["uuid"]).status_code == 201  # commits 8000

    response = _budget(world, gemeente="0363", toegekend="7999.99")
    assert response.status_code == 409
    assert response.json()["code"] == "budget-ontoereikend"
    world.budget_amsterdam.refresh_from_db()
    assert world.budget_amsterdam.toegekend == Decimal("100000.00")

    response = _budget(world, gemeente="0363", toegekend="8000.00")
    assert response.status_code == 201
    assert response.json()["vrij"] == "0.00"
    # with nothing free, the next application for Amsterdam is refused
    response = world.client(world.ggz_noord).post(
        "/api/v1/aanvragen",
        {
            "deelnemer": deelnemer(world, world.ggz_noord, uitkering="participatiewet")["uuid"],
            "perceel": "demo-gem-epa",
            "regiebehandelaar": "Dr. P. Jansen",
            "inBehandelingSggz": True,
            "toestemmingOp": str(timezone.localdate()),
            "wensBetaaldWerk": True,
            "geenOfKleinDienstverband": True,
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "budget-ontoereikend"


def test_invalid_budget_is_400(world):
    response = _budget(world, gemeente="9999", regeling="bestaat-niet", jaar=1999, toegekend="-1")
    assert response.status_code == 400
    assert {"gemeente", "regeling", "jaar", "toegekend"} <= _names(response)


@pytest.mark.parametrize("user", ["uwv", "gem_amsterdam", "ggz_noord", "auditor"])
def test_only_uwv_finance_and_the_beheerder_allocate_budgets(world, user):
    response = _budget(world, getattr(world, user))
    assert response.status_code == 403
    assert response.json()["code"] == "geen-rol"
    assert not Budget.objects.filter(gemeente__code="0344").exists()


# --- fidelity audits ----------------------------------------------------------------------------


def _meting(world, user=None, scores=None, **overrides):
    ips26()
    body = {
        "aanbieder": str(world.zuid.uuid),
        "datum": str(timezone.localdate()),
        "versie": "ips-26",
        "scores": scores if scores is not None else {str(i): 4 for i in range(1, 27)},
    }
    body.update(overrides)
    return world.client(user or world.auditor).post("/api/v1/modeltrouwmetingen", body, format="json")


def _items(rule):
    return {str(i): rule(i) for i in range(1, 27)}


@pytest.mark.parametrize(
    "scores, totaal, band",
    [  # the 26-item bands of domain.md 3: <= 73 geen IPS, 74-99 redelijk, 100-114 goed, 115-130 voorbeeldig
        (_items(lambda i: 4), 104, "goed"),
        (_items(lambda i: 3), 78, "redelijk"),
        (_items(lambda i: 5), 130, "voorbeeldig"),
        (_items(lambda i: 1), 26, "geen_ips"),
        (_items(lambda i: 3 if i > 5 else 2), 73, "geen_ips"),
        (_items(lambda i: 3 if i > 4 else 2), 74, "redelijk"),
        (_items(lambda i: 4 if i > 5 else 3), 99, "redelijk"),
        (_items(lambda i: 4 if i > 4 else 3), 100, "goed"),
        (_items(lambda i: 5 if i > 16 else 4), 114, "goed"),
        (_items(lambda i: 5 if i > 15 else 4), 115, "voorbeeldig"),
    ],
)
def test_audit_total_and_band_are_computed(world, scores, totaal, band):
    response = _meting(world, scores=scores)
    assert response.status_code == 201, response.json()
    meting = response.json()
    assert meting["totaal"] == totaal
    assert meting["band"] == band
    assert meting["aanbieder"] == str(world.zuid.uuid)
    assert meting["versie"] == "ips-26"
    assert meting["scores"] == scores
    assert meting["consensusScores"] == scores


def test_client_can_not_choose_total_or_band(world):
    response = _meting(world, totaal=125, band="voorbeeldig", scores=_items(lambda i: 3))
    assert response.status_code == 201
    assert (response.json()["totaal"], response.json()["band"]) == (78, "redelijk")


@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"scores": {str(i): 4 for i in range(1, 26)}}, "scores-onvolledig"),
        ({"scores": {**_items(lambda i: 4), "27": 4}}, "scores-onvolledig"),
        ({"scores": {**_items(lambda i: 4), "7": 6}}, None),
        ({"scores": {**_items(lambda i: 4), "7": 0}}, None),
        ({"scores": {}}, None),
        ({"datum": str(timezone.localdate() + datetime.timedelta(days=1))}, "datum-in-toekomst"),
        ({"versie": "ips-99"}, None),
        ({"aanbieder": "00000000-0000-4000-8000-000000000000"}, None),
    ],
)
def test_invalid_audit_is_400(world, overrides, code):
    before = world.zuid.modeltrouwmetingen.count()
    response = _meting(world, **overrides)
    assert response.status_code == 400, response.json()
    assert response["Content-Type"].startswith("application/problem+json")
    if code:
        assert response.json()["code"] == code
    assert world.zuid.modeltrouwmetingen.count() == before


@pytest.mark.parametrize("user", ["beheer", "uwv", "uwv_fin", "gem_amsterdam", "ggz_zuid"])
def test_only_the_auditor_registers_audits(world, user):
    response = _meting(world, getattr(world, user))
    assert response.status_code == 403
    assert response.json()["code"] == "geen-rol"


@pytest.mark.parametrize("user", ALL_USERS)
def test_audits_readable_by_every_role(world, user):
    created = _meting(world).json()
    response = world.client(getattr(world, user)).get("/api/v1/modeltrouwmetingen")
    assert response.status_code == 200
    assert response.json()["count"] == 4  # the world's three and the new one
    assert response.json()["results"][0]["uuid"] == created["uuid"]  # newest first
    response = world.client(getattr(world, user)).get("/api/v1/modeltrouwmetingen", {"aanbieder": str(world.zuid.uuid)})
    assert {m["aanbieder"] for m in response.json()["results"]} == {str(world.zuid.uuid)}


def test_a_geen_ips_audit_blocks_new_uwv_applications(world):
    """What the audit is for: a provider banded 'geen IPS' can not apply on a UWV lot."""
    assert _meting(world, aanbieder=str(world.noord.uuid), scores=_items(lambda i: 2)).status_code == 201
    person = deelnemer(world, world.ggz_noord)
    response = world.client(world.ggz_noord).post(
        "/api/v1/aanvragen",
        {
            "deelnemer": person["uuid"],
            "perceel": "uwv-ips-epa",
            "regiebehandelaar": "Dr. P. Jansen",
            "inBehandelingSggz": True,
            "toestemmingOp": str(timezone.localdate()),
            "wensBetaaldWerk": True,
            "geenOfKleinDienstverband": True,
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "modeltrouw-onvoldoende"


def test_a_lot_made_through_the_api_is_the_same_transition_as_on_the_page(world):
    """POST /regelingen makes its lots through the page's service: the lot's history names the
    beheerder (the scheme's page shows who made it), with the default plan and a price."""
    response = world.client(world.beheer).post("/api/v1/regelingen", _regeling_body(), format="json")
    assert response.status_code == 201, response.json()
    perceel = Regeling.objects.get(code="gem-ips-2026").percelen.get()
    eerste = perceel.history.order_by("history_id").first()
    assert (eerste.history_user, eerste.history_change_reason) == (world.beheer, "perceel aangemaakt")
    assert perceel.producten.count() >= 1 and perceel.prijzen.count() == 1


def test_a_lot_changed_through_the_api_has_history_naming_the_beheerder(world):
    response = world.client(world.beheer).patch(
        f"/api/v1/regelingen/{world.uwv_regeling.uuid}",
        {"percelen": [{"code": "uwv-ips-epa", "naam": "IPS EPA (nieuw)"}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    laatste = Perceel.objects.get(code="uwv-ips-epa").history.order_by("-history_id").first()
    assert (laatste.naam, laatste.history_user, laatste.history_change_reason) == (
        "IPS EPA (nieuw)",
        world.beheer,
        "perceel gewijzigd",
    )
