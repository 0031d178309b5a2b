"""python manage.py run_job <nightly|weekly|monthly|quarterly> [--date YYYY-MM-DD]: the same code
path as the scheduler (backoffice.schedule.run_job), for a chosen day."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from backoffice.schedule import JOBS, run_job


class Command(BaseCommand):
    help = "Draait een periodieke taak (nightly, weekly, monthly, quarterly) voor een dag, zoals de planner dat doet."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=JOBS)
        parser.add_argument("--date", dest="datum", help="JJJJ-MM-DD (standaard: vandaag)")

    def handle(self, *args, name, datum=None, **options):
        try:
            day = date.fromisoformat(datum) if datum else None
        except ValueError as exc:
            raise CommandError(f"--date moet JJJJ-MM-DD zijn, niet {datum!r}.") from exc
        run = run_job(name, day, bron="run_job")
        self.stdout.write(f"{run.taak} {run.datum}: {run.status}")
        for key, value in sorted(run.counts.items()):
            if value:
                self.stdout.write(f"  {key}: {value}")
        for fout in run.fouten:
            self.stderr.write(f"  fout in {fout['stap'] or 'taak'}: {fout['fout']}")
        if run.status == "mislukt":
            raise CommandError(f"Taak {name} voor {run.datum} is mislukt (zie hierboven en de taakrun).")
