"""A lock that keeps two runs of one job apart, across processes and machines.

On PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) on the job's name. It
lives on the database connection, so when a worker dies the database releases it at once: no
stale lock after a crash or a restart in the middle of a run. Elsewhere (the SQLite default for
development) the Django cache: ``cache.add`` is atomic, on Redis across processes, in-process on
the local-memory cache; the timeout frees it if a process dies."""

from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection

CACHE_TIMEOUT = 6 * 3600


@contextmanager
def job_lock(name: str):
    """Yields True when this process holds the lock, False when another run holds it (no waiting)."""
    key = f"ips-loket:job:{name}"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [key])
            got = cursor.fetchone()[0]
        try:
            yield got
        finally:
            if got:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [key])
        return
    got = cache.add(key, "1", CACHE_TIMEOUT)
    try:
        yield got
    finally:
        if got:
            cache.delete(key)
