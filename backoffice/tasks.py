"""Celery tasks: thin. They parse the arguments and call the one code path in ``schedule``."""

from datetime import date

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

try:
    from redis.exceptions import ConnectionError as RedisConnectionError
except ImportError:  # pragma: no cover
    RedisConnectionError = ConnectionError

TRANSIENT = (OperationalError, ConnectionError, RedisConnectionError)


@shared_task(
    bind=True,
    name="backoffice.run_job",
    autoretry_for=TRANSIENT,
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def run_job_task(self, name: str, datum: str | None = None, taakrun: str | None = None) -> dict:
    """Run a scheduled job for ``datum`` (ISO date; beat leaves it out: today in Europe/Amsterdam).
    Retried only on transient errors; the job is idempotent, so a retry adds nothing twice.
    ``taakrun``: the uuid of the row a start from the web made (backoffice/views_taken.py); that
    start runs the job at most once per period (``per_periode``)."""
    from .models import Taakrun
    from .schedule import AlGedraaid, run_job

    if datum is None:
        # Fix the day on the first attempt, so a retry after midnight still runs for that day.
        datum = timezone.localdate().isoformat()
        self.request.args = (name, datum)
    if taakrun is not None:
        row = Taakrun.objects.get(uuid=taakrun)
        try:
            run = run_job(name, date.fromisoformat(datum), bron=row.bron, per_periode=True, taakrun=row)
        except AlGedraaid as exc:
            return {"taakrun": str(row.uuid), "status": "overgeslagen", "eerder": str(exc.run.uuid)}
    else:
        run = run_job(name, date.fromisoformat(datum), bron="celery")
    return {"taakrun": str(run.uuid), "status": run.status, "counts": run.counts}


@shared_task(
    name="backoffice.document_renderen",
    autoretry_for=TRANSIENT,
    retry_backoff=10,
    retry_backoff_max=300,
    max_retries=5,
)
def document_renderen_task(pk: int) -> str:
    """Render the PDF of document ``pk`` (``documenten.renderen``: idempotent, a retry adds nothing)."""
    from .documenten import renderen

    document = renderen(pk)
    return document.sha256 if document is not None else ""
