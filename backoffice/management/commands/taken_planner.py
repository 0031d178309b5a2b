"""python manage.py taken_planner: the embedded scheduler of ``make run`` (backoffice/planner.py).
Runs the jobs of the Celery schedule on time without a broker; stops on Ctrl+C or SIGTERM."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from backoffice.planner import Planner, volgende_momenten


class Command(BaseCommand):
    help = "Draait de periodieke taken op hun schema, zonder Celery-worker (de ingebouwde planner van make run)."

    def handle(self, *args, **options):
        if settings.CELERY_BROKER_URL:
            self.stderr.write("Let op: er is een broker ingesteld; normaal plant Celery beat de taken daar.")
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        planner = Planner()
        for name, moment in volgende_momenten().items():
            self.stdout.write(f"  taak {name:<9} volgende keer {timezone.localtime(moment):%d-%m-%Y %H:%M}")
        self.stdout.flush()
        planner.loop(stop)
        self.stdout.write("Planner gestopt.")
