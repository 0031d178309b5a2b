"""The scheduled jobs and the one code path that runs a job, whether Celery beat queued it or
someone typed ``run_job``.

A job is a list of steps; a step is ``(name, callable(datum) -> dict[str, int])``. Which steps make
up each job, and in which order, the apps register in their ``AppConfig.ready()``
(``backoffice.registry``; the core's own steps: ``register_core_steps`` below). Each step runs in
its own transaction; its counts go into the job's ``Taakrun``. A step that breaks is recorded in
``fouten`` and the other steps still run; a transient error (the database or the broker away) is
re-raised after recording, so that the Celery task retries the whole (idempotent) job.
See docs/jobs.md."""

import logging
from datetime import date

from django.db import OperationalError, transaction
from django.utils import timezone

from . import registry, verwerkingslog
from .history import taakrun_context
from .locks import job_lock
from .models import Instellingen, Taakrun
from .notificaties import digests_send
from .registry import NietBeschikbaar, Step  # noqa: F401  (the steps' names for them)
from .rules import TAAKRUN
from .signalering import signalen_bijwerken

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, ConnectionError)
try:  # redis-py's ConnectionError is not the builtin one
    from redis.exceptions import ConnectionError as RedisConnectionError

    TRANSIENT = (*TRANSIENT, RedisConnectionError)
except ImportError:  # pragma: no cover
    pass


def _signalen(datum: date) -> list[Step]:
    """One step per kind of signal, in a fixed order (the apps' registered causes)."""
    oorzaken = registry.signaal_oorzaken(datum=datum, instellingen=Instellingen.get())
    return [
        (
            f"signalen.{o.soort}",
            lambda d, o=o: {f"signalen.{o.soort}.{k}": v for k, v in signalen_bijwerken(o, datum=d).items()},
        )
        for o in oorzaken
    ]


def _documenten_renderen(datum):
    from .documenten import documenten_renderen

    return documenten_renderen(datum=datum)


def register_core_steps() -> None:
    """The core's own steps, between the apps' (their orders: see each app's ``apps.py``)."""
    # nightly: after the expiry of trajectories (10), so that the signals see today's states.
    registry.register_job_steps("nightly", _signalen, order=20)
    registry.register_job_step("nightly", "notificaties", lambda d: digests_send(datum=d), order=30)
    # nightly: the documents whose PDF was not rendered after their decision (a lost task).
    registry.register_job_step("nightly", "documenten_renderen", _documenten_renderen, order=80, doel="beheer")
    # monthly: the processing log's own retention (docs/privacy.md, "Verwerkingslog").
    registry.register_job_step(
        "monthly",
        "verwerkingslog_opschonen",
        lambda d: verwerkingslog.verwerkingen_opschonen(datum=d),
        order=90,
        doel="toezicht",
    )


JOBS = ("nightly", "weekly", "monthly", "quarterly")


def steps_for(name: str, datum: date) -> list[Step]:
    if name not in JOBS:
        raise ValueError(f"Onbekende taak: {name}")
    return registry.job_steps(name, datum)


def _stap_doel(step: str) -> str:
    """The purpose of a step that reads a participant's data (the processing log), as registered."""
    return registry.stap_doel(step)


def run_job(name: str, datum: date | None = None, *, bron: str = "") -> Taakrun:
    """Run job ``name`` for ``datum`` (default: today in Europe/Amsterdam) and record it."""
    if name not in JOBS:
        raise ValueError(f"Onbekende taak: {name} (kies uit {', '.join(JOBS)})")
    datum = datum or timezone.localdate()
    with job_lock(name) as got:
        if not got:
            now = timezone.now()
            return Taakrun.objects.create(
                taak=name,
                datum=datum,
                gestart=now,
                klaar=now,
                status="overgeslagen",
                bron=bron,
                fouten=[{"stap": "", "fout": "Een andere run van deze taak was nog bezig."}],
            )
        # Holding the lock proves that no other run is busy: a run left 'bezig' was cut off.
        Taakrun.objects.filter(taak=name, status__in=TAAKRUN.van("afbreken")).update(
            status=TAAKRUN.volgende("afbreken", "bezig"), klaar=timezone.now()
        )
        run = Taakrun.objects.create(taak=name, datum=datum, gestart=timezone.now(), status="bezig", bron=bron)
        counts: dict[str, int] = {}
        fouten: list[dict] = []
        transient: BaseException | None = None
        try:
            for step, func in steps_for(name, datum):
                try:
                    with (
                        transaction.atomic(),
                        verwerkingslog.verzamelen(kanaal="job", route=f"taak {name}: {step}", doel=_stap_doel(step)),
                        taakrun_context(run, step),
                    ):
                        counts.update(func(datum) or {})
                except TRANSIENT as exc:
                    fouten.append({"stap": step, "fout": f"{type(exc).__name__}: {exc}"[:500]})
                    transient = exc
                    break
                except Exception as exc:
                    logger.exception("Stap %s van taak %s faalde", step, name)
                    fouten.append({"stap": step, "fout": f"{type(exc).__name__}: {exc}"[:500]})
        except TRANSIENT as exc:  # building the steps needs the database too
            fouten.append({"stap": "", "fout": f"{type(exc).__name__}: {exc}"[:500]})
            transient = exc
        run.counts = counts
        run.fouten = fouten
        run.status = TAAKRUN.volgende("afronden", run.status, naar="mislukt" if fouten else "geslaagd")
        run.klaar = timezone.now()
        run.save(update_fields=["counts", "fouten", "status", "klaar"])
    if transient is not None:
        raise transient
    return run


def queue_job(name: str, datum: date | None = None) -> None:
    """Queue a job from code: after the surrounding transaction commits, never before."""
    from .tasks import run_job_task

    iso = datum.isoformat() if datum else None
    transaction.on_commit(lambda: run_job_task.delay(name, iso))
