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

from backoffice.models import Notificatie, Signaal, Taakrun
from backoffice.tasks import run_job_task
from declaraties import services
from declaraties.models import Betaalopdracht, Vordering
from trajecten.models import Traject

from .snapshots import clean_run, export_files, snapshot
from .workers import Worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True)]
D = dt.date


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
    clean, clean_files = clean_run([(job, datum)], tmp_path / f"clean-{job}", settings)
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
