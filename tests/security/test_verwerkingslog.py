"""The processing log (docs/privacy.md, "Verwerkingslog"): every read and change of a participant's
personal data, by API, web page, export or job, leaves one row (who, when, which participant,
what, purpose, channel, route); a page of many participants writes them in one insert; nobody can
change or delete a row (the database refuses), except the log's own retention purge; only the
privacy officer (FG) can search it, and the FG's searches are logged too."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from backoffice import crypto, roles, verwerkingslog
from backoffice.models import BsnRaadpleging, Taakrun, Verwerking
from backoffice.schedule import run_job
from tests.trajecten.helpers import aanvraag, deelnemer, new_bsn
from trajecten.models import Deelnemer

pytestmark = pytest.mark.django_db
NU = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NU, tick=False) as traveller:
        yield traveller


@pytest.fixture
def fg(world):
    return world.f.make_user(roles.PRIVACY_OFFICER, username="privacy")


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _row_text(row) -> str:
    return " ".join(str(getattr(row, f.attname)) for f in row._meta.concrete_fields)


def test_an_api_read_is_logged_with_who_what_purpose_channel_and_route(world):
    d = deelnemer(world)  # POST /deelnemers by GGZ Noord
    created = Verwerking.objects.get()
    bsn = Deelnemer.objects.get(uuid=d["uuid"]).bsn
    assert (created.handeling, created.kanaal, created.gebruikersnaam) == ("aanmaken", "api", "ggz-noord")
    assert created.doel == "aanvraag_indienen"

    response = world.client(world.ggz_noord).get(f"/api/v1/deelnemers/{d['uuid']}")
    assert response.status_code == 200
    row = Verwerking.objects.exclude(pk=created.pk).get()
    assert str(row.deelnemer_uuid) == d["uuid"]
    assert row.bsn_hash == crypto.bsn_hash(bsn)
    assert (row.handeling, row.doel, row.kanaal) == ("raadplegen", "traject_begeleiden", "api")
    assert (row.gebruiker, row.organisatie, row.rollen) == (world.ggz_noord, "GGZ Noord", "aanbieder_medewerker")
    assert row.route == "GET /api/v1/deelnemers/<uuid:uuid>"
    assert str(row.object_uuid) == d["uuid"] and row.object_type == "deelnemer"
    assert row.op == NU
    assert bsn not in _row_text(row) and bsn not in _row_text(created)


def test_a_bsn_search_an_application_and_a_decision_are_logged_for_the_funder(world):
    filed = aanvraag(world, perceel="demo-gem-epa")
    bsn = Deelnemer.objects.get(uuid=filed["deelnemer"]).bsn
    before = Verwerking.objects.count()
    gemeente = world.client(world.gem_amsterdam)
    assert gemeente.post("/api/v1/deelnemers/_zoek", {"bsn": bsn}, format="json").json()["count"] == 1
    assert gemeente.get(f"/api/v1/aanvragen/{filed['uuid']}").status_code == 200
    rows = list(Verwerking.objects.order_by("id")[before:])
    assert [(r.route, r.handeling, r.doel, r.organisatie) for r in rows] == [
        ("POST /api/v1/deelnemers/_zoek", "raadplegen", "traject_financieren", "Gemeente Amsterdam"),
        ("GET /api/v1/aanvragen/<uuid:uuid>", "raadplegen", "aanvraag_beoordelen", "Gemeente Amsterdam"),
    ]
    assert {str(r.deelnemer_uuid) for r in rows} == {filed["deelnemer"]}


def test_a_refused_read_of_another_organisations_participant_logs_nothing(world):
    d = deelnemer(world, provider_user=world.ggz_zuid)
    before = Verwerking.objects.count()
    assert world.client(world.ggz_noord).get(f"/api/v1/deelnemers/{d['uuid']}").status_code == 404
    assert _web(world.ggz_noord).get(f"/deelnemers/{d['uuid']}/").status_code == 404
    assert Verwerking.objects.count() == before


def test_a_participant_whose_registration_was_rolled_back_is_not_logged_as_created(world):
    # The web form registers the participant and applies in one transaction; a refused application
    # rolls the participant back, and the log does not claim it was created.
    from trajecten import services

    with verwerkingslog.verzamelen(kanaal="web", user=world.ggz_noord, url_name="web-aanvraag-nieuw"):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.deelnemer_create(
                by=world.ggz_noord, bsn=new_bsn(), voorletters="J.", achternaam="Teruggedraaid",
                geboortedatum=datetime.date(1984, 5, 6), gemeente=world.amsterdam, uitkering="wga_80_100",
                doelgroep="epa",
            )  # fmt: skip
            raise RuntimeError("aanvraag geweigerd")
        kept = services.deelnemer_create(
            by=world.ggz_noord, bsn=new_bsn(), voorletters="K.", achternaam="Blijft",
            geboortedatum=datetime.date(1984, 5, 6), gemeente=world.amsterdam, uitkering="wga_80_100",
            doelgroep="epa",
        )  # fmt: skip
    assert not Deelnemer.objects.filter(achternaam="Teruggedraaid").exists()
    assert [(r.deelnemer_uuid, r.handeling, r.doel) for r in Verwerking.objects.all()] == [
        (kept.uuid, "aanmaken", "aanvraag_indienen")
    ]


def _aanvragen_page_queries(world, n: int) -> tuple[int, int, int]:
    for _ in range(n):
        aanvraag(world)  # the UWV route: UWV's assessor sees them all
    client = _web(world.uwv)
    before = Verwerking.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/aanvragen/")
    assert response.status_code == 200
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "backoffice_verwerking"')]
    return len(queries.captured_queries), len(inserts), Verwerking.objects.count() - before


def test_a_list_page_writes_its_rows_in_one_insert_whatever_the_page_size(world):
    small = _aanvragen_page_queries(world, 2)
    large = _aanvragen_page_queries(world, 7)  # 9 applications on the page now
    assert small[1:] == (1, 2) and large[1:] == (1, 9)
    assert large[0] == small[0], f"{small[0]} queries for 2 rows, {large[0]} for 9"
    rows = Verwerking.objects.filter(route="GET /aanvragen/")
    assert {(r.kanaal, r.handeling, r.doel) for r in rows} == {("web", "raadplegen", "aanvraag_beoordelen")}
    assert len({r.verzoek for r in rows}) == 2  # one request id per page view


def test_the_api_list_of_applications_logs_the_participants_on_its_page(world):
    for _ in range(3):
        aanvraag(world)
    before = Verwerking.objects.count()
    response = world.client(world.ggz_noord).get("/api/v1/aanvragen?pageSize=2")
    assert response.status_code == 200 and len(response.json()["results"]) == 2
    rows = list(Verwerking.objects.order_by("id")[before:])
    assert {str(r.deelnemer_uuid) for r in rows} == {a["deelnemer"] for a in response.json()["results"]}


def test_no_role_can_change_or_delete_a_row_not_even_by_raw_sql(world):
    deelnemer(world)
    row = Verwerking.objects.get()
    for attempt in (
        lambda: Verwerking.objects.filter(pk=row.pk).update(doel="beheer"),
        lambda: Verwerking.objects.filter(pk=row.pk).delete(),
        lambda: row.delete(),
        lambda: connection.cursor().execute("UPDATE backoffice_verwerking SET gebruikersnaam = 'iemand'"),
        lambda: connection.cursor().execute("DELETE FROM backoffice_verwerking"),
    ):
        with pytest.raises(IntegrityError, match="verwerkingslog kan niet worden gewijzigd"), transaction.atomic():
            attempt()
    row.refresh_from_db()
    assert (row.doel, row.gebruikersnaam) == ("aanvraag_indienen", "ggz-noord")
    # the purge's own setting opens DELETE only, and only inside its transaction
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('ips.verwerkingslog_opschonen', 'aan', true)")
            cursor.execute("UPDATE backoffice_verwerking SET doel = 'beheer'")
    with pytest.raises(IntegrityError), transaction.atomic():
        Verwerking.objects.filter(pk=row.pk).delete()


def test_the_admin_offers_no_way_to_the_log(world):
    with pytest.raises(NoReverseMatch):
        reverse("admin:backoffice_verwerking_changelist")


def test_the_monthly_job_purges_entries_past_the_logs_own_period(world, clock, settings):
    settings.IPS_VERWERKINGSLOG_BEWAARJAREN = 2
    clock.move_to(datetime.datetime(2024, 2, 29, 22, 59, tzinfo=datetime.UTC))  # 23:59 in Amsterdam
    oud = deelnemer(world)
    clock.move_to(datetime.datetime(2024, 2, 29, 23, 0, tzinfo=datetime.UTC))  # 1 March, 00:00
    nieuw = deelnemer(world)
    clock.move_to(datetime.datetime(2026, 3, 1, 6, 0, tzinfo=datetime.UTC))
    run = run_job("monthly", datetime.date(2026, 3, 1))
    assert run.status == "geslaagd", run.fouten
    assert run.counts["verwerkingslog.opgeschoond"] == 1
    # the registration's BSN check goes with it (same period); the younger one stays
    assert run.counts["verwerkingslog.bsn_raadplegingen_opgeschoond"] == 1
    assert BsnRaadpleging.objects.get().bsn_hash == Deelnemer.objects.get(uuid=nieuw["uuid"]).bsn_hash
    assert list(Verwerking.objects.values_list("deelnemer_uuid", flat=True)) == [
        Deelnemer.objects.get(uuid=nieuw["uuid"]).uuid
    ]
    assert not Verwerking.objects.filter(deelnemer_uuid=oud["uuid"]).exists()
    again = run_job("monthly", datetime.date(2026, 3, 1))
    assert again.counts["verwerkingslog.opgeschoond"] == 0
    assert again.counts["verwerkingslog.bsn_raadplegingen_opgeschoond"] == 0
    assert Taakrun.objects.filter(taak="monthly").count() == 2


def test_a_job_step_that_reads_participants_is_logged_as_the_desk(world, monkeypatch):
    d = deelnemer(world)
    from backoffice import schedule

    def step(datum):
        return {"gelezen": len(list(Deelnemer.objects.all()))}

    monkeypatch.setattr(schedule, "steps_for", lambda name, datum: [("signalen.test", step)])
    run = run_job("nightly", datetime.date(2026, 3, 2))
    assert run.counts == {"gelezen": 1}
    row = Verwerking.objects.get(kanaal="job")
    assert str(row.deelnemer_uuid) == d["uuid"]
    assert (row.gebruiker, row.gebruikersnaam, row.doel, row.route) == (
        None,
        "",
        "signalering",
        "taak nightly: signalen.test",
    )


def test_a_set_is_logged_in_one_insert_select(world):
    for _ in range(3):
        deelnemer(world)
    with CaptureQueriesContext(connection) as queries:
        n = verwerkingslog.vastleggen_sql(
            "SELECT uuid, bsn_hash FROM trajecten_deelnemer",
            [],
            handeling="anonimiseren",
            doel="bewaartermijn",
            kanaal="job",
            route="taak bewaartermijn",
        )
    assert n == 3 and len(queries.captured_queries) == 1
    assert Verwerking.objects.filter(handeling="anonimiseren", doel="bewaartermijn").count() == 3


def test_the_embedded_database_path_logs_the_same_set(world):
    """``make run``'s SQLite knows no column aliases on a derived table nor UUID parameters: there
    the pairs are read and written in one bulk insert. The same rows, one per participant."""
    a, b = deelnemer(world), deelnemer(world)
    bron, params = Deelnemer.objects.order_by().values_list("uuid", "bsn_hash").query.sql_with_params()
    wie = verwerkingslog._wie(world.ggz_noord)
    with CaptureQueriesContext(connection) as queries:
        n = verwerkingslog._vastleggen_elders(
            f"{bron} UNION ALL {bron}",
            [*params, *params],
            wie,
            handeling="exporteren",
            doel="monitoring",
            kanaal="export",
            route="GET /api/v1/werkmonitor",
        )
    assert n == 2 and len(queries.captured_queries) == 2  # one read, one insert
    rows = Verwerking.objects.filter(handeling="exporteren").order_by("deelnemer_uuid")
    assert sorted(str(r.deelnemer_uuid) for r in rows) == sorted([a["uuid"], b["uuid"]])
    assert {(r.gebruikersnaam, r.kanaal, r.doel) for r in rows} == {("ggz-noord", "export", "monitoring")}
    assert all(len(r.bsn_hash) == 64 for r in rows)


# --- the privacy officer ----------------------------------------------------------------------


def test_only_the_privacy_officer_searches_the_log(world, fg):
    d = deelnemer(world)
    for user in (world.beheer, world.ggz_noord, world.uwv, world.gem_amsterdam, world.auditor, world.uwv_fin):
        response = world.client(user).get(f"/api/v1/verwerkingen?deelnemer={d['uuid']}")
        assert response.status_code == 403, user
        assert response.json()["code"] == "geen-rol"
        assert _web(user).get("/verwerkingen/").status_code == 403
    response = world.client(fg).get(f"/api/v1/verwerkingen?deelnemer={d['uuid']}")
    assert response.status_code == 200
    (entry,) = response.json()["results"]
    assert entry["deelnemer"] == d["uuid"] and entry["gebruiker"] == "ggz-noord"
    assert (entry["handeling"], entry["doel"], entry["kanaal"], entry["organisatie"]) == (
        "aanmaken", "aanvraag_indienen", "api", "GGZ Noord",
    )  # fmt: skip
    # the FG's search is itself in the log, with its own purpose
    seen = Verwerking.objects.get(gebruikersnaam="privacy")
    assert (str(seen.deelnemer_uuid), seen.doel, seen.handeling) == (d["uuid"], "toezicht", "raadplegen")


def test_the_privacy_officer_filters_per_user_period_and_purpose(world, fg, clock):
    a = deelnemer(world)
    clock.move_to(NU + datetime.timedelta(days=3))
    world.client(world.ggz_noord).get(f"/api/v1/deelnemers/{a['uuid']}")
    b = deelnemer(world, provider_user=world.ggz_zuid)
    client = world.client(fg)
    per_user = client.get("/api/v1/verwerkingen?gebruiker=ggz-zuid").json()
    assert [(e["gebruiker"], e["deelnemer"]) for e in per_user["results"]] == [("ggz-zuid", b["uuid"])]
    per_period = client.get("/api/v1/verwerkingen?gebruiker=ggz-noord&van=2026-03-05&tot=2026-03-05").json()
    assert [e["handeling"] for e in per_period["results"]] == ["raadplegen"]
    per_doel = client.get("/api/v1/verwerkingen?doel=aanvraag_indienen&gebruiker=ggz-noord").json()
    assert [e["deelnemer"] for e in per_doel["results"]] == [a["uuid"]]
    bad = client.get("/api/v1/verwerkingen?van=gisteren&doel=nieuwsgierigheid")
    assert bad.status_code == 400
    assert {p["name"] for p in bad.json()["invalidParams"]} == {"van", "doel"}


def test_the_privacy_officer_searches_by_bsn_in_the_body_and_that_search_is_logged(world, fg):
    d = deelnemer(world)
    bsn = Deelnemer.objects.get(uuid=d["uuid"]).bsn
    client = world.client(fg)
    assert client.post("/api/v1/verwerkingen/_zoek", {"bsn": "123"}, format="json").status_code == 400
    response = client.post("/api/v1/verwerkingen/_zoek", {"bsn": bsn}, format="json")
    assert response.status_code == 200
    assert [e["deelnemer"] for e in response.json()["results"]] == [d["uuid"]]
    assert bsn not in response.content.decode()
    lookup = BsnRaadpleging.objects.get(user=fg)  # the provider's registration is a check of its own
    assert (lookup.user, lookup.kanaal, lookup.aantal_gevonden) == (fg, "api", 1)
    assert Verwerking.objects.filter(gebruikersnaam="privacy", doel="toezicht", deelnemer_uuid=d["uuid"]).count() == 1


def test_the_log_still_answers_after_the_participant_is_anonymised(world, fg):
    d = deelnemer(world)
    # what the retention job does (w5): personal fields gone, the uuid stays
    Deelnemer.objects.filter(uuid=d["uuid"]).update(achternaam="(geanonimiseerd)", voorletters="", bsn_hash="")
    response = world.client(fg).get(f"/api/v1/verwerkingen?deelnemer={d['uuid']}")
    assert [e["handeling"] for e in response.json()["results"]] == ["aanmaken"]


def test_the_privacy_officers_page_searches_by_bsn_without_putting_it_in_a_url(world, fg):
    d = deelnemer(world)
    bsn = Deelnemer.objects.get(uuid=d["uuid"]).bsn
    world.client(world.gem_utrecht).post("/api/v1/deelnemers/_zoek", {"bsn": bsn}, format="json")  # finds nothing
    client = _web(fg)
    response = client.post("/verwerkingen/", {"bsn": bsn})
    assert response.status_code == 302 and response["Location"] == "/verwerkingen/?zoek=bsn"
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200 and bsn not in body
    assert "Verwerkingen van de deelnemer met het gezochte BSN: 1" in body
    assert d["uuid"] in body and "ggz-noord" in body and "Aanvraag indienen" in body
    assert "gemeente-utrecht" in body  # who looked the BSN up without finding anything
    assert BsnRaadpleging.objects.filter(user=fg, kanaal="web").count() == 1
    wrong = client.post("/verwerkingen/", {"bsn": "123456789"})
    assert wrong.status_code == 400 and "elfproef" in wrong.content.decode()
    assert "123456789" not in wrong.content.decode()
    filtered = client.get("/verwerkingen/?gebruiker=ggz-noord&doel=inzage").content.decode()
    assert "Verwerkingen: 0" in filtered


def test_the_demo_data_has_a_privacy_officer(db):
    from io import StringIO

    from django.core.management import call_command

    call_command("demo_data", stdout=StringIO())
    from backoffice.models import User

    user = User.objects.get(username="privacy")
    assert user.check_password("demo") and roles.roles_of(user) == {roles.PRIVACY_OFFICER}


def test_the_work_monitor_export_logs_the_participants_behind_its_rows(world):
    from tests.trajecten.helpers import approved_traject

    traject = approved_traject(world)
    before = Verwerking.objects.count()
    # the provider gets its own trajectories per row (UWV only rows of cells of 5 or more, docs/privacy.md)
    client = world.client(world.ggz_noord)
    csv = client.get("/api/v1/werkmonitor?kwartaal=2026-Q1&formaat=csv")
    assert csv.status_code == 200 and str(traject["toewijzingNummer"]) in b"".join(csv.streaming_content).decode()
    assert client.get("/api/v1/werkmonitor?kwartaal=2026-Q1").status_code == 200
    client.get("/api/v1/werkmonitor?kwartaal=2026-Q1&formaat=csv&deel=totalen")  # aggregates only: no rows
    rows = list(Verwerking.objects.order_by("id")[before:])
    assert [(str(r.deelnemer_uuid), r.kanaal, r.handeling, r.doel, r.gebruikersnaam) for r in rows] == [
        (traject["deelnemer"], "export", "exporteren", "monitoring", "ggz-noord"),
        (traject["deelnemer"], "api", "raadplegen", "monitoring", "ggz-noord"),
    ]
