"""GET /api/v1/signalen: scoped like every other list, filters, the fields of api.md."""

import datetime as dt
from decimal import Decimal

from backoffice.models import Signaal
from financiering.models import Budget
from financiering.rules import planned_end
from tests.trajecten.helpers import aanvraag, approved_traject

from .jobs_helpers import START, run

D = dt.timedelta


def _uuids(response) -> set[str]:
    assert response.status_code == 200, response.json()
    return {row["uuid"] for row in response.json()["results"]}


def _setup(w, clock):
    uwv_t = approved_traject(w)  # ggz-noord, UWV route, CMD (24 months)
    gem_t = approved_traject(w, perceel="demo-gem-cmd")  # ggz-noord, Amsterdam, gemeente route
    zuid_t = approved_traject(w, provider_user=w.ggz_zuid)
    late = aanvraag(w, perceel="demo-gem-epa", provider_user=w.ggz_zuid)  # waits for Amsterdam
    # Next year's budget of Amsterdam, 95% reserved (the budget of a year gone by signals no more).
    w.budget_2027 = w.f.budget(w.amsterdam, w.gem_regeling, toegekend="1000.00", jaar=2027)
    Budget.objects.filter(pk=w.budget_2027.pk).update(gereserveerd=Decimal("950.00"))
    day = planned_end(START, 24) - D(30)
    run(clock, "nightly", day)
    sig = {(s.soort, str(s.object_uuid)): str(s.uuid) for s in Signaal.objects.all()}
    return uwv_t, gem_t, zuid_t, late, sig


def test_every_organisation_sees_only_its_own_signals(wereld, clock):
    w = wereld
    uwv_t, gem_t, zuid_t, late, sig = _setup(w, clock)
    budget = sig[("budget_bijna_op", str(w.budget_2027.uuid))]
    te_laat = sig[("besluit_te_laat", late["uuid"])]
    ends = {
        sig[(soort, t["uuid"])]
        for t in (uwv_t, gem_t, zuid_t)
        for soort in ("traject_eindigt_90", "traject_eindigt_30")
    }
    noord_ends = {sig[(s, t["uuid"])] for t in (uwv_t, gem_t) for s in ("traject_eindigt_90", "traject_eindigt_30")}
    gem_ends = {sig[(s, gem_t["uuid"])] for s in ("traject_eindigt_90", "traject_eindigt_30")}
    fidelity = {v for (soort, _), v in sig.items() if soort == "modeltrouw_verlopen"}
    noord_fidelity = sig.get(("modeltrouw_verlopen", str(w.noord.uuid)))

    assert _uuids(w.client(w.ggz_noord).get("/api/v1/signalen", {"pageSize": 500})) == noord_ends | (
        {noord_fidelity} if noord_fidelity else set()
    )
    assert _uuids(w.client(w.gem_amsterdam).get("/api/v1/signalen")) == gem_ends | {budget, te_laat}
    assert _uuids(w.client(w.gem_utrecht).get("/api/v1/signalen")) == set()
    # UWV sees all, except the late beschikking that is still the gemeente's (UWV does not see
    # a gemeente-route application before the gemeente's decision).
    assert _uuids(w.client(w.uwv).get("/api/v1/signalen")) == ends | {budget} | fidelity
    assert _uuids(w.client(w.uwv_fin).get("/api/v1/signalen")) == ends | {budget} | fidelity
    assert w.client(w.auditor).get("/api/v1/signalen").status_code == 403
    # the beheerder sees only the signals about users (too many BSNs: tests/security/test_deelnemer_elders.py)
    assert _uuids(w.client(w.beheer).get("/api/v1/signalen")) == set()
    assert w.client(None).get("/api/v1/signalen").status_code == 401

    # Someone else's signal answers 404; one's own 200 with the fields of api.md.
    zuid_signal = sig[("traject_eindigt_30", zuid_t["uuid"])]
    assert w.client(w.ggz_noord).get(f"/api/v1/signalen/{zuid_signal}").status_code == 404
    assert w.client(w.gem_utrecht).get(f"/api/v1/signalen/{budget}").status_code == 404
    assert w.client(w.uwv).get(f"/api/v1/signalen/{te_laat}").status_code == 404
    own = w.client(w.ggz_zuid).get(f"/api/v1/signalen/{zuid_signal}")
    assert own.status_code == 200
    body = own.json()
    assert body["soort"] == "traject_eindigt_30"
    assert body["traject"] == zuid_t["uuid"]
    assert body["aanvraag"] is None and body["budget"] is None and body["vordering"] is None
    assert body["deadline"] == planned_end(START, 24).isoformat()
    assert body["afgehandeld"] is False and body["afgehandeldOp"] is None
    assert str(zuid_t["toewijzingNummer"]) in body["omschrijving"]
    budget_body = w.client(w.gem_amsterdam).get(f"/api/v1/signalen/{budget}").json()
    assert budget_body["budget"] == str(w.budget_2027.uuid) and budget_body["traject"] is None
    assert w.client(w.gem_amsterdam).get(f"/api/v1/signalen/{te_laat}").json()["aanvraag"] == late["uuid"]


def test_filters_soort_and_afgehandeld(wereld, clock):
    w = wereld
    uwv_t, gem_t, zuid_t, late, sig = _setup(w, clock)
    client = w.client(w.ggz_noord)
    thirty = client.get("/api/v1/signalen", {"soort": "traject_eindigt_30"}).json()
    assert {r["traject"] for r in thirty["results"]} == {uwv_t["uuid"], gem_t["uuid"]}
    assert client.get("/api/v1/signalen", {"soort": "onbekend"}).status_code == 400
    assert client.get("/api/v1/signalen", {"afgehandeld": "true"}).json()["count"] == 0

    # Past the end: the end signals are resolved, the looptijd_verstreken signal opens.
    run(clock, "nightly", planned_end(START, 24) + D(1))
    closed = client.get("/api/v1/signalen", {"afgehandeld": "true"}).json()["results"]
    assert {(r["soort"], r["traject"]) for r in closed} == {
        (s, t["uuid"]) for s in ("traject_eindigt_90", "traject_eindigt_30") for t in (uwv_t, gem_t)
    }
    assert all(r["afgehandeldOp"].endswith("Z") for r in closed)
    open_ = client.get("/api/v1/signalen", {"afgehandeld": "false", "soort": "looptijd_verstreken"}).json()
    assert {r["traject"] for r in open_["results"]} == {uwv_t["uuid"], gem_t["uuid"]}
