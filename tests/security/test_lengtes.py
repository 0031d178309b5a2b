"""Issue 9, finding 8: free text has a maximum (backoffice/limieten.py), enforced by the database
and validated with a Dutch message by the API (400, ``invalidParams``) and the web forms. A 1 MB
``toelichting`` was stored and then shown on every page."""

import datetime as dt

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.test import Client

from backoffice import limieten
from financiering.models import Raamovereenkomst
from tests.trajecten.helpers import aanvraag, approved_traject, deelnemer

TE_LANG = "x" * (limieten.TOELICHTING + 1)
API_MELDING = f"Zorg ervoor dat dit veld niet meer dan {limieten.TOELICHTING} karakters bevat."
NAAM_MELDING = f"Zorg ervoor dat dit veld niet meer dan {limieten.NAAM} karakters bevat."

# Text the loket writes itself, never a user: the digest's body (at most 50 signals), the
# encrypted BSN and a generated document's HTML (rendered from a template and bounded texts).
GEEN_INVOER = {
    ("backoffice", "notificatie", "tekst"),
    ("trajecten", "deelnemer", "bsn_versleuteld"),
    ("backoffice", "document", "html"),
}


def _text_fields():
    for app in ("backoffice", "financiering", "trajecten", "declaraties"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical") or not model._meta.managed:
                continue
            for field in model._meta.get_fields():
                if isinstance(field, models.TextField) and (app, model._meta.model_name, field.name) not in GEEN_INVOER:
                    yield model, field


def test_every_free_text_field_has_a_limit_the_database_enforces(db):
    fields = list(_text_fields())
    assert len(fields) >= 9  # toelichting, reden and the reasons of decisions and disputes
    for model, field in fields:
        assert field.max_length == limieten.TOELICHTING, f"{model.__name__}.{field.name}"
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
        name = f"{model._meta.model_name}_{field.name}_lengte"
        assert constraints.get(name, {}).get("check"), f"{model.__name__}.{field.name}: geen check {name}"
    for app in ("backoffice", "financiering", "trajecten", "declaraties"):
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.CharField):
                    assert field.max_length, f"{model.__name__}.{field.name}"


def test_the_database_refuses_a_longer_text(world):
    contract = Raamovereenkomst.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Raamovereenkomst.objects.filter(pk=contract.pk).update(status="opgeschort", reden=TE_LANG)
    Raamovereenkomst.objects.filter(pk=contract.pk).update(status="opgeschort", reden="x" * limieten.TOELICHTING)


def _refused(response, name, reason=API_MELDING):
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "ongeldige-invoer"
    assert {"name": name, "code": "max_length", "reason": reason} in response.json()["invalidParams"]


def test_the_api_refuses_longer_free_text_and_names_in_dutch(world):
    provider = world.client(world.ggz_noord)
    filed = aanvraag(world)
    refused = world.client(world.uwv).post(
        f"/api/v1/aanvragen/{filed['uuid']}/beoordelingen",
        {"besluit": "afgewezen", "toelichting": TE_LANG},
        format="json",
    )
    _refused(refused, "toelichting")
    traject = approved_traject(world)
    base = f"/api/v1/trajecten/{traject['uuid']}"
    _refused(
        provider.post(f"{base}/verlengingen", {"maanden": 6, "toelichting": TE_LANG}, format="json"), "toelichting"
    )
    stop = {"einddatum": traject["startdatum"], "reden": "anders", "toelichting": TE_LANG}
    _refused(provider.post(f"{base}/stopberichten", stop, format="json"), "toelichting")
    _refused(
        provider.post(f"{base}/eindverslagen", {"uitkomst": "geen_werk", "toelichting": TE_LANG}, format="json"),
        "toelichting",
    )
    lang = "x" * (limieten.NAAM + 1)
    plaatsing = {"werkgever": lang, "startdatum": traject["startdatum"], "urenPerWeek": 12}
    _refused(provider.post(f"{base}/plaatsingen", plaatsing, format="json"), "werkgever", NAAM_MELDING)
    response = provider.post(
        "/api/v1/deelnemers",
        {"bsn": "111222333", "voorletters": "A.", "achternaam": lang, "geboortedatum": "1985-03-01",
         "gemeente": "0363", "uitkering": "wga_80_100", "doelgroep": "epa"},
        format="json",
    )  # fmt: skip
    _refused(response, "achternaam", NAAM_MELDING)
    person = deelnemer(world)
    body = {"deelnemer": person["uuid"], "perceel": "uwv-ips-epa", "regiebehandelaar": lang}
    _refused(provider.post("/api/v1/aanvragen", body, format="json"), "regiebehandelaar", NAAM_MELDING)


def test_the_web_forms_refuse_longer_free_text_in_dutch(world):
    traject = approved_traject(world)
    client = Client()
    client.force_login(world.ggz_noord)
    page = client.post(
        f"/trajecten/{traject['uuid']}/stopbericht/",
        {
            "stop-einddatum": dt.date.today().isoformat(),
            "stop-reden": "anders",
            "stop-toelichting": TE_LANG,
            "stop-bevestigd": "on",
        },
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert f"Zorg dat deze waarde niet meer dan {limieten.TOELICHTING} tekens bevat (het zijn er nu 4001)." in html
    assert f'maxlength="{limieten.TOELICHTING}"' in html  # the browser stops typing at the limit too

    filed = aanvraag(world)
    uwv = Client()
    uwv.force_login(world.uwv)
    page = uwv.post(
        f"/aanvragen/{filed['uuid']}/beoordeling/", {"besluit": "afgewezen", "toelichting": TE_LANG, "bevestigd": "on"}
    )
    assert page.status_code == 400
    assert f"niet meer dan {limieten.TOELICHTING} tekens bevat" in page.content.decode()
