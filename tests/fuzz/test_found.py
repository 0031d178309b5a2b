"""Regressions for what the fuzzing turned up outside the upload (docs/reliability.md): a digit
that Python calls a digit but ``int()`` refuses ("²") was a 500 in two places."""

import pytest

from tests.conftest import shared_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return shared_world()


@pytest.mark.parametrize("value", ["²", "٣x", "1²"])
def test_superscript_toewijzingnummer_filter_is_a_400(world, value):
    response = world.client(world.uwv).get("/api/v1/prestaties", {"toewijzingNummer": value})
    assert response.status_code == 400, response.content
    assert response.json()["invalidParams"][0]["name"] == "toewijzingNummer"


def test_superscript_item_number_in_scores_is_a_400(world):
    scores = {str(i): 4 for i in range(1, 26)} | {"²": 4}
    response = world.client(world.auditor).post(
        "/api/v1/modeltrouwmetingen",
        {"aanbieder": str(world.noord.uuid), "datum": "2026-01-01", "versie": "ips-26", "scores": scores},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "ongeldige-invoer"


def test_a_nul_character_in_a_lookup_is_a_400_not_a_503(world):
    """PostgreSQL refuses NUL in text (DataError); that was answered as 503 database-onbereikbaar."""
    response = world.client(world.uwv_fin).post(
        "/api/v1/budgetten",
        {"gemeente": "0363", "regeling": "j\x00k", "jaar": 2027, "toegekend": "8.00"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "ongeldige-invoer"


@pytest.mark.parametrize(
    "user, path, name, value",
    [
        ("uwv", "/api/v1/trajecten", "toewijzingNummer", "0.5"),
        ("uwv", "/api/v1/trajecten", "toewijzingNummer", "0"),
        ("uwv_fin", "/api/v1/budgetten", "jaar", "2026.5"),
    ],
)
def test_a_whole_number_filter_refuses_a_fraction_with_a_400(world, user, path, name, value):
    """Such filters were decimal filters: ``?jaar=0.5`` answered an empty list instead of a 400."""
    response = world.client(getattr(world, user)).get(path, {name: value})
    assert response.status_code == 400, response.content
    assert [p["name"] for p in response.json()["invalidParams"]] == [name]
    assert world.client(getattr(world, user)).get(path, {name: "2026"}).status_code == 200
