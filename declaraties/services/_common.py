"""What the money services share: the zero amount, the run lock and the net amount of lines."""

from django.db import connection

from ..jobs import netto_bedrag
from ..models import ZERO  # the one zero amount of the app (models.py)

__all__ = ["ZERO"]


def _advisory_lock(name: str) -> None:
    """Serialise one kind of money run across processes (PostgreSQL); SQLite has one writer anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])


_net_amount = netto_bedrag  # one definition, shared with the preview of the runs (declaraties.jobs)
