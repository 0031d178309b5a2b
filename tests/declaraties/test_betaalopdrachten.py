"""Payment orders through the API: who sees them, the SEPA file a bank accepts, the exports of
the lines (no BSN or name), and two people confirming one order at the same moment."""

import csv
import datetime
import io
import threading
import xml.etree.ElementTree as ET
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from backoffice import roles
from backoffice.models import Instellingen, User
from declaraties import services
from declaraties.models import Betaalopdracht, Prestatie
from tests.conftest import World
from tests.factories import make_user
from tests.trajecten.helpers import approved_traject

from .geld_helpers import assert_budget_matches_raw_tables, declare, start_line


@pytest.fixture(autouse=True)
def clock():
    """Every test runs on one fixed day (the world is built then too)."""
    with time_machine.travel(datetime.datetime(2026, 6, 17, 10, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False) as t:
        yield t


NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


def order(world, n_trajecten=1, perceel="demo-gem-epa") -> Betaalopdracht:
    """Today's order for GGZ Noord with the start lines of ``n_trajecten`` new trajectories."""
    today = timezone.localdate()
    trajecten = [approved_traject(world, perceel=perceel) for _ in range(n_trajecten)]
    declare(world.ggz_noord, f"D-{today:%Y%m}", [start_line(t, f"R-{i}", today) for i, t in enumerate(trajecten)])
    services.betaalopdrachten_aanmaken(datum=today)
    return Betaalopdracht.objects.get(aanbieder=world.noord, datum=today)


def approve(world, opdracht):
    response = world.client(world.uwv_fin).post(f"/api/v1/betaalopdrachten/{opdracht.uuid}/goedkeuringen")
    assert response.status_code == 201, response.json()
    return response


@pytest.mark.django_db
class TestAccess:
    @pytest.mark.parametrize(
        "user, status",
        [
            ("uwv_fin", 200),
            ("uwv", 200),
            ("gem_amsterdam", 403),
            ("ggz_noord", 403),
            ("auditor", 403),
            ("beheer", 403),
            (None, 401),
        ],
    )
    def test_list_per_role(self, world, user, status):
        order(world)
        response = world.client(user and getattr(world, user)).get("/api/v1/betaalopdrachten")
        assert response.status_code == status
        assert response["Content-Type"].startswith("application/problem+json" if status != 200 else "application/json")
        if status == 200:
            assert response.json()["count"] == 1

    @pytest.mark.parametrize("user, status", [("uwv_fin", 201), ("uwv", 403), ("gem_amsterdam", 403)])
    def test_only_uwv_financieel_approves(self, world, user, status):
        opdracht = order(world)
        response = world.client(getattr(world, user)).post(f"/api/v1/betaalopdrachten/{opdracht.uuid}/goedkeuringen")
        assert response.status_code == status

    def test_beoordelaar_reads_but_gets_no_bank_file(self, world):
        opdracht = order(world)
        approve(world, opdracht)
        client = world.client(world.uwv)
        assert client.get(f"/api/v1/betaalopdrachten/{opdracht.uuid}").status_code == 200
        assert client.get(f"/api/v1/betaalopdrachten/{opdracht.uuid}/sepa").status_code == 403

    def test_unknown_order_is_404(self, world):
        response = world.client(world.uwv_fin).get("/api/v1/betaalopdrachten/7d3c1b0e-0000-4000-8000-000000000000")
        assert response.status_code == 404 and response.json()["code"] == "niet-gevonden"


@pytest.mark.django_db
def test_list_filters_and_detail_summary(world):
    opdracht = order(world, n_trajecten=2)
    client = world.client(world.uwv_fin)
    assert client.get("/api/v1/betaalopdrachten?status=te_accorderen").json()["count"] == 1
    assert client.get("/api/v1/betaalopdrachten?status=betaald").json()["count"] == 0
    assert client.get(f"/api/v1/betaalopdrachten?aanbieder={world.zuid.uuid}").json()["count"] == 0
    assert client.get(f"/api/v1/betaalopdrachten?aanbieder={world.noord.uuid}").json()["count"] == 1
    assert client.get(f"/api/v1/betaalopdrachten?datum={opdracht.datum}").json()["count"] == 1
    assert client.get("/api/v1/betaalopdrachten?datum=2000-01-01").json()["count"] == 0
    assert client.get("/api/v1/betaalopdrachten?status=onzin").status_code == 400
    body = client.get(f"/api/v1/betaalopdrachten/{opdracht.uuid}").json()
    assert (body["bedrag"], body["aantalRegels"], body["status"], body["iban"]) == (
        "6400.00",
        2,
        "te_accorderen",
        world.noord.iban,
    )
    assert body["regels"] == {
        "aantal": 2,
        "trajecten": 2,
        "debet": "6400.00",
        "credit": "0.00",
        "perProduct": [{"productCode": "start", "aantal": 2, "bedrag": "6400.00"}],
    }


@pytest.mark.django_db
def test_sepa_file_is_a_valid_pain001_for_the_order(world):
    instellingen = Instellingen.get()
    instellingen.uwv_rekening_naam, instellingen.uwv_iban, instellingen.uwv_bic = (
        "UWV Uitkeringen",
        "NL02ABNA0123456789",
        "ABNANL2A",
    )
    instellingen.save()
    opdracht = order(world, n_trajecten=2)
    client = world.client(world.uwv_fin)
    refused = client.get(f"/api/v1/betaalopdrachten/{opdracht.uuid}/sepa")
    assert refused.status_code == 409 and refused.json()["code"] == "niet-geaccordeerd"
    approve(world, opdracht)
    response = client.get(f"/api/v1/betaalopdrachten/{opdracht.uuid}/sepa")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert "attachment" in response["Content-Disposition"]
    root = ET.fromstring(response.content)
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert header.find("p:NbOfTxs", NS).text == "1"
    assert Decimal(header.find("p:CtrlSum", NS).text) == Decimal("6400.00")
    assert header.find("p:MsgId", NS).text == f"IPS{opdracht.uuid.hex}"
    pmt = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert pmt.find("p:Dbtr/p:Nm", NS).text == "UWV Uitkeringen"
    assert pmt.find("p:DbtrAcct/p:Id/p:IBAN", NS).text == "NL02ABNA0123456789"
    assert pmt.find("p:DbtrAgt/p:FinInstnId/p:BIC", NS).text == "ABNANL2A"
    transfers = pmt.findall("p:CdtTrfTxInf", NS)
    assert len(transfers) == 1
    tx = transfers[0]
    assert tx.find("p:CdtrAcct/p:Id/p:IBAN", NS).text == world.noord.iban
    assert tx.find("p:CdtrAgt/p:FinInstnId/p:BIC", NS).text == "ABNANL2A"  # derived from the IBAN
    amount = tx.find("p:Amt/p:InstdAmt", NS)
    assert (Decimal(amount.text), amount.get("Ccy")) == (Decimal("6400.00"), "EUR")
    assert tx.find("p:PmtId/p:EndToEndId", NS).text == opdracht.uuid.hex
    assert str(opdracht.uuid) in tx.find("p:RmtInf/p:Ustrd", NS).text
    # A second download is the same message for the bank (no double payment by re-upload).
    again = ET.fromstring(client.get(f"/api/v1/betaalopdrachten/{opdracht.uuid}/sepa").content)
    assert again.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId", NS).text == header.find("p:MsgId", NS).text


@pytest.mark.django_db
def test_sepa_refuses_an_invalid_iban_with_409_not_500(world):
    opdracht = order(world)
    approve(world, opdracht)
    Betaalopdracht.objects.filter(pk=opdracht.pk).update(iban="NL00ABNA0000000000")
    response = world.client(world.uwv_fin).get(f"/api/v1/betaalopdrachten/{opdracht.uuid}/sepa")
    assert response.status_code == 409 and response.json()["code"] == "iban-ongeldig"


@pytest.mark.django_db
def test_lines_export_json_csv_xlsx_without_personal_data(world):
    opdracht = order(world, n_trajecten=2)
    Prestatie.objects.filter(product_referentie="R-0").update(product_referentie="=HYPERLINK(1)")
    client = world.client(world.uwv_fin)
    base = f"/api/v1/betaalopdrachten/{opdracht.uuid}/regels"
    body = client.get(base).json()
    assert body["count"] == 2
    assert {r["productCode"] for r in body["results"]} == {"start"}
    assert {r["bedrag"] for r in body["results"]} == {"3200.00"}

    response = client.get(f"{base}?formaat=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:7] == [
        "toewijzingNummer",
        "productReferentie",
        "productCode",
        "periodeBegin",
        "periodeEind",
        "bedrag",
        "debetCredit",
    ]
    assert len(rows) == 3
    assert {r[5] for r in rows[1:]} == {"3200.00"}
    assert "'=HYPERLINK(1)" in {r[1] for r in rows[1:]}  # not a formula in a spreadsheet
    assert "de Vries" not in text and "A.B." not in text

    response = client.get(f"{base}?formaat=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "toewijzingNummer" and len(values) == 3
    assert {v[5] for v in values[1:]} == {3200}
    assert client.get(f"{base}?formaat=pdf").status_code == 400


@pytest.mark.django_db
def test_below_threshold_one_approval_then_confirmation(world):
    opdracht = order(world)
    assert opdracht.akkoorden_nodig == 1  # default threshold 100000
    assert approve(world, opdracht).json()["status"] == "geaccordeerd"
    again = world.client(world.uwv_fin).post(f"/api/v1/betaalopdrachten/{opdracht.uuid}/goedkeuringen")
    assert again.status_code == 409
    today = timezone.localdate().isoformat()
    response = world.client(world.uwv_fin).post(
        f"/api/v1/betaalopdrachten/{opdracht.uuid}/bevestigingen", {"datum": today}, format="json"
    )
    assert response.status_code == 201
    assert set(Prestatie.objects.values_list("betaald_op", flat=True)) == {timezone.localdate()}
    missing = world.client(world.uwv_fin).post(
        f"/api/v1/betaalopdrachten/{opdracht.uuid}/bevestigingen", {}, format="json"
    )
    assert missing.status_code == 400 and missing.json()["invalidParams"][0]["name"] == "datum"


# --- two people confirming at once (PostgreSQL, real threads) ----------------------------------


@pytest.fixture
def tworld(transactional_db):
    if connection.vendor != "postgresql":
        pytest.fail(f"De concurrency-tests vragen PostgreSQL (DATABASE_URL), niet {connection.vendor}.")
    world = World()
    world.uwv_fin2 = make_user(roles.UWV_FINANCIEEL, username="uwv-financieel-2")
    return world


def parallel(*requests):
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)
    errors: list = []

    def run(index, user_pk, path, data):
        from rest_framework.test import APIClient

        try:
            client = APIClient()
            client.force_authenticate(User.objects.get(pk=user_pk))
            barrier.wait(timeout=20)
            response = client.post(path, data, format="json")
            results[index] = (response.status_code, response.json())
        except BaseException as exc:  # noqa: BLE001 - reported in the main thread
            errors.append(exc)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *r), daemon=True) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a request hung (deadlock?)"
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_two_people_confirm_at_once_exactly_one_succeeds(tworld):
    world = tworld
    today = timezone.localdate()
    for round_, provider in enumerate((world.ggz_noord, world.ggz_zuid, world.ribw_oost)):
        traject = approved_traject(world, perceel="demo-gem-epa", provider_user=provider)
        declare(provider, f"D-{round_}", [start_line(traject, f"R-{round_}", today)])
        services.betaalopdrachten_aanmaken(datum=today)
        opdracht = Betaalopdracht.objects.get(prestaties__product_referentie=f"R-{round_}")
        approve(world, opdracht)
        path = f"/api/v1/betaalopdrachten/{opdracht.uuid}/bevestigingen"
        results = parallel(
            (world.uwv_fin.pk, path, {"datum": today.isoformat()}),
            (world.uwv_fin2.pk, path, {"datum": today.isoformat()}),
        )
        assert sorted(s for s, _ in results) == [201, 409], results
        assert next(b for s, b in results if s == 409)["code"] == "al-bevestigd"
        opdracht.refresh_from_db()
        assert opdracht.status == "betaald"
        assert_budget_matches_raw_tables(world.budget_amsterdam)  # realised once, not twice
    world.budget_amsterdam.refresh_from_db()
    assert world.budget_amsterdam.gerealiseerd == Decimal("9600.00")


@pytest.mark.django_db
def test_admin_shows_the_order_read_only_with_a_sepa_download(world, client):
    from django.urls import reverse

    admin_user = User.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin_user)
    opdracht = order(world)
    change = reverse("admin:declaraties_betaalopdracht_change", args=(opdracht.pk,))
    assert "na accordering" in client.get(change).content.decode()
    sepa_url = reverse("admin:declaraties_betaalopdracht_sepa", args=(opdracht.pk,))
    assert client.get(sepa_url).status_code == 302  # refused before approval, with a message
    approve(world, opdracht)
    assert sepa_url in client.get(change).content.decode()
    response = client.get(sepa_url)
    assert response.status_code == 200
    assert ET.fromstring(response.content).find("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", NS).text == "1"
    claim_list = client.get(reverse("admin:declaraties_vordering_changelist"))
    assert claim_list.status_code == 200
    # staff without the UWV financieel role get no bank file
    staff = make_user(roles.BEHEERDER, username="staff-zonder-geld")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    refused = client.get(sepa_url)
    assert refused.status_code == 403  # logged in to the admin, but no right to the bank file
    assert b"CstmrCdtTrfInitn" not in refused.content and "attachment" not in refused.get("Content-Disposition", "")
