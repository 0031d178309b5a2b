"""The wiring of the scheduled jobs: which steps of which app make up each job, and the one code
path that runs a job, whether Celery beat queued it or someone typed ``run_job``.

A job is a list of steps; a step is ``(name, callable(datum) -> dict[str, int])``. Each step runs
in its own transaction; its counts go into the job's ``Taakrun``. A step that breaks is recorded
in ``fouten`` and the other steps still run; a transient error (the database or the broker away)
is re-raised after recording, so that the Celery task retries the whole (idempotent) job.
See docs/jobs.md."""

import logging
from collections.abc import Callable
from datetime import date

from django.db import OperationalError, transaction
from django.utils import timezone

from declaraties import jobs as declaraties_jobs
from declaraties import services as declaraties_services
from financiering import jobs as financiering_jobs
from trajecten import jobs as trajecten_jobs
from trajecten import verwerkingen as traject_verwerkingen
from trajecten import werkmonitor

from . import verwerkingslog
from .history import taakrun_context
from .locks import job_lock
from .models import Instellingen, Taakrun
from .notificaties import digests_send
from .signalering import signalen_bijwerken

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, ConnectionError)
try:  # redis-py's ConnectionError is not the builtin one
    from redis.exceptions import ConnectionError as RedisConnectionError

    TRANSIENT = (*TRANSIENT, RedisConnectionError)
except ImportError:  # pragma: no cover
    pass

Step = tuple[str, Callable[[date], dict[str, int]]]


class NietBeschikbaar(Exception):
    """A step whose code is not there yet: recorded honestly as an error, never as a success."""


def _signalen(datum: date) -> list[Step]:
    """One step per kind of signal, in a fixed order."""
    instellingen = Instellingen.get()
    oorzaken = [
        *trajecten_jobs.signaal_oorzaken(datum=datum, instellingen=instellingen),
        *financiering_jobs.signaal_oorzaken(datum=datum, instellingen=instellingen),
        *declaraties_jobs.signaal_oorzaken(datum=datum, instellingen=instellingen),
    ]
    return [
        (
            f"signalen.{o.soort}",
            lambda d, o=o: {f"signalen.{o.soort}.{k}": v for k, v in signalen_bijwerken(o, datum=d).items()},
        )
        for o in oorzaken
    ]


def _werkmonitor_export(datum: date) -> dict[str, int]:
    """The work monitor of the last complete quarter before ``datum`` (run on 1 Jan/Apr/Jul/Oct),
    and its trajectories' participants in the processing log (one INSERT ... SELECT)."""
    kwartaal = werkmonitor.vorig_kwartaal(datum)
    counts = werkmonitor.werkmonitor_export(kwartaal=kwartaal)
    rows = werkmonitor._alle_trajecten(werkmonitor.parse_kwartaal(kwartaal))
    counts["werkmonitor.verwerkingslog"] = traject_verwerkingen.monitor_vastleggen(
        rows, user=None, kanaal="job", handeling="exporteren", route="taak quarterly: werkmonitor"
    )
    return counts


# The quarterly work-monitor export (issue 4, item 4; trajecten.werkmonitor).
WERKMONITOR: Callable[[date], dict[str, int]] | None = _werkmonitor_export


def _werkmonitor(datum: date) -> dict[str, int]:
    if WERKMONITOR is None:
        raise NietBeschikbaar("De werkmonitor-export is nog niet beschikbaar (issue 4, punt 4).")
    return WERKMONITOR(datum)


def steps_for(name: str, datum: date) -> list[Step]:
    if name == "nightly":
        return [
            # Expiry first, so that the signals see today's states.
            ("trajecten_expire", lambda d: trajecten_jobs.trajecten_expire(datum=d)),
            *_signalen(datum),
            ("notificaties", lambda d: digests_send(datum=d)),
            # Last: a participant anonymised today no longer appears in today's digest anyway.
            ("bewaartermijn", lambda d: declaraties_jobs.bewaartermijn_toepassen(datum=d)),
        ]
    if name == "weekly":
        return [("betaalopdrachten", lambda d: declaraties_services.betaalopdrachten_aanmaken(datum=d))]
    if name == "monthly":
        return [
            ("vorderingen", lambda d: declaraties_services.vorderingen_aanmaken(datum=d)),
            ("vorderingen_herinneren", lambda d: declaraties_services.vorderingen_herinneren(datum=d)),
            # The processing log's own retention (docs/privacy.md, "Verwerkingslog").
            ("verwerkingslog_opschonen", lambda d: verwerkingslog.verwerkingen_opschonen(datum=d)),
        ]
    if name == "quarterly":
        return [("werkmonitor", _werkmonitor)]
    raise ValueError(f"Onbekende taak: {name}")


JOBS = ("nightly", "weekly", "monthly", "quarterly")

# The purpose of a step that reads a participant's data (the processing log); else signalering.
STAP_DOELEN = (
    ("werkmonitor", "monitoring"),
    ("betaalopdrachten", "betalen"),
    ("vorderingen", "betalen"),
    ("verwerkingslog", "toezicht"),
    ("bewaar", "bewaartermijn"),
)


def _stap_doel(step: str) -> str:
    return next((doel for deel, doel in STAP_DOELEN if deel in step), "signalering")


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
        Taakrun.objects.filter(taak=name, status="bezig").update(status="afgebroken", klaar=timezone.now())
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
        run.status = "mislukt" if fouten else "geslaagd"
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
