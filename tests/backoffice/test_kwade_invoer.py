"""Issue 9, finding 8: bad bodies are a 400 or 413 problem+json with a Dutch message and a stable
code (and a Dutch page on the web), never a 500: deeply nested JSON (a RecursionError), a body over
the upload limit (RequestDataTooBig), a body that is not UTF-8, a number too long to convert."""

import json

import pytest
from django.test import Client

from trajecten.models import Aanvraag

PROBLEM = "application/problem+json"


def _post(world, body, path="/api/v1/aanvragen"):
    client = world.client(world.ggz_noord)
    client.raise_request_exception = False
    return client.post(path, body, content_type="application/json")


@pytest.mark.parametrize(
    "body, detail",
    [
        ("[" * 1000 + "]" * 1000, "De JSON is te diep genest (meer dan 32 niveaus)."),  # 2 KB
        ("[" * 1000, "De inhoud is geen geldige JSON (regel 1, kolom 1001)."),  # never closed
        ("[" * 200_000 + "]" * 200_000, "De JSON is te diep genest (meer dan 32 niveaus)."),
        ('{"a":' * 1000 + "1" + "}" * 1000, "De JSON is te diep genest (meer dan 32 niveaus)."),
        (b"\xff\xfe{}", "De inhoud is geen geldige utf-8-tekst."),
        ('{"perceel": ' + "9" * 5000 + "}", "De inhoud is geen geldige JSON."),
        ('{"perceel": ', "De inhoud is geen geldige JSON (regel 1, kolom 13)."),
    ],
)
def test_a_broken_body_is_a_dutch_400(world, body, detail):
    response = _post(world, body)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == PROBLEM
    assert (response.json()["code"], response.json()["detail"]) == ("ongeldige-invoer", detail)
    assert Aanvraag.objects.count() == 0


def test_nesting_within_the_limit_reaches_the_serializer(world):
    response = _post(world, json.dumps({"perceel": [[[[1]]]]}))
    assert response.status_code == 400
    assert {p["name"] for p in response.json()["invalidParams"]} >= {"perceel", "deelnemer"}


def test_a_body_over_the_upload_limit_is_a_413(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_048_576
    response = _post(world, json.dumps({"toelichting": "x" * 1_100_000}))
    assert response.status_code == 413
    assert response.headers["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == "te-groot" and body["status"] == 413
    assert (
        body["detail"] == "Het verzoek is te groot: de inhoud mag hoogstens 1 MB zijn (zonder bijgevoegde bestanden)."
    )


def test_a_web_form_over_the_upload_limit_is_a_dutch_413_page(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_048_576
    client = Client(raise_request_exception=False)
    client.force_login(world.ggz_noord)
    response = client.post("/aanvragen/nieuw/", {"toelichting": "x" * 1_100_000})
    assert response.status_code == 413
    html = response.content.decode()
    assert "<h1>Te veel gegevens verstuurd</h1>" in html and "hoogstens 1 MB" in html and "code: te-groot" in html
    assert Aanvraag.objects.count() == 0


def test_too_many_form_fields_is_a_dutch_400(world, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client = Client(raise_request_exception=False)
    client.force_login(world.ggz_noord)
    response = client.post("/aanvragen/nieuw/", {f"veld{i}": "x" for i in range(20)})
    assert response.status_code == 400
    assert "<h1>Ongeldig verzoek</h1>" in response.content.decode()
    api = world.client(world.ggz_noord)
    api.raise_request_exception = False
    response = api.post("/api/v1/aanvragen", {f"veld{i}": "x" for i in range(20)})  # multipart
    assert response.status_code == 400 and response.json()["code"] == "ongeldige-invoer"


def test_a_huge_number_in_a_web_form_is_a_dutch_field_error(world):
    """Found while probing: hours spent of 10^12 on the end report reached the database (integer out
    of range) and gave a 500; the form now takes the model field's bounds."""
    from tests.trajecten.helpers import approved_traject
    from trajecten.models import Eindverslag

    traject = approved_traject(world)
    stop = {"einddatum": traject["startdatum"], "reden": "anders", "toelichting": "Verhuisd."}
    assert (
        world.client(world.ggz_noord)
        .post(f"/api/v1/trajecten/{traject['uuid']}/stopberichten", stop, format="json")
        .status_code
        == 201
    )
    client = Client(raise_request_exception=False)
    client.force_login(world.ggz_noord)
    response = client.post(
        f"/trajecten/{traject['uuid']}/eindverslag/",
        {"eindverslag-uitkomst": "geen_werk", "eindverslag-uren_besteed": str(10**12), "eindverslag-bevestigd": "on"},
    )
    assert response.status_code == 400
    assert "Zorg ervoor dat deze waarde hoogstens 2147483647 is." in response.content.decode()
    assert not Eindverslag.objects.exists()
