"""The main journeys through the API, end to end, as the users' systems would run them."""

import pytest
import time_machine
from django.utils import timezone

from trajecten.models import Traject

from .aanvraag_helpers import TODAY, noon

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    """Every journey runs on TODAY (a Thursday), the world is built then too."""
    with time_machine.travel(noon(TODAY), tick=False) as traveller:
        yield traveller


def _deelnemer(client, **overrides):
    body = {
        "bsn": "111222333",
        "voorletters": "A.B.",
        "achternaam": "de Vries",
        "geboortedatum": "1985-03-01",
        "gemeente": "0363",
        "uitkering": "wga_80_100",
        "doelgroep": "epa",
    }
    body.update(overrides)
    response = client.post("/api/v1/deelnemers", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _aanvraag_body(deelnemer_uuid, perceel="uwv-ips-epa", **overrides):
    body = {
        "deelnemer": deelnemer_uuid,
        "perceel": perceel,
        "regiebehandelaar": "Dr. P. Jansen",
        "inBehandelingSggz": True,
        "toestemmingOp": str(timezone.localdate()),
        "wensBetaaldWerk": True,
        "geenOfKleinDienstverband": True,
    }
    body.update(overrides)
    return body


def test_uwv_route_from_application_to_trajectory(world):
    provider = world.client(world.ggz_noord)
    deelnemer = _deelnemer(provider)
    assert deelnemer["bsnGemaskeerd"] == "*****2333"
    assert "bsn" not in deelnemer

    response = provider.post("/api/v1/aanvragen", _aanvraag_body(deelnemer["uuid"]), format="json")
    assert response.status_code == 201, response.json()
    aanvraag = response.json()
    assert aanvraag["status"] == "ingediend"
    assert aanvraag["route"] == "uwv"
    assert aanvraag["bedrag"] == "8000.00"

    response = world.client(world.uwv).post(
        f"/api/v1/aanvragen/{aanvraag['uuid']}/beoordelingen", {"besluit": "akkoord"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["aanvraag"]["status"] == "goedgekeurd"
    traject = body["traject"]
    assert traject["status"] == "actief"
    assert traject["toewijzingNummer"] >= 1
    # approved today, the EPA lot runs 36 months
    assert (traject["startdatum"], traject["einddatumGepland"]) == ("2026-01-15", "2029-01-14")
    assert Traject.objects.get(uuid=traject["uuid"]).einddatum_gepland.isoformat() == traject["einddatumGepland"]

    # another provider does not see it: 404, not 403
    assert world.client(world.ggz_zuid).get(f"/api/v1/trajecten/{traject['uuid']}").status_code == 404


def test_gemeente_route_beschikking_commits_budget_and_grants(world):
    provider = world.client(world.ggz_noord)
    deelnemer = _deelnemer(provider, uitkering="participatiewet")
    response = provider.post(
        "/api/v1/aanvragen", _aanvraag_body(deelnemer["uuid"], perceel="demo-gem-epa"), format="json"
    )
    assert response.status_code == 201, response.json()
    aanvraag = response.json()
    assert aanvraag["route"] == "gemeente"

    # UWV does not see it before the gemeente's beschikking
    assert world.client(world.uwv).get(f"/api/v1/aanvragen/{aanvraag['uuid']}").status_code == 404
    # Utrecht never sees Amsterdam's applications
    assert world.client(world.gem_utrecht).get(f"/api/v1/aanvragen/{aanvraag['uuid']}").status_code == 404

    response = world.client(world.gem_amsterdam).post(
        f"/api/v1/aanvragen/{aanvraag['uuid']}/beoordelingen", {"besluit": "akkoord"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["aanvraag"]["status"] == "goedgekeurd"
    assert response.json()["cofinancieringBevestigd"] is True
    assert response.json()["traject"]["route"] == "gemeente"
    world.budget_amsterdam.refresh_from_db()
    assert str(world.budget_amsterdam.gereserveerd) == "8000.00"
    # UWV, which pays it, now sees the application and has no decision left to take
    assert world.client(world.uwv).get(f"/api/v1/aanvragen/{aanvraag['uuid']}").status_code == 200
    response = world.client(world.uwv).post(
        f"/api/v1/aanvragen/{aanvraag['uuid']}/beoordelingen", {"besluit": "akkoord"}, format="json"
    )
    assert response.status_code == 409, response.json()


def test_errors_are_problem_json_with_all_fields(world):
    provider = world.client(world.ggz_noord)
    response = provider.post("/api/v1/deelnemers", {"bsn": "123456789", "geboortedatum": "morgen"}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "ongeldige-invoer"
    names = {p["name"] for p in body["invalidParams"]}
    assert {"bsn", "geboortedatum", "voorletters", "achternaam", "gemeente", "uitkering", "doelgroep"} <= names
    assert response["API-Version"]


def test_trailing_slash_is_404_and_unauthenticated_is_401(world):
    assert world.client(world.uwv).get("/api/v1/trajecten/").status_code == 404
    response = world.client(None).get("/api/v1/trajecten")
    assert response.status_code == 401
    assert response.json()["code"] == "niet-ingelogd"
