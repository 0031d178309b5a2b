"""Issue 6, part 4: a worker killed (SIGKILL) in the middle of every scheduled job. The message
comes back from Redis (acks_late, reject_on_worker_lost, a short visibility timeout in the test),
a fresh worker runs the job again, and the result equals a clean run on the same data: the same
trajectories, signals, e-mails, payment orders, claims, budget mutations and export files.

The clean run happens first, in this process, inside a transaction that is rolled back; then the
real run, with the kill, on the same data. Rows are compared without ids, uuids and timestamps."""

import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
import time_machine
from django.db import connection, models, transaction
from openpyxl import load_workbook

from backoffice.models import Notificatie, Signaal, Taakrun
from backoffice.schedule import run_job
from backoffice.tasks import run_job_task
from declaraties import services
from declaraties.models import Betaalopdracht, Prestatie, Vordering, VorderingRegel
from financiering.models import Budget, Budgetmutatie
from tests.declaraties.geld_helpers import declare, moment, start_line
from tests.trajecten.helpers import approved_traject
from trajecten.models import Aanvraag, Traject

from .workers import Worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True)]
D = dt.date

RESULT_MODELS = [
    Traject,
    Traject.history.model,
    Aanvraag,
    Signaal,
    Notificatie,
    Betaalopdracht,
    Prestatie,
    Vordering,
    VorderingRegel,
    Budget,
    Budgetmutatie,
]


class _Rollback(Exception):
    pass


def _plain(row: models.Model, sig: dict) -> tuple:
    """A row without what differs between two runs of the same work (ids, uuids, timestamps);
    a reference to another result row becomes that row's own content."""
    out = []
    for field in row._meta.concrete_fields:
        if field.primary_key or isinstance(field, (models.UUIDField, models.DateTimeField)):
            continue
        if field.name in {"history_id", "tot_signaal_id"}:
            continue
        value = getattr(row, field.attname)
        if field.is_relation and field.related_model in sig:
            value = sig[field.related_model].get(value, value)
        out.append((field.name, str(value)))
    return tuple(out)


def snapshot() -> dict[str, list]:
    sig: dict = {}
    result: dict[str, list] = {}
    for _ in range(2):  # second pass: references resolved to content
        for model in RESULT_MODELS:
            rows = list(model._base_manager.all())
            sig.setdefault(model, {})
            for row in rows:
                sig[model][row.pk] = _plain(row, sig)
            result[model._meta.label] = sorted(sig[model][row.pk] for row in rows)
    result["notificatie.signalen"] = sorted(
        (n.user.username, n.datum.isoformat(), tuple(sorted(str(s.soort) + str(s.object_uuid) for s in n.signalen.all())))
        for n in Notificatie.objects.all()
    )
    return result


def export_files(directory: Path) -> dict[str, object]:
    files = {}
    for path in sorted(directory.glob("werkmonitor-*")):
        if path.suffix == ".xlsx":
            workbook = load_workbook(path, read_only=True)
            files[path.name] = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}
            workbook.close()
        else:
            files[path.name] = path.read_bytes()
    return files


def clean_run(job: str, datum: D, export_dir: Path, settings) -> tuple[dict, dict]:
    """The job in this process, undone afterwards: what a run without faults leaves behind."""
    settings.IPS_EXPORT_DIR = str(export_dir)
    try:
        with transaction.atomic():
            run = run_job(job, datum, bron="test")
            assert run.status == "geslaagd", run.fouten
            state = snapshot()
            raise _Rollback
    except _Rollback:
        pass
    return state, export_files(export_dir)


@pytest.fixture
def data(transactional_db):
    """Three trajectories (two co-financed by Amsterdam, one by Utrecht), their start lines
    declared and granted on 2 March 2026; e-mail addresses so the nightly run sends digests."""
    if connection.vendor != "postgresql":
        pytest.fail("Deze test vraagt PostgreSQL en Redis (DATABASE_URL, REDIS_URL).")
    from tests.conftest import World
    from tests.factories import budget

    with time_machine.travel(moment(D(2026, 3, 2)), tick=False):
        world = World()
        for user in (world.uwv, world.uwv_fin, world.gem_amsterdam, world.gem_utrecht, world.ggz_noord):
            user.email = f"{user.username}@example.nl"
            user.save(update_fields=["email"])
        budget(world.utrecht, world.gem_regeling)
        ams = [approved_traject(world, perceel="demo-gem-epa") for _ in range(2)]
        utr = approved_traject(world, perceel="demo-gem-epa", gemeente="0344", gemeente_user=world.gem_utrecht)
        uwv = approved_traject(world)
        declare(
            world.ggz_noord, "D-1", [start_line(t, f"R-{i}", D(2026, 3, 2)) for i, t in enumerate([*ams, utr, uwv])]
        )
    return world


def killed_and_rerun(tmp_path, job: str, datum: D, pause: str, export_dir: Path) -> list[Taakrun]:
    """Queue ``job``; the first worker stops in the middle (``pause``) and is SIGKILLed; a second
    worker gets the message back from Redis and finishes. Answers the job's runs, oldest first."""
    queue = f"ips-test-{uuid.uuid4().hex[:8]}"
    keys = uuid.uuid4().hex[:8]
    transport = json.dumps(
        {
            "visibility_timeout": 2,
            "unacked_key": f"unacked-{keys}",
            "unacked_index_key": f"unacked_index-{keys}",
            "unacked_mutex_key": f"unacked_mutex-{keys}",
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        }
    )
    marker = tmp_path / f"paused-{job}"
    env = {"IPS_TEST_TRANSPORT": transport, "IPS_EXPORT_DIR": str(export_dir)}
    first = Worker(queue, tmp_path, name=f"{job}-1", env={**env, "IPS_TEST_PAUSE": pause.format(marker=marker)})
    second = None
    try:
        run_job_task.apply_async(args=(job, datum.isoformat()), queue=queue)
        wait_for(marker.exists, timeout=60, what=f"{job}: de worker kwam niet halverwege", workers=[first])
        first.kill()
        assert Taakrun.objects.get(taak=job, datum=datum).status == "bezig"  # cut off mid-run
        second = Worker(queue, tmp_path, name=f"{job}-2", env=env)
        wait_for(
            lambda: Taakrun.objects.filter(taak=job, datum=datum, status="geslaagd").exists(),
            timeout=60,
            what=f"{job}: de tweede worker maakte de run niet af",
            workers=[first, second],
        )
    finally:
        first.stop()
        if second:
            second.stop()
    return list(Taakrun.objects.filter(taak=job, datum=datum).order_by("id"))


def check(tmp_path, settings, job: str, datum: D, pause: str) -> dict:
    before = snapshot()
    clean, clean_files = clean_run(job, datum, tmp_path / f"clean-{job}", settings)
    assert snapshot() == before  # the clean run left nothing behind
    assert clean != before or clean_files, f"{job} deed niets op deze gegevens; de test zou niets bewijzen"
    runs = killed_and_rerun(tmp_path, job, datum, pause, tmp_path / f"real-{job}")
    assert [r.status for r in runs] == ["afgebroken", "geslaagd"], [(r.status, r.fouten) for r in runs]
    assert snapshot() == clean
    assert export_files(tmp_path / f"real-{job}") == clean_files
    return runs[-1].counts


def test_kill_a_worker_in_the_middle_of_every_job(data, tmp_path, settings):
    # weekly: killed inside its only step (payment orders made, not committed)
    counts = check(tmp_path, settings, "weekly", D(2026, 3, 2), "step:weekly:0:{marker}")
    assert counts["betaalopdrachten"] == 1
    opdracht = Betaalopdracht.objects.get()
    services.betaalopdracht_accorderen(by=data.uwv_fin, opdracht=opdracht)
    services.betaalopdracht_bevestigen(by=data.uwv_fin, opdracht=opdracht, datum=D(2026, 3, 3))

    # monthly: killed after the claims were committed, while the reminders were running
    # (the rerun's counts are 0 for what the killed run already committed)
    check(tmp_path, settings, "monthly", D(2026, 4, 1), "step:monthly:1:{marker}")
    assert Vordering.objects.count() == 2

    # quarterly: killed between writing two of the work monitor's files
    counts = check(tmp_path, settings, "quarterly", D(2026, 4, 1), "replace:2:{marker}")
    assert counts["werkmonitor.trajecten"] == 4

    # nightly: killed halfway through the signals (expiry and some signals already committed)
    check(tmp_path, settings, "nightly", D(2030, 1, 2), "step:nightly:5:{marker}")
    assert Notificatie.objects.exists() and Signaal.objects.exists()
    assert Traject.objects.filter(status="looptijd_verstreken").exists()
