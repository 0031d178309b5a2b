"""Who sees and does what (domain.md section 2): every party only its own part. Another
organisation's object answers 404 (its existence does not leak), a missing role 403 with code
``geen-rol``, no login 401."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tests.trajecten.helpers import aanvraag, approved_traject, beoordeel, deelnemer


@pytest.fixture(autouse=True)
def clock():
    """Every test runs on one fixed day (the world is built then too)."""
    with time_machine.travel(datetime.datetime(2026, 6, 17, 10, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False) as t:
        yield t


pytestmark = pytest.mark.django_db

USERS = ("ggz_noord", "ggz_zuid", "ribw_oost", "gem_amsterdam", "gem_utrecht", "uwv", "uwv_fin", "auditor", "beheer")

# A gemeente-route trajectory of a resident of Amsterdam, run by GGZ Noord, and Amsterdam's budget.
EXPECTED = {
    #             noord zuid ribw  ams  utr  uwv  fin  aud  beh
    "aanvraag": (200, 404, 404, 200, 404, 200, 200, 403, 403),
    "traject": (200, 404, 404, 200, 404, 200, 200, 403, 403),
    # on the gemeente route the person is not UWV's client: UWV sees the trajectory, not the
    # participant (domain.md 12, docs/privacy.md)
    "deelnemer": (200, 404, 404, 200, 404, 404, 404, 403, 403),
    # budgets are not a provider's business at all: no role rather than not found
    "budget": (403, 403, 403, 200, 404, 200, 200, 403, 200),
}
CASES = [
    (resource, user, status) for resource, row in EXPECTED.items() for user, status in zip(USERS, row, strict=True)
]


@pytest.fixture
def case(world):
    traject = approved_traject(world, perceel="demo-gem-epa")
    detail = world.client(world.ggz_noord).get(f"/api/v1/trajecten/{traject['uuid']}").json()
    return {
        "aanvraag": f"/api/v1/aanvragen/{detail['aanvraag']}",
        "traject": f"/api/v1/trajecten/{traject['uuid']}",
        "deelnemer": f"/api/v1/deelnemers/{detail['deelnemer']}",
        "budget": f"/api/v1/budgetten/{world.budget_amsterdam.uuid}",
    }


@pytest.mark.parametrize("resource, user, status", CASES)
def test_detail_access(world, case, resource, user, status):
    response = world.client(getattr(world, user)).get(case[resource])
    assert response.status_code == status, response.json()
    if status != 200:
        assert response["Content-Type"].startswith("application/problem+json")
    if status == 403:
        assert response.json()["code"] == "geen-rol"
    if status == 404:
        # the same answer as for an object that does not exist at all
        assert response.json()["code"] == "niet-gevonden"
        assert (
            world.client(getattr(world, user))
            .get(case[resource][:-36] + "00000000-0000-4000-8000-000000000000")
            .json()["code"]
            == "niet-gevonden"
        )
    if status == 200:
        assert response.json()["uuid"] == case[resource].rsplit("/", 1)[1]


@pytest.mark.parametrize("path", ["/api/v1/aanvragen", "/api/v1/trajecten", "/api/v1/deelnemers"])
def test_lists_are_scoped(world, case, path):
    own = world.client(world.ggz_noord).get(path).json()
    assert own["count"] == 1
    their_uuid = own["results"][0]["uuid"]

    for user in (world.ggz_zuid, world.ribw_oost, world.gem_utrecht):
        response = world.client(user).get(path)
        assert response.status_code == 200
        assert their_uuid not in [r["uuid"] for r in response.json()["results"]], user.username
        assert response.json()["count"] == 0
    for user in (world.gem_amsterdam, world.uwv):
        found = [r["uuid"] for r in world.client(user).get(path).json()["results"]]
        # on the gemeente route UWV sees the case, never the person (docs/privacy.md)
        assert found == ([] if (user, path) == (world.uwv, "/api/v1/deelnemers") else [their_uuid])
    for user in (world.auditor, world.beheer):
        response = world.client(user).get(path)
        assert response.status_code == 403
        assert response.json()["code"] == "geen-rol"


def test_provider_lists_hold_only_their_own_among_several(world):
    noord = approved_traject(world, perceel="uwv-ips-epa")
    zuid = approved_traject(world, perceel="uwv-ips-epa", provider_user=world.ggz_zuid)
    ribw = aanvraag(world, perceel="uwv-ips-epa", provider_user=world.ribw_oost)

    def uuids(user, path):
        return {r["uuid"] for r in world.client(user).get(path).json()["results"]}

    assert uuids(world.ggz_noord, "/api/v1/trajecten") == {noord["uuid"]}
    assert uuids(world.ggz_zuid, "/api/v1/trajecten") == {zuid["uuid"]}
    assert uuids(world.ribw_oost, "/api/v1/trajecten") == set()
    assert uuids(world.ribw_oost, "/api/v1/aanvragen") == {ribw["uuid"]}
    assert uuids(world.uwv, "/api/v1/trajecten") == {noord["uuid"], zuid["uuid"]}
    assert len(uuids(world.uwv, "/api/v1/aanvragen")) == 3
    # UWV-route cases are UWV's part: the gemeente of residence does not see them
    assert uuids(world.gem_amsterdam, "/api/v1/aanvragen") == set()
    assert uuids(world.gem_amsterdam, "/api/v1/trajecten") == set()
    assert world.client(world.gem_amsterdam).get(f"/api/v1/trajecten/{noord['uuid']}").status_code == 404


def test_uwv_sees_gemeente_route_application_only_after_the_beschikking(world):
    filed = aanvraag(world, perceel="demo-gem-epa")
    uwv = world.client(world.uwv)
    detail = f"/api/v1/aanvragen/{filed['uuid']}"

    assert uwv.get(detail).status_code == 404
    assert filed["uuid"] not in [a["uuid"] for a in uwv.get("/api/v1/aanvragen").json()["results"]]
    assert uwv.get(f"/api/v1/deelnemers/{filed['deelnemer']}").status_code == 404
    # nor can UWV decide it: for UWV it does not exist yet
    assert beoordeel(world, world.uwv, filed["uuid"]).status_code == 404
    assert world.client(world.gem_amsterdam).get(detail).status_code == 200

    assert beoordeel(world, world.gem_amsterdam, filed["uuid"]).status_code == 201
    assert uwv.get(detail).status_code == 200
    assert uwv.get(detail).json()["status"] == "goedgekeurd"  # the beschikking is the grant; UWV pays it
    assert filed["uuid"] in [a["uuid"] for a in uwv.get("/api/v1/aanvragen").json()["results"]]
    # ... but never the person: on the gemeente route the participant is not UWV's client
    assert uwv.get(detail).json()["deelnemer"] is None
    assert uwv.get(f"/api/v1/deelnemers/{filed['deelnemer']}").status_code == 404


def test_uwv_never_sees_an_application_the_gemeente_rejected(world):
    filed = aanvraag(world, perceel="demo-gem-epa")
    assert (
        beoordeel(world, world.gem_amsterdam, filed["uuid"], "afgewezen", "Geen budget meer dit jaar.").status_code
        == 201
    )
    assert world.client(world.uwv).get(f"/api/v1/aanvragen/{filed['uuid']}").status_code == 404
    assert world.client(world.uwv_fin).get(f"/api/v1/deelnemers/{filed['deelnemer']}").status_code == 404


def test_gemeente_user_of_two_gemeenten_sees_both(world):
    from backoffice import roles
    from tests.factories import budget, make_user

    regio = make_user(roles.GEMEENTE, gemeenten=[world.amsterdam, world.utrecht], username="regio")
    budget(world.utrecht, world.gem_regeling)
    ams = aanvraag(world, perceel="demo-gem-epa", gemeente="0363")
    utr = aanvraag(world, perceel="demo-gem-epa", gemeente="0344")
    seen = {a["uuid"] for a in world.client(regio).get("/api/v1/aanvragen").json()["results"]}
    assert seen == {ams["uuid"], utr["uuid"]}
    assert {a["uuid"] for a in world.client(world.gem_utrecht).get("/api/v1/aanvragen").json()["results"]} == {
        utr["uuid"]
    }


def test_participant_registered_by_one_provider_is_invisible_to_another(world):
    person = deelnemer(world, world.ggz_noord)
    assert world.client(world.ggz_zuid).get(f"/api/v1/deelnemers/{person['uuid']}").status_code == 404
    # not usable in another provider's application either
    response = world.client(world.ggz_zuid).post(
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
    assert response.status_code == 400
    assert "deelnemer" in {p["name"] for p in response.json()["invalidParams"]}


# POST actions by a role that may not do them: refused before anything is read or written.
WRONG_ROLE_POSTS = [
    ("uwv", "/api/v1/deelnemers"),
    ("gem_amsterdam", "/api/v1/deelnemers"),
    ("auditor", "/api/v1/deelnemers"),
    ("uwv", "/api/v1/aanvragen"),
    ("gem_amsterdam", "/api/v1/aanvragen"),
    ("beheer", "/api/v1/aanvragen"),
    ("auditor", "/api/v1/aanvragen"),
    ("ggz_noord", "{aanvraag}/beoordelingen"),
    ("uwv_fin", "{aanvraag}/beoordelingen"),
    ("auditor", "{aanvraag}/beoordelingen"),
    ("uwv", "{aanvraag}/intrekkingen"),
    ("gem_amsterdam", "{aanvraag}/intrekkingen"),
    ("gem_amsterdam", "{traject}/verlengingen"),
    ("uwv", "{traject}/plaatsingen"),
    ("gem_amsterdam", "{traject}/stopberichten"),
    ("uwv", "{traject}/eindverslagen"),
    ("ggz_noord", "/api/v1/budgetten"),
    ("uwv", "/api/v1/budgetten"),
    ("gem_amsterdam", "/api/v1/budgetten"),
    ("uwv", "/api/v1/regelingen"),
    ("ggz_noord", "/api/v1/regelingen"),
    ("beheer", "/api/v1/modeltrouwmetingen"),
    ("ggz_noord", "/api/v1/modeltrouwmetingen"),
]


@pytest.mark.parametrize("user, path", WRONG_ROLE_POSTS)
def test_post_by_a_wrong_role_is_403(world, case, user, path):
    url = path.format(aanvraag=case["aanvraag"], traject=case["traject"])
    response = world.client(getattr(world, user)).post(url, {}, format="json")
    assert response.status_code == 403, response.json()
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "geen-rol"


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/v1/aanvragen"),
        ("get", "{aanvraag}"),
        ("get", "/api/v1/trajecten"),
        ("get", "{traject}"),
        ("get", "{deelnemer}"),
        ("get", "/api/v1/budgetten"),
        ("get", "/api/v1/regelingen"),
        ("get", "/api/v1/gemeenten"),
        ("post", "/api/v1/aanvragen"),
        ("post", "/api/v1/deelnemers/_zoek"),
        ("post", "{traject}/stopberichten"),
    ],
)
def test_no_login_is_401_with_www_authenticate(world, case, method, path):
    url = path.format(**case)
    response = (
        getattr(world.client(None), method)(url, {}, format="json") if method == "post" else world.client(None).get(url)
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "niet-ingelogd"
