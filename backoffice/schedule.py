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
from datetime import date, datetime, time, timedelta

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


# --- The schedule's periods ---------------------------------------------------------------------
# One definition: ``backoffice.celery`` ``beat_schedule`` (crontabs). A job's *period* runs from
# one due moment of its crontab to the next; the run of a period is the one whose ``datum`` lies
# in it. The embedded scheduler (backoffice/planner.py) and a start from the web run a job at most
# once per period (``per_periode=True``); Celery beat and ``manage.py run_job`` are unchanged.


class AlGedraaid(Exception):
    """The job already ran (or is running) in this period: ``run`` is that run."""

    def __init__(self, run: Taakrun):
        super().__init__(f"Taak {run.taak} draaide al voor {run.datum:%d-%m-%Y}.")
        self.run = run


def crontab_for(name: str):
    from .celery import app

    for entry in app.conf.beat_schedule.values():
        if entry["task"] == "backoffice.run_job" and tuple(entry.get("args", ())) == (name,):
            return entry["schedule"]
    raise ValueError(f"Taak {name} staat niet in het schema (backoffice/celery.py).")


def _matches_day(schedule, day: date) -> bool:
    # Celery's day_of_week counts from Sunday = 0.
    return (
        day.month in schedule.month_of_year
        and day.day in schedule.day_of_month
        and day.isoweekday() % 7 in schedule.day_of_week
    )


def _moments(schedule, day: date) -> list[datetime]:
    tz = timezone.get_default_timezone()
    return [
        datetime.combine(day, time(h, m), tzinfo=tz) for h in sorted(schedule.hour) for m in sorted(schedule.minute)
    ]


def vorig_moment(schedule, now: datetime) -> datetime:
    """The last due moment of ``schedule`` (a crontab) at or before ``now``."""
    now = timezone.localtime(now)
    for back in range(0, 400):
        day = now.date() - timedelta(days=back)
        if _matches_day(schedule, day):
            moments = [m for m in _moments(schedule, day) if m <= now]
            if moments:
                return moments[-1]
    raise ValueError("Geen moment in het schema in het afgelopen jaar.")


def volgend_moment(schedule, now: datetime) -> datetime:
    """The first due moment of ``schedule`` after ``now``."""
    now = timezone.localtime(now)
    for ahead in range(0, 400):
        day = now.date() + timedelta(days=ahead)
        if _matches_day(schedule, day):
            moments = [m for m in _moments(schedule, day) if m > now]
            if moments:
                return moments[0]
    raise ValueError("Geen moment in het schema in het komende jaar.")


def periode(name: str, datum: date) -> tuple[date, date]:
    """The first and last day of the period of job ``name`` that ``datum`` falls in: from the
    last due day at or before ``datum`` to the day before the next one."""
    schedule = crontab_for(name)
    eind_van_dag = timezone.make_aware(datetime.combine(datum, time.max))
    start = vorig_moment(schedule, eind_van_dag).date()
    volgende = volgend_moment(schedule, eind_van_dag).date()
    return start, volgende - timedelta(days=1)


# What counts as "ran in the period": done or still busy. Skipped and cut-off runs did nothing;
# a failed run may be run again (every step is idempotent: a rerun adds only what is missing).
TELT_ALS_GEDRAAID = ("bezig", "geslaagd")


def run_in_periode(name: str, datum: date, *, behalve: int | None = None) -> Taakrun | None:
    start, eind = periode(name, datum)
    runs = Taakrun.objects.filter(taak=name, datum__range=(start, eind), status__in=TELT_ALS_GEDRAAID)
    if behalve is not None:
        runs = runs.exclude(pk=behalve)
    return runs.order_by("-gestart", "-id").first()


def run_job(
    name: str,
    datum: date | None = None,
    *,
    bron: str = "",
    per_periode: bool = False,
    taakrun: Taakrun | None = None,
) -> Taakrun:
    """Run job ``name`` for ``datum`` (default: today in Europe/Amsterdam) and record it.

    ``per_periode``: refuse (``AlGedraaid``) when the job already ran in the period of ``datum``,
    checked while holding the job's lock, so two schedulers or a scheduler and the web never both
    run it. ``taakrun``: a row made beforehand (status ``bezig``: a start from the web that shows
    its page at once), which this run fills in instead of making a new one."""
    if name not in JOBS:
        raise ValueError(f"Onbekende taak: {name} (kies uit {', '.join(JOBS)})")
    datum = datum or timezone.localdate()
    eigen = taakrun.pk if taakrun is not None else None
    with job_lock(name) as got:
        if not got:
            now = timezone.now()
            melding = [{"stap": "", "fout": "Een andere run van deze taak was nog bezig."}]
            if taakrun is not None:
                taakrun.status, taakrun.klaar, taakrun.fouten = "overgeslagen", now, melding
                taakrun.save(update_fields=["status", "klaar", "fouten"])
                return taakrun
            return Taakrun.objects.create(
                taak=name, datum=datum, gestart=now, klaar=now, status="overgeslagen", bron=bron, fouten=melding
            )
        # Holding the lock proves that no other run is busy: a run left 'bezig' was cut off.
        Taakrun.objects.filter(taak=name, status__in=TAAKRUN.van("afbreken")).exclude(pk=eigen).update(
            status=TAAKRUN.volgende("afbreken", "bezig"), klaar=timezone.now()
        )
        if per_periode:
            eerder = run_in_periode(name, datum, behalve=eigen)
            if eerder is not None:
                if taakrun is not None:
                    taakrun.status, taakrun.klaar = "overgeslagen", timezone.now()
                    taakrun.fouten = [{"stap": "", "fout": f"Deze taak draaide al voor {eerder.datum:%d-%m-%Y}."}]
                    taakrun.save(update_fields=["status", "klaar", "fouten"])
                raise AlGedraaid(eerder)
        if taakrun is not None:
            run = taakrun
            run.gestart = timezone.now()
            run.save(update_fields=["gestart"])
        else:
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
