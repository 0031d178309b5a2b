"""The promises of api.md's ground rules that every client relies on: token login and its
throttle, the OpenAPI document, the API-Version header, no trailing slashes, Link pagination,
formats of dates, amounts and timestamps, and the BSN that never leaves the loket in full."""

import datetime
import hashlib
import logging
import re
import uuid

import pytest
import time_machine
from django.conf import settings
from rest_framework.test import APIClient

from backoffice import crypto, roles
from tests.factories import GemeenteFactory, make_user
from tests.trajecten.helpers import aanvraag, approved_traject, deelnemer, new_bsn
from trajecten.models import Deelnemer

pytestmark = pytest.mark.django_db


def _problem(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    if code:
        assert body["code"] == code, body
    return body


# --- token login --------------------------------------------------------------------------------


def test_token_login_then_token_works(world):
    make_user(roles.AANBIEDER, aanbieder=world.noord, username="systeem-noord")
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token", {"username": "systeem-noord", "password": "geheim-wachtwoord"}, format="json"
    )
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    assert token

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get("/api/v1/aanvragen")
    assert response.status_code == 200
    response = client.post(
        "/api/v1/deelnemers",
        {
            "bsn": new_bsn(),
            "voorletters": "K.",
            "achternaam": "Bakker",
            "geboortedatum": "1990-01-01",
            "gemeente": "0363",
            "uitkering": "ww",
            "doelgroep": "cmd",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["aanbieder"] == str(world.noord.uuid)

    # a second login gives a token of its own (one per client, django-rest-knox); both work
    again = APIClient().post(
        "/api/v1/auth/token", {"username": "systeem-noord", "password": "geheim-wachtwoord"}, format="json"
    )
    assert again.json()["token"] != token
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {again.json()['token']}")
    assert other.get("/api/v1/aanvragen").status_code == 200
    assert client.get("/api/v1/aanvragen").status_code == 200

    client.credentials(HTTP_AUTHORIZATION="Token ongeldig-token")
    body = _problem(client.get("/api/v1/aanvragen"), 401, "niet-ingelogd")
    assert body["detail"]


def test_token_login_with_wrong_password_is_400_problem(world):
    make_user(roles.AANBIEDER, aanbieder=world.noord, username="systeem-noord")
    response = APIClient().post("/api/v1/auth/token", {"username": "systeem-noord", "password": "fout"}, format="json")
    body = _problem(response, 400, "ongeldige-invoer")
    assert "token" not in body
    response = APIClient().post("/api/v1/auth/token", {"username": "systeem-noord"}, format="json")
    assert "password" in {p["name"] for p in _problem(response, 400)["invalidParams"]}


def test_login_is_throttled(world, settings):
    """30 attempts a minute per address (counted in the shared cache, Redis in CI), then 429. The
    lockout after failed logins (tests/security/test_blokkering.py) is set out of the way here."""
    settings.AXES_FAILURE_LIMIT = 1000
    make_user(roles.AANBIEDER, aanbieder=world.noord, username="systeem-noord")
    client = APIClient(REMOTE_ADDR=f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7")
    rate = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"].split("/")[0])
    statuses = []
    # More tries than the rate: a cache flushed by another test run in between only delays the 429.
    for _ in range(rate * 3):
        response = client.post("/api/v1/auth/token", {"username": "systeem-noord", "password": "fout"}, format="json")
        statuses.append(response.status_code)
        if response.status_code == 429:
            break
    assert statuses[:rate] == [400] * rate
    body = _problem(response, 429, "te-veel-verzoeken")
    assert int(response["Retry-After"]) > 0
    assert body["detail"]
    # the right password does not help while throttled
    response = client.post(
        "/api/v1/auth/token", {"username": "systeem-noord", "password": "geheim-wachtwoord"}, format="json"
    )
    assert response.status_code == 429
    # another address is not affected
    response = APIClient(REMOTE_ADDR="10.255.255.1").post(
        "/api/v1/auth/token", {"username": "systeem-noord", "password": "geheim-wachtwoord"}, format="json"
    )
    assert response.status_code == 200


# --- OpenAPI and headers ------------------------------------------------------------------------


def test_openapi_document_without_login(db):
    response = APIClient().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["version"] == settings.API_VERSION
    paths = schema["paths"]
    for path in ("/api/v1/aanvragen", "/api/v1/trajecten/{uuid}", "/api/v1/deelnemers/_zoek", "/api/v1/auth/token"):
        assert path in paths
    assert not any(p.endswith("/") for p in paths)
    text = response.content.decode()
    assert '"toewijzingNummer"' in text
    assert '"einddatumGepland"' in text
    assert "toewijzing_nummer" not in text
    assert "einddatum_gepland" not in text


def test_docs_page_without_login(db):
    response = APIClient().get("/api/v1/docs")
    assert response.status_code == 200
    # the page loads its script from a URL (no inline script for the CSP); the script names the document
    assert b'src="/api/v1/docs?script="' in response.content
    assert b"openapi.json" in APIClient().get("/api/v1/docs?script=").content


@pytest.mark.parametrize(
    "user, path, status",
    [
        ("uwv", "/api/v1/gemeenten", 200),
        ("uwv", "/api/v1/gemeenten/", 404),
        ("uwv", "/api/v1/bestaat-niet", 404),
        ("uwv", "/api/v1/gemeenten?pageSize=0", 400),
        ("auditor", "/api/v1/aanvragen", 403),
        (None, "/api/v1/aanvragen", 401),
        (None, "/api/v1/openapi.json", 200),
        (None, "/api/v1/docs", 200),
    ],
)
def test_every_api_response_has_api_version(world, user, path, status):
    response = world.client(user and getattr(world, user)).get(path)
    assert response.status_code == status
    assert response["API-Version"] == settings.API_VERSION
    assert re.fullmatch(r"\d+\.\d+\.\d+", response["API-Version"])


@pytest.mark.parametrize(
    "path", ["/api/v1/gemeenten/", "/api/v1/aanvragen/", "/api/v1/regelingen/", "/api/v1/deelnemers/_zoek/"]
)
def test_trailing_slash_is_404_problem(world, path):
    response = world.client(world.uwv).get(path)
    body = _problem(response, 404, "niet-gevonden")
    assert "schuine streep" in body["detail"]


def test_trailing_slash_on_an_object_is_404(world):
    traject = approved_traject(world, perceel="uwv-ips-epa")
    assert world.client(world.uwv).get(f"/api/v1/trajecten/{traject['uuid']}").status_code == 200
    _problem(world.client(world.uwv).get(f"/api/v1/trajecten/{traject['uuid']}/"), 404, "niet-gevonden")


# --- pagination ---------------------------------------------------------------------------------


def _links(response) -> dict[str, str]:
    out = {}
    for part in response["Link"].split(","):
        url, rel = re.fullmatch(r'\s*<([^>]*)>;\s*rel="(\w+)"\s*', part).groups()
        out[rel] = url
    return out


def test_pagination_link_header_and_count(world):
    for n in range(5):
        GemeenteFactory(code=f"{9100 + n:04d}", naam=f"Testgemeente {n}")
    client = world.client(world.ggz_noord)
    everything = [g["code"] for g in client.get("/api/v1/gemeenten", {"pageSize": 500}).json()["results"]]
    assert everything == sorted(everything)
    assert len(everything) == 7

    response = client.get("/api/v1/gemeenten", {"pageSize": 2, "page": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 7
    assert [g["code"] for g in body["results"]] == everything[2:4]

    links = _links(response)
    assert set(links) == {"first", "prev", "next", "last"}
    assert "page=" not in links["first"] and "pageSize=2" in links["first"]
    assert "page=3" in links["next"]
    assert "page=4" in links["last"]
    # following the links walks the whole list once
    assert [g["code"] for g in client.get(links["last"]).json()["results"]] == everything[6:]
    assert [g["code"] for g in client.get(links["prev"]).json()["results"]] == everything[:2]

    first = client.get("/api/v1/gemeenten", {"pageSize": 2})
    assert set(_links(first)) == {"first", "next", "last"}
    last = client.get("/api/v1/gemeenten", {"pageSize": 2, "page": 4})
    assert set(_links(last)) == {"first", "prev", "last"}


@pytest.mark.parametrize("size", ["0", "501", "-1", "twee"])
def test_invalid_page_size_is_400(world, size):
    body = _problem(world.client(world.uwv).get("/api/v1/gemeenten", {"pageSize": size}), 400, "ongeldige-invoer")
    assert body["invalidParams"][0]["name"] == "pageSize"


def test_page_size_500_is_allowed(world):
    assert world.client(world.uwv).get("/api/v1/gemeenten", {"pageSize": 500}).status_code == 200


def test_page_beyond_the_last_is_404(world):
    _problem(world.client(world.uwv).get("/api/v1/gemeenten", {"page": 9999}), 404)


# --- formats ------------------------------------------------------------------------------------


def test_dates_amounts_and_timestamps(world):
    moment = datetime.datetime.combine(datetime.date.today(), datetime.time(10, 30, 15), tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        traject = approved_traject(world, perceel="demo-gem-cmd")
        filed = world.client(world.ggz_noord).get(f"/api/v1/aanvragen/{traject['aanvraag']}").json()

    date_re = r"\d{4}-\d{2}-\d{2}"
    for field in ("startdatum", "einddatumGepland"):
        assert re.fullmatch(date_re, traject[field]), field
    assert traject["trajectprijs"] == "8000.00"
    assert traject["verlengingBedrag"] == "0.00"
    assert traject["gedeclareerd"] == "0.00"
    assert traject["aangemaaktOp"] == moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    assert filed["bedrag"] == "8000.00"
    assert filed["ingediendOp"] == moment.strftime("%Y-%m-%dT%H:%M:%SZ")  # UTC, not Amsterdam time
    assert filed["afgehandeldOp"].endswith("Z")
    assert all(b["op"].endswith("Z") for b in filed["besluiten"])
    assert re.fullmatch(date_re, filed["besluiten"][0]["op"][:10])

    budget = world.client(world.gem_amsterdam).get(f"/api/v1/budgetten/{world.budget_amsterdam.uuid}").json()
    assert budget == {
        **budget,
        "toegekend": "100000.00",
        "gereserveerd": "8000.00",
        "gerealiseerd": "0.00",
        "vrij": "92000.00",
    }
    person = world.client(world.ggz_noord).get(f"/api/v1/deelnemers/{traject['deelnemer']}").json()
    assert person["geboortedatum"] == "1985-03-01"
    assert person["aangemaaktOp"].endswith("Z")


# --- BSN privacy ----------------------------------------------------------------------------------


def test_bsn_is_stored_encrypted_and_hashed_with_a_key(world):
    bsn = new_bsn()
    created = deelnemer(world, world.ggz_noord, bsn=bsn)
    row = Deelnemer.objects.get(uuid=created["uuid"])
    assert bsn not in row.bsn_versleuteld
    assert row.bsn_hash != bsn
    assert bsn not in row.bsn_hash
    assert row.bsn_hash != hashlib.sha256(bsn.encode()).hexdigest()  # keyed, not guessable from the BSN alone
    assert row.bsn == bsn  # the loket itself can still decrypt it
    # the history of the participant keeps no BSN either
    history_fields = {f.name for f in Deelnemer.history.model._meta.get_fields()}
    assert not {"bsn_versleuteld", "bsn_hash"} & history_fields


def test_the_api_never_returns_the_full_bsn(world):
    bsn = new_bsn()
    traject = approved_traject(world, perceel="demo-gem-epa")
    created = deelnemer(world, world.ggz_noord, bsn=bsn, uitkering="participatiewet")
    responses = [
        world.client(world.ggz_noord).get(f"/api/v1/deelnemers/{created['uuid']}"),
        world.client(world.ggz_noord).get("/api/v1/deelnemers"),
        world.client(world.ggz_noord).post("/api/v1/deelnemers/_zoek", {"bsn": bsn}, format="json"),
    ]
    assert created["bsnGemaskeerd"] == "*****" + bsn[-4:]
    assert "bsn" not in created
    for response in responses:
        assert response.status_code == 200
        assert bsn.encode() not in response.content
    # the gemeente sees its resident's BSN masked; UWV not at all on the gemeente route (docs/privacy.md)
    stored = Deelnemer.objects.get(uuid=traject["deelnemer"]).bsn
    for user in (world.gem_amsterdam, world.uwv):
        response = world.client(user).get(f"/api/v1/deelnemers/{traject['deelnemer']}")
        assert response.status_code == (200 if user == world.gem_amsterdam else 404)
        assert stored.encode() not in response.content
        assert stored[-4:].encode() not in response.content or user == world.gem_amsterdam
        if user == world.gem_amsterdam:
            assert response.json()["bsnGemaskeerd"] == "*****" + stored[-4:]
        assert stored.encode() not in world.client(user).get(f"/api/v1/trajecten/{traject['uuid']}").content
        assert stored.encode() not in world.client(user).get(f"/api/v1/aanvragen/{traject['aanvraag']}").content


def test_search_by_bsn_finds_only_own_participants(world):
    bsn = new_bsn()
    created = deelnemer(world, world.ggz_noord, bsn=bsn)
    deelnemer(world, world.ggz_noord)  # someone else of the same provider

    found = world.client(world.ggz_noord).post("/api/v1/deelnemers/_zoek", {"bsn": bsn}, format="json").json()
    assert [d["uuid"] for d in found["results"]] == [created["uuid"]]

    response = world.client(world.ggz_zuid).post("/api/v1/deelnemers/_zoek", {"bsn": bsn}, format="json")
    assert response.status_code == 200
    assert response.json()["count"] == 0
    # UWV finds nobody who is not in an application it may see
    assert world.client(world.uwv).post("/api/v1/deelnemers/_zoek", {"bsn": bsn}, format="json").json()["count"] == 0

    body = _problem(
        world.client(world.ggz_noord).post("/api/v1/deelnemers/_zoek", {"bsn": "123456789"}, format="json"), 400
    )
    assert body["invalidParams"][0]["name"] == "bsn"
    assert _problem(world.client(world.auditor).post("/api/v1/deelnemers/_zoek", {"bsn": bsn}, format="json"), 403)


def test_search_finds_participant_in_a_visible_application(world):
    filed = aanvraag(world, perceel="uwv-ips-epa")
    bsn = Deelnemer.objects.get(uuid=filed["deelnemer"]).bsn
    found = world.client(world.uwv).post("/api/v1/deelnemers/_zoek", {"bsn": bsn}, format="json").json()
    assert [d["uuid"] for d in found["results"]] == [filed["deelnemer"]]


def test_bsn_in_a_query_string_is_not_a_search(world):
    bsn = new_bsn()
    created = deelnemer(world, world.ggz_noord, bsn=bsn)
    other = deelnemer(world, world.ggz_noord)

    response = world.client(world.ggz_noord).get("/api/v1/deelnemers", {"bsn": bsn})
    # either refused, or the parameter is ignored: it never narrows the list down to that person
    if response.status_code == 200:
        assert {d["uuid"] for d in response.json()["results"]} == {created["uuid"], other["uuid"]}
    else:
        _problem(response, 400)
    response = world.client(world.ggz_zuid).get("/api/v1/deelnemers", {"bsn": bsn})
    assert response.status_code != 200 or response.json()["count"] == 0


def test_duplicate_participant_for_the_same_provider_is_409(world):
    bsn = new_bsn()
    deelnemer(world, world.ggz_noord, bsn=bsn)
    response = world.client(world.ggz_noord).post(
        "/api/v1/deelnemers",
        {
            "bsn": bsn,
            "voorletters": "X.",
            "achternaam": "Anders",
            "geboortedatum": "1970-01-01",
            "gemeente": "0344",
            "uitkering": "ww",
            "doelgroep": "epa",
        },
        format="json",
    )
    body = _problem(response, 409, "deelnemer-bestaat")
    assert bsn not in response.content.decode()
    assert body["invalidParams"][0]["name"] == "bsn"
    assert Deelnemer.objects.filter(bsn_hash=crypto.bsn_hash(bsn)).count() == 1
    # another provider registers the same person for itself
    deelnemer(world, world.ggz_zuid, bsn=bsn)
    assert Deelnemer.objects.filter(bsn_hash=crypto.bsn_hash(bsn)).count() == 2


def test_log_filter_masks_a_bsn(caplog):
    logger = logging.getLogger("tests.bsn-masking")
    logger.addFilter(crypto.MaskBsnFilter())
    try:
        with caplog.at_level(logging.INFO, logger="tests.bsn-masking"):
            logger.info("Deelnemer 111222333 aangemeld")
            logger.info("Zoek op %s door %s", "123456782", "ggz-noord")
            logger.info("Telefoon 0612345678, kvk 12345678, bedrag 8000.00")
    finally:
        logger.filters.clear()
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0] == "Deelnemer *****2333 aangemeld"
    assert messages[1] == "Zoek op *****6782 door ggz-noord"
    assert "111222333" not in caplog.text and "123456782" not in caplog.text
    # numbers that are not 9 digits stay as they are
    assert messages[2] == "Telefoon 0612345678, kvk 12345678, bedrag 8000.00"


def test_log_configuration_masks_bsn_on_the_console():
    assert "mask_bsn" in settings.LOGGING["handlers"]["console"]["filters"]
    assert settings.LOGGING["filters"]["mask_bsn"]["()"] == "backoffice.crypto.MaskBsnFilter"
