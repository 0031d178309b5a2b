"""A provider learns nothing about another provider's participant (issue 9, finding 1; domain.md
section 12): registering and applying for a BSN that has an active trajectory or an open
application at GGZ Zuid gives RIBW Oost the same answer, status, body (uuids and masked BSNs
normalised), length and the same database statements as a BSN nobody knows, on the API and on the
web page, with the application window closed and open. The funder sees the conflict and cannot
approve; every check is logged; probing many BSNs is throttled and signalled to the beheerder."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backoffice import crypto
from backoffice.models import BsnRaadpleging, Instellingen, Signaal
from financiering.models import Regeling
from tests.conftest import shared_world
from tests.factories import valid_bsn
from tests.trajecten.aanvraag_helpers import web_form
from trajecten.models import Aanvraag, Traject

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 1, 15)
MOMENT = datetime.datetime(2026, 1, 15, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
BEKEND, ONBEKEND, OPWARMEN = valid_bsn(3101), valid_bsn(3102), valid_bsn(3103)

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MASKED = re.compile(r"\*{5}\d{4}")
CSRF = re.compile(r'(name="(?:csrfmiddlewaretoken|bsn_ref)" value=")[^"]+"')  # random per answer, fixed length
NONCE = re.compile(r'nonce="[^"]+"')


@pytest.fixture
def clock():
    with time_machine.travel(MOMENT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, clock):
    return shared_world()


def normal(content: bytes) -> str:
    text = content.decode()
    for pattern, repl in ((UUID, "<uuid>"), (MASKED, "*****####"), (CSRF, r'\1<csrf>"'), (NONCE, 'nonce="<n>"')):
        text = pattern.sub(repl, text)
    return text


def statements(ctx) -> list[str]:
    """The SQL of a request with every value replaced: the same shape, the same work."""
    return [
        re.sub(r"'[^']*'|\bs\d+_x\d+\b|_django_curs_\w+|\b\d+(\.\d+)?\b|\b(true|false)\b", "?", q["sql"])
        for q in ctx.captured_queries
    ]


def person(bsn: str) -> dict:
    return {
        "bsn": bsn,
        "voorletters": "K.",
        "achternaam": "Jansen",
        "geboortedatum": "1980-06-01",
        "gemeente": "0363",
        "uitkering": "wga_80_100",
        "doelgroep": "epa",
    }


AANVRAAG = {
    "perceel": "uwv-ips-epa",
    "regiebehandelaar": "Dr. P. Jansen",
    "inBehandelingSggz": True,
    "wensBetaaldWerk": True,
    "geenOfKleinDienstverband": True,
    "toestemmingOp": "2026-01-05",
}


def known_at_zuid(world, conflict: str) -> dict:
    """BEKEND is GGZ Zuid's participant, with an open application or an active trajectory."""
    zuid = world.client(world.ggz_zuid)
    deelnemer = zuid.post("/api/v1/deelnemers", person(BEKEND), format="json").json()
    aanvraag = zuid.post("/api/v1/aanvragen", {**AANVRAAG, "deelnemer": deelnemer["uuid"]}, format="json").json()
    assert aanvraag["status"] == "ingediend", aanvraag
    if conflict == "traject":
        decision = world.client(world.uwv).post(
            f"/api/v1/aanvragen/{aanvraag['uuid']}/beoordelingen", {"besluit": "akkoord"}, format="json"
        )
        assert decision.status_code == 201 and decision.json()["traject"]
    return aanvraag


def close_window(world) -> None:
    Regeling.objects.filter(pk=world.uwv_regeling.pk).update(aanvraag_tot=TODAY - datetime.timedelta(days=1))


def api_probe(world, bsn: str) -> dict:
    """RIBW Oost registers the BSN and applies for it, through the API."""
    client = world.client(world.ribw_oost)
    with CaptureQueriesContext(connection) as registration_sql:
        registration = client.post("/api/v1/deelnemers", person(bsn), format="json")
    assert registration.status_code == 201, registration.json()
    with CaptureQueriesContext(connection) as application_sql:
        application = client.post(
            "/api/v1/aanvragen", {**AANVRAAG, "deelnemer": registration.json()["uuid"]}, format="json"
        )
    return {
        "registration": registration,
        "application": application,
        "sql": statements(registration_sql) + statements(application_sql),
    }


def assert_same(a, b) -> None:
    assert a.status_code == b.status_code
    assert a["Content-Type"] == b["Content-Type"]
    assert len(a.content) == len(b.content)
    assert normal(a.content) == normal(b.content)


@pytest.mark.parametrize("conflict", ["traject", "aanvraag"])
@pytest.mark.parametrize("window", ["gesloten", "open"])
def test_the_api_answers_a_bsn_known_elsewhere_as_an_unknown_one(world, conflict, window):
    zuid_aanvraag = known_at_zuid(world, conflict)
    if window == "gesloten":
        close_window(world)
    api_probe(world, OPWARMEN)  # the first request of a process fills caches: not part of the comparison
    known, unknown = api_probe(world, BEKEND), api_probe(world, ONBEKEND)

    assert_same(known["registration"], unknown["registration"])
    assert_same(known["application"], unknown["application"])
    assert known["sql"] == unknown["sql"]  # the same statements: no extra work, so no timing difference
    answer = known["application"].json()
    if window == "gesloten":
        assert known["application"].status_code == 409
        assert answer["code"] == "buiten-aanvraagperiode"
        assert [r["code"] for r in answer["regels"]] == ["buiten-aanvraagperiode"]
    else:
        assert known["application"].status_code == 201
        assert answer["status"] == "ingediend" and answer["samenloop"] == []
    assert "dubbel" not in known["application"].content.decode()

    # every check is logged, with the keyed hash only: registration and application, also refused
    rows = BsnRaadpleging.objects.filter(user=world.ribw_oost, bsn_hash=crypto.bsn_hash(BEKEND))
    assert sorted(rows.values_list("kanaal", "aantal_gevonden")) == [("aanvraag", 1), ("registratie", 0)]
    assert sorted(
        BsnRaadpleging.objects.filter(user=world.ribw_oost, bsn_hash=crypto.bsn_hash(ONBEKEND)).values_list(
            "kanaal", "aantal_gevonden"
        )
    ) == [("aanvraag", 0), ("registratie", 0)]
    assert not BsnRaadpleging.objects.filter(bsn_hash__contains=BEKEND).exists()
    # Zuid's own application is untouched
    assert Aanvraag.objects.get(uuid=zuid_aanvraag["uuid"]).status == (
        "goedgekeurd" if conflict == "traject" else "ingediend"
    )


def web_probe(world, bsn: str):
    client = Client()
    client.force_login(world.ribw_oost)
    with CaptureQueriesContext(connection) as sql:
        response = client.post("/aanvragen/nieuw/", web_form(world, bsn=bsn))
    page = client.get(response["Location"]) if response.status_code == 302 else None
    return response, page, statements(sql)


@pytest.mark.parametrize("conflict", ["traject", "aanvraag"])
@pytest.mark.parametrize("window", ["gesloten", "open"])
def test_the_web_page_answers_a_bsn_known_elsewhere_as_an_unknown_one(world, conflict, window):
    known_at_zuid(world, conflict)
    if window == "gesloten":
        close_window(world)
    web_probe(world, OPWARMEN)
    (known, known_page, known_sql), (unknown, unknown_page, unknown_sql) = (
        web_probe(world, BEKEND),
        web_probe(world, ONBEKEND),
    )
    assert_same(known, unknown)
    assert known_sql[1:] == unknown_sql[1:]  # [0] reads the session
    if window == "gesloten":
        assert known.status_code == 200
        html = known.content.decode()
        assert "buiten-aanvraagperiode" in html and "dubbel" not in html
        assert BEKEND not in html  # never echoed (finding 4)
    else:
        assert known.status_code == 302
        assert_same(known_page, unknown_page)
        assert "Ingediend" in known_page.content.decode()
        assert "Eén traject per deelnemer" not in known_page.content.decode()


def test_the_funder_sees_the_conflict_and_cannot_approve(world):
    zuid = known_at_zuid(world, "traject")
    ribw = world.client(world.ribw_oost)
    known = api_probe(world, BEKEND)["application"].json()
    unknown = api_probe(world, ONBEKEND)["application"].json()
    assert Aanvraag.objects.get(uuid=known["uuid"]).samenloop_bij_indienen is True
    assert Aanvraag.objects.get(uuid=unknown["uuid"]).samenloop_bij_indienen is False

    uwv = world.client(world.uwv)
    assert uwv.get(f"/api/v1/aanvragen/{known['uuid']}").json()["samenloop"] == [
        "Voor deze deelnemer loopt al een actief IPS-traject (bij een andere aanbieder)."
    ]
    assert uwv.get(f"/api/v1/aanvragen/{unknown['uuid']}").json()["samenloop"] == []
    listed = {a["uuid"]: a["samenloop"] for a in uwv.get("/api/v1/aanvragen").json()["results"]}
    assert listed[known["uuid"]] and listed[unknown["uuid"]] == [] and listed[zuid["uuid"]] == []
    # for the provider the list is always empty, in its list too
    assert ribw.get(f"/api/v1/aanvragen/{known['uuid']}").json()["samenloop"] == []
    assert [a["samenloop"] for a in ribw.get("/api/v1/aanvragen").json()["results"]] == [[], []]

    refused = uwv.post(f"/api/v1/aanvragen/{known['uuid']}/beoordelingen", {"besluit": "akkoord"}, format="json")
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["code"] == "dubbel-traject"
    assert problem["detail"].startswith("Voor deze deelnemer loopt al een actief IPS-traject")
    assert "Wijs haar af met een toelichting" in problem["detail"]
    assert "GGZ Zuid" not in problem["detail"]
    assert Aanvraag.objects.get(uuid=known["uuid"]).status == "ingediend"
    assert Traject.objects.filter(bsn_hash=crypto.bsn_hash(BEKEND)).count() == 1
    # the unknown one is approved as usual; the funder rejects the other with its own reason
    assert (
        uwv.post(
            f"/api/v1/aanvragen/{unknown['uuid']}/beoordelingen", {"besluit": "akkoord"}, format="json"
        ).status_code
        == 201
    )
    rejected = uwv.post(
        f"/api/v1/aanvragen/{known['uuid']}/beoordelingen",
        {"besluit": "afgewezen", "toelichting": "Niet toegekend."},
        format="json",
    )
    assert rejected.status_code == 201 and rejected.json()["aanvraag"]["status"] == "afgewezen"

    # the web page: the funder sees the warning, the provider not
    funder, provider = Client(), Client()
    funder.force_login(world.uwv)
    provider.force_login(world.ribw_oost)
    assert "Eén traject per deelnemer" in funder.get(f"/aanvragen/{known['uuid']}/").content.decode()
    assert "Eén traject per deelnemer" not in provider.get(f"/aanvragen/{known['uuid']}/").content.decode()


def test_of_two_open_applications_only_the_earlier_can_be_approved(world):
    zuid = known_at_zuid(world, "aanvraag")
    later = api_probe(world, BEKEND)["application"].json()
    uwv = world.client(world.uwv)
    assert uwv.get(f"/api/v1/aanvragen/{later['uuid']}").json()["samenloop"] == [
        "Voor deze deelnemer is eerder een andere aanvraag ingediend (bij een andere aanbieder) waarover nog niet "
        "is beslist."
    ]
    refused = uwv.post(f"/api/v1/aanvragen/{later['uuid']}/beoordelingen", {"besluit": "akkoord"}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "dubbel-traject"
    assert "wacht bij een eerdere aanvraag" in refused.json()["detail"]
    # the earlier one goes through; the later one is still refused, now for the active trajectory
    assert (
        uwv.post(f"/api/v1/aanvragen/{zuid['uuid']}/beoordelingen", {"besluit": "akkoord"}, format="json").status_code
        == 201
    )
    again = uwv.post(f"/api/v1/aanvragen/{later['uuid']}/beoordelingen", {"besluit": "akkoord"}, format="json")
    assert again.status_code == 409 and "actief IPS-traject" in again.json()["detail"]


def test_the_providers_own_conflict_is_still_told(world):
    known_at_zuid(world, "aanvraag")
    zuid = world.client(world.ggz_zuid)
    deelnemer = Aanvraag.objects.get(aanbieder=world.zuid).deelnemer
    again = zuid.post("/api/v1/aanvragen", {**AANVRAAG, "deelnemer": str(deelnemer.uuid)}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "dubbel-traject"
    assert again.json()["detail"] == "Voor de deelnemer loopt al een aanvraag van uw organisatie."


# --- throttle and signal ------------------------------------------------------------------------


def test_many_distinct_bsns_are_throttled_and_signalled_once_a_day(world, clock):
    Instellingen.objects.update_or_create(pk=1, defaults={"bsn_per_uur": 3})
    noord = world.client(world.ggz_noord)
    bsns = [valid_bsn(3200 + i) for i in range(5)]
    for bsn in bsns[:2]:
        assert noord.post("/api/v1/deelnemers", person(bsn), format="json").status_code == 201
    assert noord.post("/api/v1/deelnemers/_zoek", {"bsn": bsns[2]}, format="json").status_code == 200

    refused = noord.post("/api/v1/deelnemers", person(bsns[3]), format="json")
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["code"] == "te-veel-bsn" and problem["title"] == "Te veel verzoeken"
    assert problem["detail"].startswith("U heeft het afgelopen uur 3 verschillende BSN's gebruikt")
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert bsns[3] not in refused.content.decode()
    # the search and an application are throttled too; a BSN already used this hour still passes
    assert noord.post("/api/v1/deelnemers/_zoek", {"bsn": bsns[4]}, format="json").status_code == 429
    assert noord.post("/api/v1/deelnemers/_zoek", {"bsn": bsns[0]}, format="json").status_code == 200
    web = Client()
    web.force_login(world.ggz_noord)
    page = web.post("/deelnemers/zoeken/", {"bsn": bsns[4]})
    assert page.status_code == 429
    html = page.content.decode()
    assert "verschillende BSN&#x27;s gebruikt" in html and "te-veel-bsn" in html and bsns[4] not in html
    form = web.post("/aanvragen/nieuw/", web_form(world, bsn=bsns[4]))
    assert form.status_code == 429 and "te-veel-bsn" in form.content.decode()
    # another user is not affected
    assert world.client(world.ggz_zuid).post("/api/v1/deelnemers", person(bsns[3]), format="json").status_code == 201

    # one signal for the beheerder, not for the provider, UWV or the gemeente
    signaal = Signaal.objects.get(soort="bsn_veel_geraadpleegd")
    assert signaal.object_type == "gebruiker" and "ggz-noord" in signaal.omschrijving
    assert "/verwerkingen/" in signaal.omschrijving and "admin" not in signaal.omschrijving
    assert not any(b in signaal.omschrijving for b in bsns)
    assert [s["uuid"] for s in world.client(world.beheer).get("/api/v1/signalen").json()["results"]] == [
        str(signaal.uuid)
    ]
    for user in (world.ggz_noord, world.uwv, world.gem_amsterdam):
        assert str(signaal.uuid) not in world.client(user).get("/api/v1/signalen").content.decode()

    # an hour later the window has moved on; the next day a new refusal is a new signal
    clock.shift(datetime.timedelta(hours=1, minutes=1))
    assert noord.post("/api/v1/deelnemers", person(bsns[3]), format="json").status_code == 201
    assert Signaal.objects.filter(soort="bsn_veel_geraadpleegd").count() == 1
    clock.shift(datetime.timedelta(days=1))
    for bsn in bsns[:3]:
        noord.post("/api/v1/deelnemers/_zoek", {"bsn": bsn}, format="json")
    assert noord.post("/api/v1/deelnemers/_zoek", {"bsn": bsns[4]}, format="json").status_code == 429
    assert Signaal.objects.filter(soort="bsn_veel_geraadpleegd").count() == 2


def test_the_throttle_costs_one_query_whatever_the_history(world, django_assert_max_num_queries):
    from backoffice.services import bsn_gate

    for i in range(20):
        BsnRaadpleging.objects.create(user=world.ggz_noord, kanaal="api", bsn_hash=f"h{i}")
    Instellingen.get()
    with django_assert_max_num_queries(2):  # the settings and one aggregate
        bsn_gate(by=world.ggz_noord, bsn_hash="nieuw")
