"""Findings of the acceptance test of issue 12, through the Django test client: one fidelity audit
per provider per date, Dutch messages without Python lists or English decimal points, the price
page without a success line beside a refusal, role names in the processing log and money in the
settings history."""

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from backoffice import roles
from backoffice.models import Verwerking
from financiering.models import Modeltrouwmeting
from tests.factories import ModeltrouwmetingFactory, ips26, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.datetime(2026, 6, 17, 10, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False) as t:
        yield t


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _audit_form(world, actie: str, **extra) -> dict:
    form = {"versie": "ips-26", "aanbieder": str(world.noord.uuid), "datum": "2026-06-01", "actie": actie}
    form.update({"auditor_1": "A. de Vries", "auditor_2": "J. Smit"})
    for prefix, score in (("a1", 4), ("a2", 3), ("c", 4)):
        form.update({f"{prefix}_{i}": score for i in range(1, 27)})
    form.update(extra)
    return form


def test_a_second_audit_of_the_same_provider_on_the_same_date_is_refused_a_correction_is_not(world):
    ips26()
    auditor = web(world.auditor)
    assert auditor.post("/modeltrouw/nieuw/", _audit_form(world, "opslaan")).status_code == 302
    meting = Modeltrouwmeting.objects.get(aanbieder=world.noord, datum=datetime.date(2026, 6, 1))

    for actie in ("berekenen", "opslaan"):  # the preview warns already
        page = auditor.post("/modeltrouw/nieuw/", _audit_form(world, actie)).content.decode()
        assert "Er is al een modeltrouwmeting van GGZ Noord op 1 juni 2026" in page, actie
        assert "(code: meting-bestaat-al)" in page
    assert Modeltrouwmeting.objects.filter(aanbieder=world.noord, datum=datetime.date(2026, 6, 1)).count() == 1

    api = world.client(world.auditor).post(
        "/api/v1/modeltrouwmetingen",
        {
            "aanbieder": str(world.noord.uuid),
            "datum": "2026-06-01",
            "versie": "ips-26",
            "scores": {str(i): 4 for i in range(1, 27)},
        },
        format="json",
    )
    assert api.status_code == 409 and api.json()["code"] == "meting-bestaat-al"

    form = _audit_form(world, "opslaan", c_1=5, toelichting="Item 1 verkeerd overgenomen")
    form.pop("aanbieder")
    assert auditor.post(f"/modeltrouw/metingen/{meting.uuid}/corrigeren/", form).status_code == 302
    meting.refresh_from_db()
    assert meting.totaal == 105
    # a correction may not move it onto the date of another audit of the provider
    ModeltrouwmetingFactory(aanbieder=world.noord, datum=datetime.date(2026, 6, 2))
    form.update(datum="2026-06-02", toelichting="Datum verkeerd")
    page = auditor.post(f"/modeltrouw/metingen/{meting.uuid}/corrigeren/", form).content.decode()
    assert "(code: meting-bestaat-al)" in page


def test_messages_name_items_and_amounts_in_dutch(world):
    ips26()
    page = web(world.auditor).post("/modeltrouw/nieuw/", _audit_form(world, "opslaan", c_1=6, c_3=6)).content.decode()
    assert "fout bij items 1 en 3. (code: score-ongeldig)" in page and "[1, 3]" not in page

    beheer = web(world.beheer)
    perceel = reverse("web-beheer-perceel", kwargs={"code": "uwv-ips-epa"})
    assert "Volledig ingericht" in beheer.get(perceel).content.decode()
    response = beheer.post(
        reverse("web-beheer-perceel-prijs", kwargs={"code": "uwv-ips-epa"}),
        {"bedrag": "-5", "geldig_van": "2027-01-01"},
    )
    page = response.content.decode()
    assert response.status_code == 400 and "Het bedrag is minstens €\u00a00,01." in page and "0.01" not in page
    assert "Volledig ingericht" not in page  # not beside the refused price


def test_the_processing_log_names_the_roles_in_dutch(world):
    fg = make_user(roles.PRIVACY_OFFICER, username="fg")
    Verwerking.objects.create(
        verzoek=uuid.uuid4(),
        gebruikersnaam="uwv",
        organisatie="UWV",
        rollen="privacy_officer, uwv_beoordelaar",
        deelnemer_uuid=uuid.uuid4(),
        handeling="raadplegen",
        doel="aanvraag_beoordelen",
        kanaal="web",
    )
    page = web(fg).get("/verwerkingen/", {"gebruiker": "uwv"}).content.decode()
    assert f"{roles.ROLES[roles.PRIVACY_OFFICER]}, UWV beoordelaar" in page
    assert "uwv_beoordelaar" not in page and "privacy_officer" not in page


def test_the_settings_history_shows_the_threshold_as_money(world):
    from tests.backoffice.test_beheer import _instellingen_data

    client = web(world.beheer)
    response = client.post(reverse("web-beheer-instellingen"), _instellingen_data(vier_ogen_drempel="1.000,00"))
    assert response.status_code == 302
    page = client.get(reverse("web-beheer-instellingen")).content.decode()
    assert "€\u00a0100.000,00 → €\u00a01.000,00" in page
