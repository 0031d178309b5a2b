"""What a job leaves behind, comparable between two runs on the same data: rows of the result
tables without ids, uuids and timestamps, and the export files. ``clean_run`` runs a job in this
process inside a transaction that is rolled back: the result of a run without faults."""

import datetime as dt
import re
from pathlib import Path

from django.db import models, transaction
from openpyxl import load_workbook

from backoffice.models import Notificatie, Signaal
from backoffice.schedule import run_job
from declaraties.models import Betaalopdracht, Prestatie, Vordering, VorderingRegel
from financiering.models import Budget, Budgetmutatie
from trajecten.models import Aanvraag, Traject

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
        if field.name == "history_taak":  # names the job run, which differs between two runs
            value = re.sub(r", run \d+\)", ")", value)
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
        (
            n.user.username,
            n.datum.isoformat(),
            tuple(sorted(str(s.soort) + str(s.object_uuid) for s in n.signalen.all())),
        )
        for n in Notificatie.objects.all()
    )
    return result


def export_files(directory: Path) -> dict[str, object]:
    files = {}
    for path in sorted(directory.glob("werkmonitor-*")):
        if path.suffix == ".xlsx":
            workbook = load_workbook(path, read_only=True)
            files[path.name] = {
                ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in workbook.worksheets
            }
            workbook.close()
        else:
            files[path.name] = path.read_bytes()
    return files


def clean_run(jobs: list[tuple[str, D]], export_dir: Path, settings) -> tuple[dict, dict]:
    """The jobs in this process, undone afterwards: what runs without faults leave behind."""
    settings.IPS_EXPORT_DIR = str(export_dir)
    try:
        with transaction.atomic():
            for job, datum in jobs:
                run = run_job(job, datum, bron="test")
                assert run.status == "geslaagd", run.fouten
            state = snapshot()
            raise _Rollback
    except _Rollback:
        pass
    return state, export_files(export_dir)
