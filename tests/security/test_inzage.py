"""AVG art. 15: the participant's own provider exports everything the desk holds about them, as
JSON (``GET /api/v1/deelnemers/{uuid}/inzage``) and as a printable page; nobody else can; the
export itself is logged; and it lists who processed the data (organisation and purpose)."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backoffice.models import Verwerking
from tests.declaraties.geld_helpers import declare, moment, start_line
from tests.trajecten.helpers import approved_traject, deelnemer
from trajecten.models import Deelnemer, Traject

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(moment(D(2026, 3, 2)), tick=False) as traveller:
        yield traveller


@pytest.fixture
def dossier(world, clock):
    traject = approved_traject(world)  # GGZ Noord, the UWV route
    client = world.client(world.ggz_noord)
    placement = client.post(
        f"/api/v1/trajecten/{traject['uuid']}/plaatsingen",
        {
            "werkgever": "Bakkerij De Korst",
            "startdatum": traject["startdatum"],
            "urenPerWeek": "16.0",
            "contractsoort": "arbeidsovereenkomst",
            "minimumloonOfMeer": True,
            "aandoeningBekendBijWerkgever": False,
        },
        format="json",
    )
    assert placement.status_code == 201, placement.json()
    clock.move_to(moment(D(2026, 3, 10)))
    declare(world.ggz_noord, "D-NOORD-1", [start_line(traject, "N-1", D(2026, 3, 2))])
    stop = client.post(
        f"/api/v1/trajecten/{traject['uuid']}/stopberichten",
        {"einddatum": "2026-03-09", "reden": "uitval", "toelichting": "Verhuisd naar familie."},
        format="json",
    )
    assert stop.status_code == 201, stop.json()
    clock.move_to(moment(D(2026, 3, 11)))
    return {"traject": traject, "deelnemer": traject["deelnemer"]}


def test_the_own_provider_exports_the_whole_dossier_as_json(world, dossier):
    uuid = dossier["deelnemer"]
    response = world.client(world.ggz_noord).get(f"/api/v1/deelnemers/{uuid}/inzage")
    assert response.status_code == 200
    body = response.json()
    person = body["deelnemer"]
    assert (person["uuid"], person["achternaam"], person["geboortedatum"]) == (uuid, "de Vries", "1985-03-01")
    assert person["bsnGemaskeerd"].startswith("*****")
    assert Deelnemer.objects.get(uuid=uuid).bsn not in response.content.decode()
    assert person["hoofddiagnosegroep"]["omschrijving"] == "Onbekend"
    (aanvraag,) = body["aanvragen"]
    assert aanvraag["status"]["code"] == "goedgekeurd"
    assert [b["besluit"]["code"] for b in aanvraag["besluiten"]] == ["akkoord"]
    (traject,) = body["trajecten"]
    assert traject["toewijzingNummer"] == dossier["traject"]["toewijzingNummer"]
    assert [p["werkgever"] for p in traject["plaatsingen"]] == ["Bakkerij De Korst"]
    assert traject["stopbericht"]["reden"]["code"] == "uitval"
    assert [(r["productCode"], r["ingediendBedrag"], r["toegekendBedrag"]) for r in traject["declaratieregels"]] == [
        ("start", "3200.00", "3200.00")
    ]
    # who processed the data: the provider registering it, UWV deciding, per organisation and purpose
    verwerkingen = {(v["organisatie"], v["doel"]["code"]) for v in body["verwerkingen"]}
    assert ("GGZ Noord", "aanvraag_indienen") in verwerkingen
    assert ("UWV", "aanvraag_beoordelen") in verwerkingen
    assert all("gebruiker" not in v for v in body["verwerkingen"])  # organisations, not staff names


def test_the_export_is_itself_logged(world, dossier):
    world.client(world.ggz_noord).get(f"/api/v1/deelnemers/{dossier['deelnemer']}/inzage")
    row = Verwerking.objects.filter(route="GET /api/v1/deelnemers/<uuid:uuid>/inzage").get()
    assert (str(row.deelnemer_uuid), row.handeling, row.doel, row.kanaal) == (
        dossier["deelnemer"], "exporteren", "inzage", "api",
    )  # fmt: skip
    again = world.client(world.ggz_noord).get(f"/api/v1/deelnemers/{dossier['deelnemer']}/inzage").json()
    assert any(v["doel"]["code"] == "inzage" and v["handeling"]["code"] == "exporteren" for v in again["verwerkingen"])


def test_nobody_else_gets_the_export(world, dossier):
    uuid = dossier["deelnemer"]
    other = world.client(world.ggz_zuid).get(f"/api/v1/deelnemers/{uuid}/inzage")
    assert other.status_code == 404 and other.json()["code"] == "niet-gevonden"
    for user in (world.uwv, world.gem_amsterdam, world.beheer, world.auditor):
        response = world.client(user).get(f"/api/v1/deelnemers/{uuid}/inzage")
        assert response.status_code == 403 and response.json()["code"] == "geen-rol", user
    web = Client()
    web.force_login(world.uwv)
    assert web.get(f"/deelnemers/{uuid}/inzage/").status_code == 403
    web.force_login(world.ggz_zuid)
    assert web.get(f"/deelnemers/{uuid}/inzage/").status_code == 404
    assert not Verwerking.objects.filter(doel="inzage").exists()


def test_the_printable_page_in_dutch(world, dossier):
    web = Client()
    web.force_login(world.ggz_noord)
    detail = web.get(f"/deelnemers/{dossier['deelnemer']}/").content.decode()
    assert f'href="/deelnemers/{dossier["deelnemer"]}/inzage/"' in detail
    page = web.get(f"/deelnemers/{dossier['deelnemer']}/inzage/")
    assert page.status_code == 200
    text = page.content.decode()
    for expected in (
        "Inzage persoonsgegevens (AVG art. 15)",
        "A.B. de Vries",
        "Bakkerij De Korst",
        "€\u00a03.200,00",
        "Deelnemer gestopt",
        "Wie uw gegevens verwerkte",
        "declaraties/inzage.css",
    ):
        assert expected in text, expected
    row = Verwerking.objects.get(route="GET /deelnemers/<uuid:uuid>/inzage/")
    assert (row.handeling, row.doel, row.kanaal) == ("exporteren", "inzage", "web")


def test_the_export_costs_a_fixed_number_of_queries(world, dossier):
    client = world.client(world.ggz_noord)
    url = f"/api/v1/deelnemers/{dossier['deelnemer']}/inzage"
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    # a second trajectory for the same participant (the first one ended) and more placements
    traject = Traject.objects.get(uuid=dossier["traject"]["uuid"])
    for n in range(3):
        traject.plaatsingen.create(
            werkgever=f"Werkgever {n}",
            startdatum=traject.startdatum,
            uren_per_week="8.0",
            contractsoort="anders",
            minimumloon_of_meer=False,
            aangemaakt_door=world.ggz_noord,
        )
    with CaptureQueriesContext(connection) as second:
        body = client.get(url).json()
    assert len(body["trajecten"][0]["plaatsingen"]) == 4
    assert len(second.captured_queries) == len(first.captured_queries)


def test_an_unknown_participant_is_a_404(world):
    deelnemer(world)
    response = world.client(world.ggz_noord).get("/api/v1/deelnemers/00000000-0000-0000-0000-000000000000/inzage")
    assert response.status_code == 404


def test_the_export_lists_the_documents_about_the_person(world, dossier):
    body = world.client(world.ggz_noord).get(f"/api/v1/deelnemers/{dossier['deelnemer']}/inzage").json()
    soorten = [d["soort"]["code"] for d in body["documenten"]]
    assert "uwv_besluit" in soorten and "stopbericht_deel1" in soorten  # the approval and the stop notice
    assert all(
        set(d) == {"uuid", "soort", "titel", "aangemaaktOp", "sha256", "inhoudVerwijderdOp"} for d in body["documenten"]
    )
