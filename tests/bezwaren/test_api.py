"""The API of objections (docs/api-aanvullingen.md): file, list (scoped, filters), read, decide,
withdraw; lowerCamelCase, problem+json with the rule's code, and the schema lists every route."""

import datetime

import pytest

from .helpers import afgewezen_aanvraag

pytestmark = pytest.mark.django_db
D = datetime.date


def post(w, user, path, body):
    return w.client(user).post(f"/api/v1{path}", body, format="json")


def test_file_list_read_and_decide_an_objection_through_the_api(w):
    aanvraag = afgewezen_aanvraag(w)
    response = post(
        w, w.ggz_noord, "/bezwaren", {"besluitSoort": "aanvraag", "object": str(aanvraag.uuid), "gronden": "Onjuist."}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {
        k: body[k]
        for k in ("besluitSoort", "object", "beslisorgaan", "status", "datumBesluit", "termijnEinde", "beslistermijn")
    } == {
        "besluitSoort": "aanvraag",
        "object": str(aanvraag.uuid),
        "beslisorgaan": "gemeente",
        "status": "ingediend",
        "datumBesluit": "2026-03-02",
        "termijnEinde": "2026-04-13",
        "beslistermijn": "2026-05-25",  # 6 weeks after the objection term (Awb 7:10)
    }
    assert body["nummer"].startswith("BZ-") and body["uitkomst"] is None and body["teLaat"] is False
    assert body["gevolgen"] == [] and "besluit" in body and body["aanbieder"] == str(w.noord.uuid)
    uuid = body["uuid"]

    again = post(
        w, w.ggz_noord, "/bezwaren", {"besluitSoort": "aanvraag", "object": str(aanvraag.uuid), "gronden": "x"}
    )
    assert again.status_code == 409 and again.json()["code"] == "bezwaar-loopt-al"
    assert again["Content-Type"].startswith("application/problem+json")

    for user, seen in ((w.ggz_noord, 1), (w.gem_amsterdam, 1), (w.ggz_zuid, 0), (w.gem_utrecht, 0), (w.uwv, 0)):
        listed = w.client(user).get("/api/v1/bezwaren")
        assert listed.status_code == 200
        assert listed.json()["count"] == seen, user
        assert w.client(user).get(f"/api/v1/bezwaren/{uuid}").status_code == (200 if seen else 404)
    assert w.client(w.ggz_noord).get(f"/api/v1/bezwaren?object={aanvraag.uuid}").json()["count"] == 1
    assert w.client(w.ggz_noord).get("/api/v1/bezwaren?status=gegrond").json()["count"] == 0
    assert w.client(w.auditor).get("/api/v1/bezwaren").status_code == 403

    refused = post(w, w.gem_amsterdam, f"/bezwaren/{uuid}/beslissingen", {"uitkomst": "gegrond", "toelichting": "x"})
    assert (refused.status_code, refused.json()["code"]) == (403, "vier-ogen")
    assert post(w, w.ggz_zuid, f"/bezwaren/{uuid}/intrekkingen", {}).status_code == 404
    assert (
        post(w, w.gem2, f"/bezwaren/{uuid}/beslissingen", {"uitkomst": "half", "toelichting": "x"}).status_code == 400
    )
    decided = post(w, w.gem2, f"/bezwaren/{uuid}/beslissingen", {"uitkomst": "gegrond", "toelichting": "Klopt."})
    assert decided.status_code == 201, decided.json()
    body = decided.json()
    assert (body["status"], body["uitkomst"], body["beslissingToelichting"], body["beslistDoor"]) == (
        "gegrond",
        "gegrond",
        "Klopt.",
        "gemeente-amsterdam-2",
    )
    assert any("opnieuw in behandeling" in t for t in body["gevolgen"])
    assert w.client(w.ggz_noord).get("/api/v1/bezwaren?status=gegrond").json()["count"] == 1


def test_late_objection_and_withdrawal_through_the_api(w, clock):
    from tests.declaraties.geld_helpers import moment

    aanvraag = afgewezen_aanvraag(w)
    clock.move_to(moment(D(2026, 5, 1)))
    body = {"besluitSoort": "aanvraag", "object": str(aanvraag.uuid), "gronden": "Onjuist."}
    late = post(w, w.ggz_noord, "/bezwaren", body)
    assert (late.status_code, late.json()["code"]) == (409, "bezwaartermijn-verstreken")
    ok = post(w, w.ggz_noord, "/bezwaren", {**body, "redenTermijnoverschrijding": "Ziek geweest."})
    assert ok.status_code == 201 and ok.json()["teLaat"] is True
    gone = post(w, w.ggz_noord, f"/bezwaren/{ok.json()['uuid']}/intrekkingen", {})
    assert gone.status_code == 201 and gone.json()["status"] == "ingetrokken"
    unknown = post(w, w.ggz_noord, "/bezwaren", {**body, "object": "00000000-0000-0000-0000-000000000000"})
    assert (unknown.status_code, unknown.json()["code"]) == (400, "ongeldige-invoer")  # a body reference
    foreign = post(w, w.ggz_zuid, "/bezwaren", body)
    assert (foreign.status_code, foreign.json()["code"]) == (400, "ongeldige-invoer")  # the same answer
    assert post(w, w.gem_amsterdam, "/bezwaren", body).status_code == 403


def test_the_schema_describes_the_objection_routes(w):
    schema = w.client(w.ggz_noord).get("/api/v1/openapi.json")
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/bezwaren",
        "/api/v1/bezwaren/{uuid}",
        "/api/v1/bezwaren/{uuid}/beslissingen",
        "/api/v1/bezwaren/{uuid}/verdagingen",
        "/api/v1/bezwaren/{uuid}/intrekkingen",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/bezwaren"]) >= {"get", "post"}
