"""Shared by the job, signal and notification tests: run a job on a day with the calendar moved
there (the ``clock`` and ``wereld`` fixtures are in conftest.py)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.management import call_command

from backoffice.models import Signaal, Taakrun

AMS = ZoneInfo("Europe/Amsterdam")
START = dt.date(2026, 1, 5)  # a Monday


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 12, 0, tzinfo=AMS)


def run(clock, job: str, day: dt.date) -> Taakrun:
    clock.move_to(noon(day))
    call_command("run_job", job, "--date", day.isoformat())
    return Taakrun.objects.filter(taak=job, datum=day).order_by("-id").first()


def open_signalen(**filters) -> set[tuple[str, str]]:
    return {(s.soort, str(s.object_uuid)) for s in Signaal.objects.filter(afgehandeld=False, **filters)}
