"""The Celery app and the schedule, defined in code (Europe/Amsterdam, CELERY_TIMEZONE).

Tasks are thin: ``backoffice.run_job`` (backoffice/tasks.py) calls the one code path in
``backoffice.schedule``; ``python manage.py run_job`` calls the same. Beat leaves the date out:
the task fixes it to the day in Europe/Amsterdam at its first attempt."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")

app = Celery("backoffice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

RUN_JOB = "backoffice.run_job"


@setup_logging.connect
def _logging(loglevel=None, **kwargs):
    """The worker and beat log through settings.LOGGING, whose every handler masks BSN-like
    numbers, instead of Celery's own root handler (which would not). ``-l`` still sets the level."""
    import logging
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)


app.conf.beat_schedule = {
    # Every night at 02:00: expiry, signals and the e-mail digests.
    "nightly": {"task": RUN_JOB, "schedule": crontab(hour=2, minute=0), "args": ("nightly",)},
    # Monday 03:00: payment orders from accepted declaration lines.
    "weekly": {"task": RUN_JOB, "schedule": crontab(hour=3, minute=0, day_of_week="mon"), "args": ("weekly",)},
    # The 1st of the month 04:00: co-financing claims for the previous month, reminders.
    "monthly": {"task": RUN_JOB, "schedule": crontab(hour=4, minute=0, day_of_month="1"), "args": ("monthly",)},
    # 1 January, April, July and October 05:00: the work monitor of the quarter that ended.
    "quarterly": {
        "task": RUN_JOB,
        "schedule": crontab(hour=5, minute=0, day_of_month="1", month_of_year="1,4,7,10"),
        "args": ("quarterly",),
    },
}

# Catching up (the embedded scheduler of `make run`, backoffice/planner.py): whether a due moment
# that passed while the scheduler was stopped is run once when it starts again. Celery beat with a
# broker keeps its own state (celerybeat-schedule) and is not affected. The nightly job is not
# caught up (the next night does the same work); the payment run, the claims and the quarterly
# export are: a period must not go without them.
INHALEN = {"nightly": False, "weekly": True, "monthly": True, "quarterly": True}
