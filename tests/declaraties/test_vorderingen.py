"""Co-financing claims through the API: who sees which claim, filters, sending a concept,
receipts, disputes and their decision, the overview per gemeente and the exports."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from openpyxl import load_workbook

from backoffice.models import Instellingen
from declaraties import services
from declaraties.models import Betaalopdracht, Vordering
from tests.trajecten.helpers import approved_traject

from .geld_helpers import declare, moment, pay, start_line

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(moment(D(2026, 3, 2)), tick=False) as traveller:
        yield traveller


@pytest.fixture
def claims(clock, world):
    """Paid start lines in March: two trajectories for Amsterdam, one for Utrecht (budget added);
    the April run makes one claim per gemeente (1600 per line)."""
    from tests.factories import budget

    budget(world.utrecht, world.gem_regeling)
    ams = [approved_traject(world, perceel="demo-gem-epa") for _ in range(2)]
    utr = approved_traject(world, perceel="demo-gem-epa", gemeente="0344", gemeente_user=world.gem_utrecht)
    declare(world.ggz_noord, "D-1", [start_line(t, f"R-{i}", D(2026, 3, 2)) for i, t in enumerate([*ams, utr])])
    services.betaalopdrachten_aanmaken(datum=D(2026, 3, 2))
    opdracht = Betaalopdracht.objects.get()
    services.betaalopdracht_accorderen(by=world.uwv_fin, opdracht=opdracht)
    services.betaalopdracht_bevestigen(by=world.uwv_fin, opdracht=opdracht, datum=D(2026, 3, 2))
    clock.move_to(moment(D(2026, 4, 1)))
    assert services.vorderingen_aanmaken(datum=D(2026, 4, 1)) == {"vorderingen": 2, "regels": 3}
    world.ams_claim = Vordering.objects.get(gemeente=world.amsterdam)
    world.utr_claim = Vordering.objects.get(gemeente=world.utrecht)
    return world


def get(world, user, path):
    return world.client(user).get(f"/api/v1{path}")


def post(world, user, path, body=None):
    return world.client(user).post(f"/api/v1{path}", body or {}, format="json")


@pytest.mark.parametrize(
    "user, claims_seen",
    [
        ("uwv_fin", ["ams_claim", "utr_claim"]),
        ("gem_amsterdam", ["ams_claim"]),
        ("gem_utrecht", ["utr_claim"]),
        ("uwv", None),
        ("ggz_noord", None),
        ("auditor", None),
    ],
)
def test_who_sees_which_claims(claims, user, claims_seen):
    """Each gemeente sees its own claim and not the other's; UWV financieel sees both; the other
    roles none (a refusal, not an empty list)."""
    response = get(claims, getattr(claims, user), "/vorderingen")
    if claims_seen is None:
        assert response.status_code == 403 and response.json()["code"] == "geen-rol"
        return
    assert response.status_code == 200
    body = response.json()
    expected = [getattr(claims, name) for name in claims_seen]
    assert sorted(r["uuid"] for r in body["results"]) == sorted(str(c.uuid) for c in expected)
    assert body["count"] == len(expected)
    assert {r["gemeente"] for r in body["results"]} == {c.gemeente.code for c in expected}


def test_another_gemeentes_claim_is_404(claims):
    w = claims
    assert get(w, w.gem_amsterdam, f"/vorderingen/{w.utr_claim.uuid}").status_code == 404
    assert get(w, w.gem_amsterdam, f"/vorderingen/{w.utr_claim.uuid}/regels").status_code == 404
    regel = w.utr_claim.regels.get()
    dispute = post(
        w, w.gem_amsterdam, f"/vorderingen/{w.utr_claim.uuid}/bezwaren", {"regel": str(regel.uuid), "toelichting": "x"}
    )
    assert dispute.status_code == 404
    # and a line of another claim is not a line of this one
    own = post(
        w, w.gem_amsterdam, f"/vorderingen/{w.ams_claim.uuid}/bezwaren", {"regel": str(regel.uuid), "toelichting": "x"}
    )
    assert own.status_code == 400 and own.json()["invalidParams"][0]["name"] == "regel"


def test_claim_fields_and_filters(claims):
    w = claims
    body = get(w, w.gem_amsterdam, f"/vorderingen/{w.ams_claim.uuid}").json()
    assert {
        k: body[k] for k in ("gemeente", "periode", "bedrag", "ontvangen", "openstaand", "status", "vervaldatum")
    } == {
        "gemeente": "0363",
        "periode": "2026-03",
        "bedrag": "3200.00",
        "ontvangen": "0.00",
        "openstaand": "3200.00",
        "status": "verzonden",
        "vervaldatum": "2026-05-01",
    }
    regel = body["regels"][0]
    assert {k: regel[k] for k in ("productCode", "betaaldBedrag", "aandeel", "bedrag", "bezwaar")} == {
        "productCode": "start",
        "betaaldBedrag": "3200.00",
        "aandeel": "0.50",
        "bedrag": "1600.00",
        "bezwaar": "geen",
    }
    assert isinstance(regel["toewijzingNummer"], int)
    assert "bsn" not in str(body).lower()
    uwv = w.client(w.uwv_fin)
    assert uwv.get("/api/v1/vorderingen?gemeente=0344").json()["count"] == 1
    assert uwv.get("/api/v1/vorderingen?periode=2026-03").json()["count"] == 2
    assert uwv.get("/api/v1/vorderingen?periode=2026-02").json()["count"] == 0
    assert uwv.get("/api/v1/vorderingen?status=betaald").json()["count"] == 0
    bad = uwv.get("/api/v1/vorderingen?periode=maart")
    assert bad.status_code == 400 and bad.json()["invalidParams"][0]["name"] == "periode"


def test_concept_is_sent_by_uwv_financieel(clock, world):
    instellingen = Instellingen.get()
    instellingen.vordering_automatisch_verzenden = False
    instellingen.save()
    traject = approved_traject(world, perceel="demo-gem-epa")
    declare(world.ggz_noord, "D-1", [start_line(traject, "R-1", D(2026, 3, 2))])
    services.betaalopdrachten_aanmaken(datum=D(2026, 3, 2))
    opdracht = Betaalopdracht.objects.get()
    services.betaalopdracht_accorderen(by=world.uwv_fin, opdracht=opdracht)
    services.betaalopdracht_bevestigen(by=world.uwv_fin, opdracht=opdracht, datum=D(2026, 3, 2))
    clock.move_to(moment(D(2026, 4, 1)))
    services.vorderingen_aanmaken(datum=D(2026, 4, 1))
    claim = Vordering.objects.get()
    assert (claim.status, claim.vervaldatum) == ("concept", None)
    path = f"/vorderingen/{claim.uuid}"
    assert (
        post(world, world.uwv_fin, f"{path}/ontvangsten", {"bedrag": "1.00", "datum": "2026-04-01"}).status_code == 409
    )
    assert post(world, world.gem_amsterdam, f"{path}/verzendingen").status_code == 403
    sent = post(world, world.uwv_fin, f"{path}/verzendingen")
    assert sent.status_code == 201
    assert (sent.json()["status"], sent.json()["verzondenOp"], sent.json()["vervaldatum"]) == (
        "verzonden",
        "2026-04-01",
        "2026-05-01",
    )
    assert post(world, world.uwv_fin, f"{path}/verzendingen").status_code == 409


def test_receipts_validation_and_roles(claims):
    w = claims
    path = f"/vorderingen/{w.ams_claim.uuid}/ontvangsten"
    assert post(w, w.gem_amsterdam, path, {"bedrag": "1.00", "datum": "2026-04-01"}).status_code == 403
    invalid = post(w, w.uwv_fin, path, {"bedrag": "-5", "datum": "gisteren"})
    assert invalid.status_code == 400
    assert {p["name"] for p in invalid.json()["invalidParams"]} == {"bedrag", "datum"}
    future = post(w, w.uwv_fin, path, {"bedrag": "1.00", "datum": "2026-04-02"})
    assert future.status_code == 400
    ok = post(w, w.uwv_fin, path, {"bedrag": "3200.00", "datum": "2026-04-01"})
    assert ok.status_code == 201 and ok.json()["status"] == "betaald"
    assert [o["bedrag"] for o in ok.json()["ontvangsten"]] == ["3200.00"]
    assert post(w, w.uwv_fin, path, {"bedrag": "0.01", "datum": "2026-04-01"}).status_code == 409


def test_dispute_rejected_keeps_the_line_and_needs_reasons(claims):
    w = claims
    claim = w.ams_claim
    regel = claim.regels.first()
    path = f"/vorderingen/{claim.uuid}/bezwaren"
    assert post(w, w.uwv_fin, path, {"regel": str(regel.uuid), "toelichting": "x"}).status_code == 403
    assert post(w, w.gem_amsterdam, path, {"regel": str(regel.uuid), "toelichting": ""}).status_code == 400
    filed = post(w, w.gem_amsterdam, path, {"regel": str(regel.uuid), "toelichting": "Deelnemer woont in Utrecht"})
    assert filed.status_code == 201 and filed.json()["status"] == "betwist"
    line = next(r for r in filed.json()["regels"] if r["uuid"] == str(regel.uuid))
    assert (line["bezwaar"], line["bezwaarToelichting"]) == ("ingediend", "Deelnemer woont in Utrecht")
    assert post(w, w.gem_amsterdam, path, {"regel": str(regel.uuid), "toelichting": "nog eens"}).status_code == 409
    decide = f"/vorderingen/{claim.uuid}/bezwaren/{regel.uuid}/beoordelingen"
    assert post(w, w.gem_amsterdam, decide, {"besluit": "afgewezen", "toelichting": "x"}).status_code == 403
    assert post(w, w.uwv_fin, decide, {"besluit": "misschien", "toelichting": "x"}).status_code == 400
    decided = post(w, w.uwv_fin, decide, {"besluit": "afgewezen", "toelichting": "Woonde in Amsterdam bij de start"})
    assert decided.status_code == 201
    assert (decided.json()["bedrag"], decided.json()["status"]) == ("3200.00", "verzonden")
    assert post(w, w.uwv_fin, decide, {"besluit": "toegewezen", "toelichting": "x"}).status_code == 409


def test_overview_per_gemeente_and_exports(claims, clock):
    w = claims
    post(w, w.uwv_fin, f"/vorderingen/{w.ams_claim.uuid}/ontvangsten", {"bedrag": "1000.00", "datum": "2026-04-01"})
    clock.move_to(moment(D(2026, 5, 15)))
    rows = get(w, w.uwv_fin, "/vorderingen/overzicht").json()
    assert [
        (r["gemeente"], r["gevorderd"], r["ontvangen"], r["openstaand"], r["teLaat"], r["aantalTeLaat"]) for r in rows
    ] == [
        ("0344", "1600.00", "0.00", "1600.00", "1600.00", 1),
        ("0363", "3200.00", "1000.00", "2200.00", "2200.00", 1),
    ]
    own = get(w, w.gem_utrecht, "/vorderingen/overzicht").json()
    assert [r["gemeente"] for r in own] == ["0344"]
    assert get(w, w.ggz_noord, "/vorderingen/overzicht").status_code == 403

    csv_response = get(w, w.uwv_fin, "/vorderingen/overzicht?formaat=csv")
    assert csv_response.status_code == 200 and csv_response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";"))
    assert table[0][:2] == ["gemeente", "gemeenteNaam"] and len(table) == 3
    assert table[2][table[0].index("teLaat")] == "2200.00"

    xlsx = get(w, w.gem_amsterdam, f"/vorderingen/{w.ams_claim.uuid}/regels?formaat=xlsx")
    assert xlsx.status_code == 200
    values = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert len(values) == 3 and values[0][3] == "toewijzingNummer"
    assert {Decimal(str(v[values[0].index("bedrag")])) for v in values[1:]} == {Decimal("1600")}
    lines = get(w, w.gem_amsterdam, f"/vorderingen/{w.ams_claim.uuid}/regels").json()
    assert lines["count"] == 2


def test_the_43_of_75_figure_counts_trajectories_not_reimbursed_and_goes_to_zero(claims, clock):
    """Per gemeente: co-financed trajectories UWV paid for, and how many of them still have a paid
    line the gemeente did not reimburse (unclaimed, or in a claim not paid in full)."""
    w = claims

    def figures(user=None):
        rows = get(w, user or w.uwv_fin, "/vorderingen/overzicht").json()
        return {r["gemeente"]: (r["trajecten"], r["trajectenNietVergoed"]) for r in rows}

    assert figures() == {"0344": (1, 1), "0363": (2, 2)}
    # Paid in April, not claimed yet: it counts at once, before any claim names it.
    clock.move_to(moment(D(2026, 4, 6)))
    later = approved_traject(w, perceel="demo-gem-epa")
    declare(w.ggz_noord, "D-2", [start_line(later, "R-9", D(2026, 4, 6))])
    pay(w, clock, D(2026, 4, 6))
    assert figures() == {"0344": (1, 1), "0363": (3, 3)}
    assert figures(w.gem_amsterdam) == {"0363": (3, 3)}

    # Amsterdam pays its claim in full: the two claimed trajectories are reimbursed.
    post(w, w.uwv_fin, f"/vorderingen/{w.ams_claim.uuid}/ontvangsten", {"bedrag": "3200.00", "datum": "2026-04-06"})
    assert figures()["0363"] == (3, 1)
    # Utrecht's only line is struck off after its dispute: nothing left to reimburse.
    regel = w.utr_claim.regels.get()
    post(
        w,
        w.gem_utrecht,
        f"/vorderingen/{w.utr_claim.uuid}/bezwaren",
        {"regel": str(regel.uuid), "toelichting": "Niet onze inwoner"},
    )
    decide = f"/vorderingen/{w.utr_claim.uuid}/bezwaren/{regel.uuid}/beoordelingen"
    assert post(w, w.uwv_fin, decide, {"besluit": "toegewezen", "toelichting": "Klopt"}).status_code == 201
    assert figures()["0344"] == (1, 0)
    # May's run claims April's line; once Amsterdam pays that too, the figure is zero everywhere.
    clock.move_to(moment(D(2026, 5, 1)))
    services.vorderingen_aanmaken(datum=D(2026, 5, 1))
    mei = Vordering.objects.get(gemeente=w.amsterdam, periode=D(2026, 4, 1))
    post(w, w.uwv_fin, f"/vorderingen/{mei.uuid}/ontvangsten", {"bedrag": "1600.00", "datum": "2026-05-01"})
    assert figures() == {"0344": (1, 0), "0363": (3, 0)}


def test_a_receipt_is_dated_between_sending_and_today(claims, clock):
    """Issue 9, finding 8: a receipt dated 1900-01-01, before the claim was sent or in the future is
    refused with a Dutch message and a stable code, on the API and the web form; the database
    refuses a date after the registration too."""
    from django.db import IntegrityError, transaction
    from django.test import Client

    from declaraties.models import Ontvangst

    w = claims
    clock.move_to(moment(D(2026, 4, 10)))
    assert w.ams_claim.verzonden_op == D(2026, 4, 1)
    path = f"/vorderingen/{w.ams_claim.uuid}/ontvangsten"
    for datum, code, reason in (
        (
            "1900-01-01",
            "datum-voor-verzending",
            "Een ontvangst ligt niet vóór de verzending van de vordering (01-04-2026).",
        ),
        (
            "2026-03-31",
            "datum-voor-verzending",
            "Een ontvangst ligt niet vóór de verzending van de vordering (01-04-2026).",
        ),
        ("2026-04-11", "datum-in-toekomst", "Een ontvangst ligt niet in de toekomst."),
    ):
        response = post(w, w.uwv_fin, path, {"bedrag": "1.00", "datum": datum})
        assert response.status_code == 400, datum
        assert response.json()["code"] == code
        assert response.json()["invalidParams"] == [{"name": "datum", "code": code, "reason": reason}]

        web = Client()
        web.force_login(w.uwv_fin)
        page = web.post(
            f"/vorderingen/{w.ams_claim.uuid}/ontvangst/", {"bedrag": "1,00", "datum": datum, "bevestigd": "on"}
        )
        assert page.status_code == 400
        assert f"{reason} (code: {code})" in page.content.decode()
    assert not Ontvangst.objects.exists()
    for datum in ("2026-04-01", "2026-04-10"):  # the day it was sent, today
        assert post(w, w.uwv_fin, path, {"bedrag": "1.00", "datum": datum}).status_code == 201

    with pytest.raises(IntegrityError), transaction.atomic():
        Ontvangst.objects.create(vordering=w.ams_claim, bedrag=Decimal("1.00"), datum=D(2026, 4, 11), door=w.uwv_fin)
