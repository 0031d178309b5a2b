"""The embedded scheduler of ``make run``: runs the jobs of ``backoffice.celery`` ``beat_schedule``
on their schedule without a broker or a worker (``python manage.py taken_planner``).

One definition of the schedule (the crontabs of ``beat_schedule``), one code path
(``schedule.run_job``). Each job runs at most once per period: ``run_job(per_periode=True)`` checks,
holding the job's lock (a file lock without Redis, an advisory lock on PostgreSQL), that no run of
the period exists yet, so two schedulers, a restart or a start from the web never run it twice.

State: ``var/taken-planner.json`` keeps the moment the scheduler last looked. On a restart a due
moment that passed in between is run once if ``backoffice.celery.INHALEN`` says so for the job;
on the very first start nothing is caught up (the schedule starts from now). See docs/jobs.md."""

import json
import logging
import os
import threading
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from . import schedule

logger = logging.getLogger(__name__)

MAX_WACHT = 60  # seconds: look at least once a minute (a changed clock, a suspended laptop)


def jobs() -> list[str]:
    from .celery import app

    return [
        entry["args"][0]
        for entry in app.conf.beat_schedule.values()
        if entry["task"] == "backoffice.run_job" and entry.get("args")
    ]


def inhalen(name: str) -> bool:
    from .celery import INHALEN

    return INHALEN.get(name, False)


class Planner:
    def __init__(self, *, state_path=None, now: datetime | None = None):
        self.state_path = state_path or (settings.VAR_DIR / "taken-planner.json")
        start = now or timezone.now()
        vorige = self._read_state()
        # The moment up to which each job's due moments count as handled.
        self.gezien = {name: (vorige if vorige is not None and inhalen(name) else start) for name in jobs()}

    def _read_state(self) -> datetime | None:
        try:
            with open(self.state_path) as handle:
                return datetime.fromisoformat(json.load(handle)["gekeken"])
        except (OSError, ValueError, KeyError):
            return None

    def _write_state(self, now: datetime) -> None:
        tmp = f"{self.state_path}.{os.getpid()}"
        with open(tmp, "w") as handle:
            json.dump({"gekeken": now.isoformat()}, handle)
        os.replace(tmp, self.state_path)

    def tick(self, now: datetime | None = None) -> list:
        """Run every job that became due since it was last seen; returns the runs made."""
        now = now or timezone.now()
        runs = []
        for name in jobs():
            moment = schedule.vorig_moment(schedule.crontab_for(name), now)
            if moment <= self.gezien[name]:
                continue
            datum = timezone.localtime(moment).date()
            try:
                run = schedule.run_job(name, datum, bron="planner", per_periode=True)
            except schedule.AlGedraaid as exc:
                logger.info("Taak %s: draaide al voor %s, niet opnieuw", name, exc.run.datum)
            else:
                logger.info("Taak %s voor %s: %s %s", name, datum, run.status, run.counts)
                runs.append(run)
            self.gezien[name] = moment
        self._write_state(now)
        return runs

    def wachttijd(self, now: datetime | None = None) -> float:
        now = now or timezone.now()
        volgende = min(schedule.volgend_moment(schedule.crontab_for(name), now) for name in jobs())
        return max(1.0, min(MAX_WACHT, (volgende - now).total_seconds() + 1))

    def loop(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.tick()
            except Exception:  # a database away: log, try again at the next look
                logger.exception("De planner kon de taken niet nakijken")
            stop.wait(self.wachttijd())


def volgende_momenten(now: datetime | None = None) -> dict[str, datetime]:
    now = now or timezone.now()
    return {name: schedule.volgend_moment(schedule.crontab_for(name), now) for name in jobs()}


__all__ = ["Planner", "jobs", "volgende_momenten"]
