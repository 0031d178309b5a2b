"""Consent (domain.md 12, docs/privacy.md "Toestemming"): the participant signs the application, the
desk records the date, who registered it and when, and refuses an application without it; per
placement the provider records whether the participant told the employer about the condition."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction

from tests.trajecten.aanvraag_helpers import TODAY, aanvragen, assert_problem, deelnemer, noon, submit, submitted
from tests.trajecten.helpers import approved_traject
from trajecten.models import Aanvraag, Plaatsing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(noon(TODAY), tick=False) as traveller:
        yield traveller


def _invalid(response, code: str) -> dict:
    problem = assert_problem(response, 400, "ongeldige-invoer")
    assert {"name": "toestemmingOp", "code": code} in [
        {"name": p["name"], "code": p["code"]} for p in problem["invalidParams"]
    ], problem
    return problem


def test_an_application_without_consent_is_refused_with_its_code(world):
    person = deelnemer(world)
    for value in (..., None, ""):
        problem = _invalid(submit(world, world.ggz_noord, person, toestemmingOp=value), "toestemming-ontbreekt")
        reason = next(p["reason"] for p in problem["invalidParams"] if p["name"] == "toestemmingOp")
        assert reason.startswith("De deelnemer moet de aanvraag ondertekenen")
    assert aanvragen() == 0


def test_consent_dated_in_the_future_is_refused(world):
    tomorrow = TODAY + datetime.timedelta(days=1)
    problem = _invalid(
        submit(world, world.ggz_noord, deelnemer(world), toestemmingOp=str(tomorrow)), "toestemming-in-toekomst"
    )
    assert "in de toekomst" in problem["invalidParams"][0]["reason"]
    assert aanvragen() == 0


def test_the_application_shows_the_consent_who_registered_it_and_when(world):
    signed = TODAY - datetime.timedelta(days=3)
    filed = submitted(world, toestemmingOp=str(signed))
    assert filed["toestemmingOp"] == str(signed)
    assert filed["toestemmingGeregistreerdDoor"] == "ggz-noord"
    assert filed["toestemmingGeregistreerdOp"] == "2026-01-15T11:00:00Z"  # noon in Amsterdam, in UTC
    assert filed["toestemmingVoorLoket"] is False
    again = world.client(world.ggz_noord).get(f"/api/v1/aanvragen/{filed['uuid']}").json()
    assert again["toestemmingOp"] == str(signed)


def test_the_database_refuses_an_application_without_consent_whatever_the_path(world):
    filed = Aanvraag.objects.get(uuid=submitted(world)["uuid"])
    for change in (
        {"toestemming_op": None},
        {"toestemming_geregistreerd_door": None},
        {"toestemming_op": TODAY + datetime.timedelta(days=1)},  # after it was registered
        {"toestemming_voor_loket": True},  # the old-application flag with a date: one or the other
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Aanvraag.objects.filter(pk=filed.pk).update(**change)
    # an application from before the desk recorded consent: flagged, without a date
    Aanvraag.objects.filter(pk=filed.pk).update(
        toestemming_voor_loket=True, toestemming_op=None, toestemming_geregistreerd_door=None,
        toestemming_geregistreerd_op=None,
    )  # fmt: skip
    shown = world.client(world.ggz_noord).get(f"/api/v1/aanvragen/{filed.uuid}").json()
    assert shown["toestemmingOp"] is None and shown["toestemmingVoorLoket"] is True


def test_the_web_form_asks_the_consent_date(world, client):
    client.force_login(world.ggz_noord)
    page = client.get("/aanvragen/nieuw/").content.decode()
    assert "Toestemming deelnemer getekend op" in page
    assert 'name="toestemming_op"' in page and 'type="date"' in page


def test_the_application_page_shows_the_consent(world, client):
    filed = submitted(world, toestemmingOp=str(TODAY - datetime.timedelta(days=1)))
    client.force_login(world.ggz_noord)
    page = client.get(f"/aanvragen/{filed['uuid']}/").content.decode()
    assert "Getekend op 14 januari 2026; vastgelegd door ggz-noord op 15 januari 2026, 12:00" in page


# --- disclosure to the employer, per placement ---------------------------------------------------


def _plaatsing(traject, **overrides) -> dict:
    body = {
        "werkgever": "Bakkerij Bol",
        "startdatum": traject["startdatum"],
        "urenPerWeek": "16.0",
        "contractsoort": "arbeidsovereenkomst",
        "minimumloonOfMeer": True,
        "aandoeningBekendBijWerkgever": False,
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


def test_a_placement_records_whether_the_employer_knows_of_the_condition(world):
    traject = approved_traject(world)
    client = world.client(world.ggz_noord)
    url = f"/api/v1/trajecten/{traject['uuid']}/plaatsingen"

    missing = assert_problem(
        client.post(url, _plaatsing(traject, aandoeningBekendBijWerkgever=...), format="json"), 400, "ongeldige-invoer"
    )
    assert missing["invalidParams"][0]["name"] == "aandoeningBekendBijWerkgever"
    null = assert_problem(
        client.post(url, _plaatsing(traject, aandoeningBekendBijWerkgever=None), format="json"), 400, "ongeldige-invoer"
    )
    assert null["invalidParams"][0]["code"] == "openheid-werkgever-ontbreekt"
    assert not Plaatsing.objects.exists()

    created = client.post(url, _plaatsing(traject), format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["aandoeningBekendBijWerkgever"] is False
    patched = client.patch(f"{url}/{created.json()['uuid']}", {"aandoeningBekendBijWerkgever": True}, format="json")
    assert patched.status_code == 200 and patched.json()["aandoeningBekendBijWerkgever"] is True
    assert Plaatsing.objects.get().aandoening_bekend_bij_werkgever is True
