"""Issue 11 (w3): Wajong old and new and WAO dienstverlening as separate benefit types (domain.md 5)
with the old ``wajong`` still accepted from older clients, and the data migration of existing
participants and placements (``trajecten/migrations/0010_open_voor_iedereen_uitkering``)."""

import importlib

import pytest
import time_machine
from django.apps import apps as django_apps
from django.db import connection
from rest_framework.test import APIClient

from trajecten import rules
from trajecten.forms_aanbieder import PlaatsingForm
from trajecten.models import Deelnemer, Plaatsing, Traject, Uitkering

from .aanvraag_helpers import TODAY, noon
from .helpers import approved_traject, deelnemer

MIGRATIE = importlib.import_module("trajecten.migrations.0010_open_voor_iedereen_uitkering")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    """The world's day (15 January 2026): ages, the scheme's window and the placements' dates fixed."""
    with time_machine.travel(noon(TODAY), tick=False) as traveller:
        yield traveller


@pytest.mark.parametrize("uitkering", ["wajong_oud", "wajong_nieuw", "wao_dienstverlening"])
def test_the_three_benefit_types_are_stored_apart_and_go_the_uwv_route(world, uitkering):
    answer = deelnemer(world, uitkering=uitkering)
    assert answer["uitkering"] == uitkering
    assert Deelnemer.objects.get(uuid=answer["uuid"]).uitkering == uitkering
    assert rules.route_for(uitkering) == "uwv"
    # an application on the UWV scheme passes the route check
    traject = approved_traject(world, uitkering=uitkering)
    assert traject["status"] == "actief"


def test_old_client_sending_wajong_gets_the_old_law(world):
    answer = deelnemer(world, uitkering="wajong")
    assert answer["uitkering"] == "wajong_oud"  # the answer says what was stored
    assert Deelnemer.objects.get(uuid=answer["uuid"]).uitkering == "wajong_oud"


def test_unknown_benefit_is_still_refused(world):
    response = world.client(world.ggz_noord).post(
        "/api/v1/deelnemers",
        {
            "bsn": "111222333",
            "voorletters": "A.",
            "achternaam": "B",
            "geboortedatum": "1985-03-01",
            "gemeente": "0363",
            "uitkering": "wajong_2015",
            "doelgroep": "epa",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "uitkering" in {p["name"] for p in response.json()["invalidParams"]}


def test_schema_lists_the_new_values_and_documents_the_old_one(db):
    schema = APIClient().get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    enum = next(s["enum"] for name, s in components.items() if name == "UitkeringEnum")
    assert {"wajong_oud", "wajong_nieuw", "wao_dienstverlening"} <= set(enum)
    assert "wajong" not in enum
    veld = components["DeelnemerRequest"]["properties"]["uitkering"]
    assert "wajong" in veld["description"] and "wajong_oud" in veld["description"]
    assert "Verouderd" in veld["description"]
    plaatsing = components["PlaatsingRequest"]["properties"]["openVoorIedereen"]
    assert plaatsing["type"] == "boolean" and "beschut_werk" in plaatsing["description"]
    assert "openVoorIedereen" not in components["PlaatsingRequest"].get("required", [])


def test_the_web_form_offers_the_new_values_only():
    from trajecten.forms_aanbieder import DeelnemerForm

    keuzes = [c for c, _ in DeelnemerForm().fields["uitkering"].choices]
    assert {"wajong_oud", "wajong_nieuw", "wao_dienstverlening"} <= set(keuzes) and "wajong" not in keuzes
    assert dict(Uitkering.choices)["wajong_oud"].startswith("Wajong oude wet")


def test_the_placement_form_asks_open_voor_iedereen():
    data = {
        "werkgever": "Bakkerij",
        "startdatum": "2026-01-05",
        "uren_per_week": "16",
        "contractsoort": "arbeidsovereenkomst",
        "minimumloon_of_meer": "on",
        "aandoening_bekend_bij_werkgever": "ja",
    }
    form = PlaatsingForm(data)
    assert not form.is_valid() and form.errors["open_voor_iedereen"] == ["Kies ja of nee."]
    assert form.fields["open_voor_iedereen"].label == (
        "Open voor iedereen (geen baan speciaal voor mensen met gezondheidsproblemen)"
    )
    form = PlaatsingForm({**data, "open_voor_iedereen": "nee", "loonondersteuning": ["beschut_werk"]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["open_voor_iedereen"] is False
    assert form.cleaned_data["loonondersteuning"] == ["beschut_werk"]


# --- the data migration ------------------------------------------------------------------------


class _Editor:
    connection = connection


def test_migration_moves_wajong_to_the_old_law_in_the_participant_and_its_history(world):
    person = deelnemer(world, uitkering="wajong_nieuw")
    other = deelnemer(world, uitkering="wga_80_100")
    obj = Deelnemer.objects.get(uuid=person["uuid"])
    bsn_voor = obj.bsn_versleuteld
    # as before the migration: the one old code (the check constraint is dropped by the migration
    # first; here it is bypassed inside the test's transaction)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE trajecten_deelnemer DROP CONSTRAINT deelnemer_uitkering_geldig")
    Deelnemer.objects.filter(pk=obj.pk).update(uitkering="wajong")
    obj.history.update(uitkering="wajong")
    history_count = obj.history.count()

    MIGRATIE.wajong_naar_oud(django_apps, _Editor())

    obj = Deelnemer.objects.get(pk=obj.pk)
    assert obj.uitkering == "wajong_oud" and obj.bsn_versleuteld == bsn_voor
    assert set(obj.history.values_list("uitkering", flat=True)) == {"wajong_oud"}
    assert obj.history.count() == history_count  # no history row added
    assert Deelnemer.objects.get(uuid=other["uuid"]).uitkering == "wga_80_100"


def test_migration_sets_open_voor_iedereen_of_existing_placements(world):
    traject = approved_traject(world)
    url = f"/api/v1/trajecten/{traject['uuid']}/plaatsingen"
    body = {
        "werkgever": "Bakkerij",
        "startdatum": traject["startdatum"],
        "urenPerWeek": "16.0",
        "contractsoort": "uitzend",
        "minimumloonOfMeer": True,
        "aandoeningBekendBijWerkgever": True,
        "openVoorIedereen": True,
    }
    client = world.client(world.ggz_noord)
    gewoon = client.post(url, body, format="json").json()
    refused = client.post(url, {**body, "loonondersteuning": ["beschut_werk"]}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "beschut-werk-niet-open"  # never open to anyone
    beschut = client.post(
        url, {**body, "loonondersteuning": ["beschut_werk"], "openVoorIedereen": False}, format="json"
    )
    beschut = beschut.json()
    # a placement from before the field existed: the column's default said "open"
    Plaatsing.objects.filter(uuid=beschut["uuid"]).update(open_voor_iedereen=True)
    Plaatsing.history.filter(uuid=beschut["uuid"]).update(open_voor_iedereen=True)

    MIGRATIE._beschut_niet_open(django_apps, _Editor())

    assert Plaatsing.objects.get(uuid=gewoon["uuid"]).open_voor_iedereen is True
    migrated = Plaatsing.objects.get(uuid=beschut["uuid"])
    assert migrated.open_voor_iedereen is False and migrated.regulier_betaald_werk is False
    assert set(migrated.history.values_list("open_voor_iedereen", flat=True)) == {False}
    assert rules.open_voor_iedereen_standaard(["beschut_werk"]) is False
    assert rules.open_voor_iedereen_standaard([]) is True


# --- one rule for regular paid work: the flag and its queryset twin agree -----------------------


def test_regular_paid_work_flag_and_queryset_twin_agree_on_every_combination(world):
    import itertools

    from tests import factories

    traject = Traject.objects.get(uuid=approved_traject(world)["uuid"])
    made = {}
    for loon, proef, open_, beschut in itertools.product((True, False), repeat=4):
        if proef and loon:
            continue  # a trial placement is unpaid (a constraint)
        if open_ and beschut:
            continue  # beschut werk is never open to anyone (refused: beschut-werk-niet-open)
        p = factories.PlaatsingFactory(
            traject=traject,
            minimumloon_of_meer=loon,
            proefplaatsing=proef,
            open_voor_iedereen=open_,
            loonondersteuning=["beschut_werk"] if beschut else [],
        )
        made[p.pk] = (loon, proef, open_, beschut)
    strikt = set(Plaatsing.objects.filter(rules.regulier_betaald_werk_q(), pk__in=made).values_list("pk", flat=True))
    breed = set(Plaatsing.objects.filter(rules.betaald_werk_incl_beschut_q(), pk__in=made).values_list("pk", flat=True))
    for pk, (loon, proef, open_, beschut) in made.items():
        verwacht = loon and not proef and open_
        assert (
            rules.regulier_betaald_werk(minimumloon_of_meer=loon, proefplaatsing=proef, open_voor_iedereen=open_)
            is verwacht
        )
        assert Plaatsing.objects.get(pk=pk).regulier_betaald_werk is verwacht
        assert (pk in strikt) is verwacht
        assert (pk in breed) is (verwacht or (beschut and not proef))
