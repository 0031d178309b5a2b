"""The scheduled jobs: the life of trajectories on both routes with the calendar moved by
``run_job --date``, idempotence, the lock, the record of every run, and a real Celery worker."""

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from backoffice import documenten, schedule
from backoffice.locks import job_lock
from backoffice.models import Signaal, Taakrun
from declaraties.models import Vordering
from financiering.rules import planned_end
from tests.trajecten.helpers import approved_traject
from trajecten import services as traject_services
from trajecten.models import Aanvraag, Traject
from trajecten.werkmonitor import taak as werkmonitor_taak

from .jobs_helpers import START, open_signalen, run

D = dt.timedelta


def _nonzero(run_) -> dict:
    return {k: v for k, v in run_.counts.items() if v}


def test_life_of_trajectories_on_both_routes(wereld, clock):
    w = wereld
    uwv_cmd = approved_traject(w)  # UWV route, 24 months
    gem_epa = approved_traject(w, perceel="demo-gem-epa")  # gemeente route, 36 months
    assert uwv_cmd["startdatum"] == START.isoformat()
    end_cmd = planned_end(START, 24)
    end_epa = planned_end(START, 36)

    first = run(clock, "nightly", START + D(1))
    assert first.status == "geslaagd", first.fouten
    assert not Signaal.objects.exists()

    # 90 days before the end: the provider and the funder (UWV on this route) are told.
    run(clock, "nightly", end_cmd - D(90))
    assert open_signalen(object_type="traject") == {("traject_eindigt_90", uwv_cmd["uuid"])}
    s90 = Signaal.objects.get(soort="traject_eindigt_90")
    assert (s90.aanbieder, s90.gemeente, s90.uwv_rol, s90.deadline) == (w.noord, None, "uwv_beoordelaar", end_cmd)

    again = run(clock, "nightly", end_cmd - D(90))
    assert again.status == "geslaagd" and _nonzero(again) == {}
    assert Signaal.objects.count() == 1
    assert Taakrun.objects.filter(taak="nightly", datum=end_cmd - D(90)).count() == 2

    run(clock, "nightly", end_cmd - D(30))
    assert open_signalen(object_type="traject") == {
        ("traject_eindigt_90", uwv_cmd["uuid"]),
        ("traject_eindigt_30", uwv_cmd["uuid"]),
    }

    # On the planned end the trajectory is still active; the day after, its funding has run out.
    run(clock, "nightly", end_cmd)
    assert Traject.objects.get(uuid=uwv_cmd["uuid"]).status == "actief"
    moved = run(clock, "nightly", end_cmd + D(1))
    assert moved.counts["trajecten_looptijd_verstreken"] == 1
    traject = Traject.objects.get(uuid=uwv_cmd["uuid"])
    assert traject.status == "looptijd_verstreken"
    last = traject.history.order_by("-history_id").first()
    assert (last.status, last.history_type, last.history_user_id) == ("looptijd_verstreken", "~", None)
    assert last.history_change_reason.startswith("Looptijd verstreken")
    assert traject.history.count() == 2
    assert open_signalen(object_type="traject") == {("looptijd_verstreken", uwv_cmd["uuid"])}
    lv = Signaal.objects.get(soort="looptijd_verstreken", afgehandeld=False)
    assert lv.deadline == end_cmd + D(30)
    assert Signaal.objects.get(soort="traject_eindigt_30").afgehandeld_datum == end_cmd + D(1)
    assert _nonzero(run(clock, "nightly", end_cmd + D(1))) == {}
    assert Traject.objects.get(uuid=uwv_cmd["uuid"]).history.count() == 2

    # More than 30 days after the end without an end report.
    run(clock, "nightly", end_cmd + D(30))
    assert ("eindverslag_ontbreekt", uwv_cmd["uuid"]) not in open_signalen(object_type="traject")
    run(clock, "nightly", end_cmd + D(31))
    assert ("eindverslag_ontbreekt", uwv_cmd["uuid"]) in open_signalen(object_type="traject")

    # The end report arrives: both signals resolve in the next run.
    response = w.client(w.ggz_noord).post(
        f"/api/v1/trajecten/{uwv_cmd['uuid']}/eindverslagen", {"uitkomst": "werk"}, format="json"
    )
    assert response.status_code == 201, response.json()
    resolved = run(clock, "nightly", end_cmd + D(32))
    assert resolved.counts["signalen.eindverslag_ontbreekt.afgehandeld"] == 1
    assert resolved.counts["signalen.looptijd_verstreken.afgehandeld"] == 1
    assert not open_signalen(object_uuid=uwv_cmd["uuid"])

    # The gemeente-route trajectory: the gemeente is the funder that is told.
    run(clock, "nightly", end_epa - D(30))
    sig = Signaal.objects.get(soort="traject_eindigt_30", object_uuid=gem_epa["uuid"])
    assert (sig.aanbieder, sig.gemeente, sig.uwv_rol) == (w.noord, w.amsterdam, "")
    run(clock, "nightly", end_epa + D(1))
    assert Traject.objects.get(uuid=gem_epa["uuid"]).status == "looptijd_verstreken"


def test_an_extension_resolves_the_end_signal_and_an_early_stop_asks_for_the_end_report(wereld, clock):
    w = wereld
    t = approved_traject(w)
    other = approved_traject(w)
    end = planned_end(START, 24)

    # A stop notice ends one early; 31 days later its end report is missing.
    stop_day = START + D(100)
    clock.move_to(dt.datetime(2026, 4, 15, 12, tzinfo=dt.UTC))
    traject_services.traject_stop(
        by=w.ggz_noord, traject=Traject.objects.get(uuid=other["uuid"]), einddatum=stop_day, reden="uitval"
    )
    run(clock, "nightly", stop_day + D(30))
    assert not open_signalen(object_uuid=other["uuid"])
    run(clock, "nightly", stop_day + D(31))
    assert open_signalen(object_uuid=other["uuid"]) == {("eindverslag_ontbreekt", other["uuid"])}
    assert Traject.objects.get(uuid=other["uuid"]).status == "beeindigd"

    run(clock, "nightly", end - D(30))
    assert ("traject_eindigt_30", t["uuid"]) in open_signalen()

    traject = Traject.objects.get(uuid=t["uuid"])
    verlenging = traject_services.verlenging_request(by=w.ggz_noord, traject=traject, maanden=1, toelichting="nodig")
    traject_services.verlenging_decide(by=w.uwv, verlenging=verlenging, besluit="akkoord")
    new_end = Traject.objects.get(pk=traject.pk).einddatum_gepland
    assert new_end > end

    after = run(clock, "nightly", end - D(29))
    # No longer within 30 days: resolved. Still within 90 days, but of another end date: the old
    # signal is resolved and a new one raised with the new deadline.
    assert after.counts["signalen.traject_eindigt_30.afgehandeld"] == 1
    assert after.counts["signalen.traject_eindigt_30.nieuw"] == 0
    assert after.counts["signalen.traject_eindigt_90.afgehandeld"] == 1
    assert after.counts["signalen.traject_eindigt_90.nieuw"] == 1
    assert Signaal.objects.get(soort="traject_eindigt_90", afgehandeld=False).deadline == new_end
    assert not open_signalen(soort="traject_eindigt_30")
    run(clock, "nightly", end + D(1))
    assert Traject.objects.get(pk=traject.pk).status == "actief"  # the extension moved the end
    run(clock, "nightly", new_end + D(1))
    assert Traject.objects.get(pk=traject.pk).status == "looptijd_verstreken"


def test_late_decisions_fidelity_caseload_budget_and_claims(wereld, clock):
    from tests.trajecten.helpers import aanvraag

    w = wereld
    filed = aanvraag(w)  # UWV route, UWV decides within 14 days
    deadline = Aanvraag.objects.get(uuid=filed["uuid"]).beslis_deadline
    gem = aanvraag(w, perceel="demo-gem-cmd")  # gemeente route, the gemeente decides within 8 weeks
    gem_deadline = Aanvraag.objects.get(uuid=gem["uuid"]).beslis_deadline

    run(clock, "nightly", deadline)
    assert not open_signalen(soort="besluit_te_laat")
    run(clock, "nightly", deadline + D(1))
    late = Signaal.objects.get(soort="besluit_te_laat", afgehandeld=False)
    assert (late.object_type, str(late.object_uuid), late.uwv_rol) == ("aanvraag", filed["uuid"], "uwv_beoordelaar")

    # Caseload: 0.04 fte allows one active trajectory at the default norm of 25 per fte.
    w.begeleider_noord.fte = Decimal("0.04")
    w.begeleider_noord.save()
    traject = approved_traject(w)
    Traject.objects.filter(uuid=traject["uuid"]).update(trajectbegeleider=w.begeleider_noord)
    # The UWV decision on the first application resolves its signal.
    response = w.client(w.uwv).post(f"/api/v1/aanvragen/{filed['uuid']}/beoordelingen", {"besluit": "akkoord"})
    assert response.status_code == 201
    Traject.objects.filter(aanvraag__uuid=filed["uuid"]).update(trajectbegeleider=w.begeleider_noord)

    # Budget: above 90% of the allocation reserved (8000 of 8500).
    gem_traject = approved_traject(w, perceel="demo-gem-epa")
    w.budget_amsterdam.refresh_from_db()
    assert w.budget_amsterdam.gereserveerd == Decimal("8000.00")
    w.budget_amsterdam.toegekend = Decimal("8500.00")
    w.budget_amsterdam.save()

    # A claim past its due date.
    claim = Vordering.objects.create(
        gemeente=w.amsterdam,
        periode=dt.date(2026, 1, 1),
        bedrag=Decimal("100.00"),
        status="verzonden",
        factuurnummer="IPS-2099-000001",
        factuurdatum=dt.date(2025, 12, 1),
        vervaldatum=deadline,
    )
    day = deadline + D(2)
    result = run(clock, "nightly", day)
    assert result.status == "geslaagd", result.fouten
    assert result.counts["signalen.besluit_te_laat.afgehandeld"] == 1
    assert open_signalen(soort="caseload_te_hoog") == {("caseload_te_hoog", str(w.begeleider_noord.uuid))}
    caseload = Signaal.objects.get(soort="caseload_te_hoog")
    assert "2 IPS-cliënten" in caseload.omschrijving and caseload.aanbieder == w.noord
    assert open_signalen(soort="budget_bijna_op") == {("budget_bijna_op", str(w.budget_amsterdam.uuid))}
    budget_signal = Signaal.objects.get(soort="budget_bijna_op")
    assert (budget_signal.gemeente, budget_signal.uwv_rol) == (w.amsterdam, "uwv_financieel")
    assert open_signalen(soort="vordering_te_laat") == {("vordering_te_laat", str(claim.uuid))}
    assert gem_traject["status"] == "actief"

    # The causes disappear: a paid claim, more fte, a larger budget; and the gemeente is late.
    Vordering.objects.filter(pk=claim.pk).update(status="betaald", ontvangen=Decimal("100.00"))
    w.begeleider_noord.fte = Decimal("1.00")
    w.begeleider_noord.save()
    w.budget_amsterdam.toegekend = Decimal("100000.00")
    w.budget_amsterdam.save()
    result = run(clock, "nightly", gem_deadline + D(1))
    for soort in ("vordering_te_laat", "caseload_te_hoog", "budget_bijna_op"):
        assert result.counts[f"signalen.{soort}.afgehandeld"] == 1, soort
        assert not open_signalen(soort=soort)
    gem_late = Signaal.objects.get(soort="besluit_te_laat", afgehandeld=False)
    assert (str(gem_late.object_uuid), gem_late.gemeente, gem_late.uwv_rol) == (gem["uuid"], w.amsterdam, "")

    # Fidelity: the world's audits are 60 days old on START; valid 24 months.
    expiry = dt.date(2026 + 2, 1, 5) - D(60)
    run(clock, "nightly", expiry)
    assert not open_signalen(soort="modeltrouw_verlopen")
    run(clock, "nightly", expiry + D(1))
    assert {s for _, s in open_signalen(soort="modeltrouw_verlopen")} == {
        str(w.noord.uuid),
        str(w.zuid.uuid),
        str(w.ribw.uuid),
    }
    from financiering import services as fin_services
    from tests.factories import ips25, ips26

    # An audit on IPS-25, which has no bands, is stored but not banded: it does not count.
    niet_ingedeeld = fin_services.modeltrouwmeting_register(
        by=w.auditor, aanbieder=w.noord, datum=expiry + D(1), versie=ips25(), scores={str(i): 4 for i in range(1, 26)}
    )
    assert (niet_ingedeeld.totaal, niet_ingedeeld.band) == (100, "")
    run(clock, "nightly", expiry + D(2))
    assert str(w.noord.uuid) in {s for _, s in open_signalen(soort="modeltrouw_verlopen")}
    assert "niet ingedeeld" in Signaal.objects.get(soort="modeltrouw_verlopen", aanbieder=w.noord).omschrijving
    fin_services.modeltrouwmeting_register(
        by=w.auditor,
        aanbieder=w.noord,
        datum=expiry + D(2),
        versie=ips26(),
        scores={str(i): 4 for i in range(1, 27)},
    )
    run(clock, "nightly", expiry + D(3))
    assert {s for _, s in open_signalen(soort="modeltrouw_verlopen")} == {str(w.zuid.uuid), str(w.ribw.uuid)}
    assert Signaal.objects.get(soort="modeltrouw_verlopen", aanbieder=w.noord).afgehandeld


def test_caseload_counts_the_clients_elsewhere_in_one_query(wereld, clock):
    """The norm (25 per fte) counts all of a specialist's IPS clients: the active trajectories on
    the desk plus the clients funded elsewhere that the provider registered (domain.md 3)."""
    from backoffice.models import Instellingen
    from financiering.models import Trajectbegeleider
    from tests.factories import TrajectbegeleiderFactory
    from trajecten.jobs import signaal_oorzaken

    w = wereld
    traject = approved_traject(w)
    Traject.objects.filter(uuid=traject["uuid"]).update(trajectbegeleider=w.begeleider_noord)
    Trajectbegeleider.objects.filter(pk=w.begeleider_noord.pk).update(clienten_elders=24)  # 1 + 24 = 25: at the norm
    run(clock, "nightly", START + D(1))
    assert not open_signalen(soort="caseload_te_hoog")

    Trajectbegeleider.objects.filter(pk=w.begeleider_noord.pk).update(clienten_elders=25)  # 26 > 25
    run(clock, "nightly", START + D(2))
    assert open_signalen(soort="caseload_te_hoog") == {("caseload_te_hoog", str(w.begeleider_noord.uuid))}
    assert "26 IPS-cliënten" in Signaal.objects.get(soort="caseload_te_hoog").omschrijving

    # Set-based: one query for the cause, however many specialists there are.
    def caseload_queries():
        [cause] = [
            o for o in signaal_oorzaken(datum=START, instellingen=Instellingen.get()) if o.soort == "caseload_te_hoog"
        ]
        with CaptureQueriesContext(connection) as ctx:
            rows = list(cause.queryset)
        return len(ctx.captured_queries), rows

    before, _ = caseload_queries()
    for n in range(5):
        TrajectbegeleiderFactory(aanbieder=w.zuid, fte=Decimal("0.20"), clienten_elders=10 + n)
    after, rows = caseload_queries()
    assert before == after == 1
    assert len(rows) == 6  # noord's specialist and the five at 0.20 fte (norm 5) with 10..14 clients elsewhere


def test_weekly_monthly_and_quarterly(wereld, clock, settings, tmp_path):
    w = wereld
    settings.IPS_EXPORT_DIR = str(tmp_path)
    approved_traject(w)
    weekly = run(clock, "weekly", START + D(7))
    assert weekly.status == "geslaagd", weekly.fouten
    assert set(weekly.counts) >= {"betaalopdrachten"}

    Vordering.objects.create(
        gemeente=w.amsterdam,
        periode=dt.date(2026, 1, 1),
        bedrag=Decimal("10"),
        status="verzonden",
        factuurnummer="IPS-2099-000001",
        factuurdatum=dt.date(2025, 12, 1),
        vervaldatum=dt.date(2026, 2, 1),
    )
    monthly = run(clock, "monthly", dt.date(2026, 3, 1))
    assert monthly.status == "geslaagd", monthly.fouten
    assert monthly.counts["herinneringen"] == 1
    assert run(clock, "monthly", dt.date(2026, 3, 1)).counts["herinneringen"] == 0

    clock.move_to(dt.datetime(2026, 4, 1, 12, tzinfo=dt.UTC))
    call_command("run_job", "quarterly", "--date", "2026-04-01")
    quarterly = Taakrun.objects.get(taak="quarterly")
    assert quarterly.status == "geslaagd", quarterly.fouten
    assert quarterly.counts["werkmonitor.bestanden"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "werkmonitor-2026-Q1-totalen.csv",
        "werkmonitor-2026-Q1-trajecten.csv",
        "werkmonitor-2026-Q1.xlsx",
    ]

    # Without the export the job says so, and does not pretend to have succeeded.
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(werkmonitor_taak, "WERKMONITOR", None)
    try:
        with pytest.raises(CommandError):
            call_command("run_job", "quarterly", "--date", "2026-04-01")
    finally:
        monkeypatch.undo()
    failed = Taakrun.objects.filter(taak="quarterly").order_by("-id").first()
    assert failed.status == "mislukt" and "nog niet beschikbaar" in failed.fouten[0]["fout"]


def test_taakruns_api_per_role(wereld, clock):
    """Each role sees the runs that concern it (selectors.TAAKRUN_ZICHT, docs/jobs.md)."""
    w = wereld
    run(clock, "nightly", START)
    for user in (w.beheer, w.uwv):
        response = w.client(user).get("/api/v1/taakruns", {"taak": "nightly", "datum": START.isoformat()})
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 1
        row = body["results"][0]
        assert row["taak"] == "nightly" and row["datum"] == START.isoformat() and row["status"] == "geslaagd"
        assert row["gestart"].endswith("Z") and "trajecten_looptijd_verstreken" in row["counts"]
    assert w.client(w.beheer).get("/api/v1/taakruns", {"taak": "weekly"}).json()["count"] == 0
    for user in (w.uwv_fin, w.ggz_noord, w.gem_amsterdam):  # the nightly job is not theirs
        assert w.client(user).get("/api/v1/taakruns", {"taak": "nightly"}).json()["count"] == 0
    assert w.client(w.auditor).get("/api/v1/taakruns").status_code == 403


def test_a_second_run_while_one_holds_the_lock_is_skipped_and_recorded(wereld, clock):
    """Another process (here: a second database session) holds the job's lock."""
    import psycopg

    db = connection.settings_dict
    other = psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER"),
        password=db.get("PASSWORD") or None,
        dbname=db["NAME"],
        autocommit=True,
    )
    try:
        other.execute("SELECT pg_advisory_lock(hashtext(%s))", ["ips-loket:job:nightly"])
        skipped = schedule.run_job("nightly", START)
        assert skipped.status == "overgeslagen"
        assert skipped.counts == {} and "bezig" in skipped.fouten[0]["fout"]
    finally:
        other.execute("SELECT pg_advisory_unlock(hashtext(%s))", ["ips-loket:job:nightly"])
        other.close()
    assert schedule.run_job("nightly", START).status == "geslaagd"
    with job_lock("weekly") as got:
        assert got


def test_a_broken_step_is_recorded_and_a_transient_error_is_raised_for_a_retry(wereld, clock, monkeypatch):
    real = schedule.steps_for

    def broken(name, datum):
        def boom(d):
            raise ValueError("kapot")

        return [("kapot", boom), *real(name, datum)]

    monkeypatch.setattr(schedule, "steps_for", broken)
    result = schedule.run_job("nightly", START)
    assert result.status == "mislukt"
    assert result.fouten == [{"stap": "kapot", "fout": "ValueError: kapot"}]
    assert "trajecten_looptijd_verstreken" in result.counts  # the other steps ran

    def transient(name, datum):
        def down(d):
            raise OperationalError("database weg")

        return [("weg", down)]

    monkeypatch.setattr(schedule, "steps_for", transient)
    with pytest.raises(OperationalError):
        schedule.run_job("nightly", START)
    assert Taakrun.objects.order_by("-id").first().status == "mislukt"


def test_queue_job_sends_after_commit(wereld, clock, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    from backoffice import tasks

    monkeypatch.setattr(tasks.run_job_task, "delay", lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        schedule.queue_job("weekly", START)
        assert sent == []
    assert sent == [("weekly", START.isoformat())]


def _clone(template: Traject, n: int, day: dt.date) -> None:
    """n more trajectories like ``template`` with end dates around ``day``: some past their end,
    some ending within 30 and 90 days, some long past without an end report."""
    aanvraag = template.aanvraag
    aanvragen, trajecten = [], []
    base = Traject.objects.order_by("-toewijzing_nummer").values_list("toewijzing_nummer", flat=True).first()
    offsets = [-1, 10, 60, -45, 400]
    for i in range(n):
        a = Aanvraag.objects.get(pk=aanvraag.pk)
        a.pk = None
        a.uuid = uuid.uuid4()
        a.bsn_hash = f"kloon-{day}-{i}"
        aanvragen.append(a)
    Aanvraag.objects.bulk_create(aanvragen)
    for i, a in enumerate(aanvragen):
        t = Traject.objects.get(pk=template.pk)
        t.pk = None
        t.uuid = uuid.uuid4()
        t.aanvraag = a
        t.bsn_hash = a.bsn_hash
        t.toewijzing_nummer = base + 1 + i
        offset = offsets[i % len(offsets)]
        t.einddatum_gepland = day + D(offset)
        t.status = "looptijd_verstreken" if offset == -45 else "actief"
        trajecten.append(t)
    Traject.objects.bulk_create(trajecten)


def test_nightly_query_count_does_not_grow_with_the_number_of_trajectories(wereld, clock):
    w = wereld
    template = Traject.objects.get(uuid=approved_traject(w)["uuid"])
    day1 = dt.date(2027, 6, 1)
    day2 = day1 + D(1)
    _clone(template, 5, day1)
    clock.move_to(dt.datetime(2027, 6, 1, 12, tzinfo=dt.UTC))
    documenten.documenten_renderen()  # the template's decision documents: rendered after their commit in real life
    with CaptureQueriesContext(connection) as small:
        call_command("run_job", "nightly", "--date", day1.isoformat())
    _clone(template, 50, day2)
    clock.move_to(dt.datetime(2027, 6, 2, 12, tzinfo=dt.UTC))
    with CaptureQueriesContext(connection) as large:
        call_command("run_job", "nightly", "--date", day2.isoformat())
    runs = Taakrun.objects.filter(taak="nightly").order_by("id")
    assert [r.status for r in runs] == ["geslaagd", "geslaagd"]
    assert runs[0].counts["trajecten_looptijd_verstreken"] == 1
    assert runs[1].counts["trajecten_looptijd_verstreken"] == 10
    assert runs[1].counts["signalen.traject_eindigt_30.nieuw"] == 10
    assert runs[1].counts["notificaties"] >= 1
    print(f"nightly queries: 5 trajectories {len(small)}, 50 trajectories {len(large)}")
    assert len(small) == len(large)
    assert len(large) <= 80  # including a savepoint pair per step inside the test's transaction


@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_runs_a_job(clock, tmp_path):
    """Starts ``celery -A backoffice worker --pool=solo`` against Redis and the test database, queues
    a job and waits for the Taakrun the worker writes."""
    from backoffice.tasks import run_job_task

    db = connection.settings_dict
    broker = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    if not broker or connection.vendor != "postgresql":
        pytest.fail("Deze test vraagt PostgreSQL en Redis (DATABASE_URL, REDIS_URL).")
    queue = f"ips-test-{uuid.uuid4().hex[:8]}"
    user = db.get("USER") or "postgres"
    auth = f"{user}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{user}@"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "REDIS_URL": os.environ.get("REDIS_URL", broker),
        "DB_CONN_MAX_AGE": "0",
    }
    root = Path(__file__).resolve().parents[2]
    log = (tmp_path / "worker.log").open("w+b")  # a file, not a pipe: a full pipe would block the worker

    def worker_log():
        log.seek(0)
        return log.read().decode(errors="replace")[-2000:]

    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "backoffice",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "-l",
            "warning",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        run_job_task.apply_async(args=("weekly", "2026-01-05"), queue=queue)
        deadline = time.monotonic() + 60
        found = None
        while time.monotonic() < deadline and found is None:
            found = Taakrun.objects.filter(taak="weekly", datum=dt.date(2026, 1, 5), bron="celery").first()
            if found is None:
                assert worker.poll() is None, worker_log()
                time.sleep(0.3)
        assert found is not None, f"de worker schreef binnen 60 seconden geen taakrun\n{worker_log()}"
        deadline = time.monotonic() + 30
        while found.status == "bezig" and time.monotonic() < deadline:
            time.sleep(0.2)
            found.refresh_from_db()
        assert found.status == "geslaagd", found.fouten
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
        log.close()
        from tests.reliability.workers import forget_broker_keys

        forget_broker_keys(queue)
