"""The quarterly export: the last complete quarter's monitor for all trajectories, anonymised as UWV
receives it, written to ``IPS_EXPORT_DIR``; and the quarterly job's step that runs it and logs the
participants read (registered in ``trajecten/apps.py``)."""

import os
import uuid
from datetime import date
from pathlib import Path

from django.conf import settings

from backoffice.registry import NietBeschikbaar

from .. import verwerkingen
from .bestanden import _group_columns, bestandsnaam, iter_csv, write_xlsx
from .kwartaal import parse_kwartaal, vorig_kwartaal
from .rows import _alle_trajecten
from .uitvoer import _uitvoer


def export_dir() -> Path:
    """``settings.IPS_EXPORT_DIR``, else the environment's ``IPS_EXPORT_DIR``, else var/exports."""
    configured = getattr(settings, "IPS_EXPORT_DIR", None) or os.environ.get("IPS_EXPORT_DIR")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "exports"


def werkmonitor_export(*, kwartaal: str) -> dict:
    """Write the quarter's monitor for all trajectories to ``settings.IPS_EXPORT_DIR``, anonymised
    as UWV receives it (rows without quasi-identifiers and small cells, small groups suppressed):
    ``werkmonitor-<kwartaal>-trajecten.csv``, ``...-totalen.csv`` and ``werkmonitor-<kwartaal>.xlsx``.
    Idempotent: a rerun replaces the files (written aside, then renamed). Returns counts (ints
    only, so they fit a Taakrun's counts); the files are named by ``bestandsnaam``."""
    q = parse_kwartaal(kwartaal)
    directory = export_dir()
    directory.mkdir(parents=True, exist_ok=True)
    uitvoer = _uitvoer(_alle_trajecten(q), q, volledig=False)
    group_rows = uitvoer.groepen()

    written = []
    n_rijen = 0

    def _replace(name: str, write) -> None:
        final = directory / name
        tmp = directory / f".{name}.{uuid.uuid4().hex}.tmp"
        try:
            write(tmp)
            os.replace(tmp, final)
        finally:
            if tmp.exists():
                tmp.unlink()
        written.append(str(final))

    def counted():
        nonlocal n_rijen
        for record in uitvoer.records(chunk_size=5000):
            n_rijen += 1
            yield record

    def write_trajecten_csv(path):
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.writelines(iter_csv(counted(), uitvoer.kolommen, uitvoer.opmerkingen))

    def write_totalen_csv(path):
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.writelines(iter_csv(group_rows, _group_columns(), uitvoer.opmerkingen))

    _replace(bestandsnaam(q, "trajecten", "csv"), write_trajecten_csv)
    _replace(bestandsnaam(q, "totalen", "csv"), write_totalen_csv)
    _replace(bestandsnaam(q, "", "xlsx"), lambda path: write_xlsx(path, uitvoer))
    return {
        "werkmonitor.trajecten": uitvoer.aantal,
        "werkmonitor.rijen": n_rijen,
        "werkmonitor.rijen_weggelaten": uitvoer.aantal - n_rijen,
        "werkmonitor.groepen": len(group_rows),
        "werkmonitor.groepen_onderdrukt": sum(1 for r in group_rows if r["onderdrukt"]),
        "werkmonitor.bestanden": len(written),
    }


def _werkmonitor_export(datum: date) -> dict[str, int]:
    """The work monitor of the last complete quarter before ``datum`` (run on 1 Jan/Apr/Jul/Oct),
    and its trajectories' participants in the processing log (one INSERT ... SELECT)."""
    kwartaal = vorig_kwartaal(datum)
    counts = werkmonitor_export(kwartaal=kwartaal)
    rows = _alle_trajecten(parse_kwartaal(kwartaal))
    counts["werkmonitor.verwerkingslog"] = verwerkingen.monitor_vastleggen(
        rows, user=None, kanaal="job", handeling="exporteren", route="taak quarterly: werkmonitor"
    )
    return counts


# The quarterly work-monitor export (issue 4, item 4); None: the step says it is not there yet.
WERKMONITOR = _werkmonitor_export


def werkmonitor_stap(datum: date) -> dict[str, int]:
    if WERKMONITOR is None:
        raise NietBeschikbaar("De werkmonitor-export is nog niet beschikbaar (issue 4, punt 4).")
    return WERKMONITOR(datum)
