"""A lock that keeps two runs of one job apart, across processes and machines.

On PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) on the job's name. It
lives on the database connection, so when a worker dies the database releases it at once: no
stale lock after a crash or a restart in the middle of a run. Behind PgBouncer in transaction
pooling (``DATABASE_POOLER=pgbouncer``) a session-level lock is not safe (taking and releasing it may
land on two server connections, and one left behind would hold it for good): there the lock is a
transaction-level one (``pg_try_advisory_xact_lock``) in a transaction held open on a connection of
its own for the run; PgBouncer keeps that transaction on one server connection, and when the
worker dies the transaction ends and the lock with it. Elsewhere with Redis the Django cache: ``cache.add`` is atomic across processes; the timeout frees it if a process dies. Without
Redis (the SQLite default of ``make run``: the web server and the embedded scheduler are two
processes) an exclusive ``flock`` on a file in ``var/locks/``: the kernel releases it when the
process ends, however it ends."""

import fcntl
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import connection

CACHE_TIMEOUT = 6 * 3600


@contextmanager
def job_lock(name: str):
    """Yields True when this process holds the lock, False when another run holds it (no waiting)."""
    key = f"ips-loket:job:{name}"
    if connection.vendor == "postgresql" and settings.DATABASE_POOLER:
        with _xact_lock(key) as got:
            yield got
        return
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
    if not settings.REDIS_URL:
        with _file_lock(name) as got:
            yield got
        return
    got = cache.add(key, "1", CACHE_TIMEOUT)
    try:
        yield got
    finally:
        if got:
            cache.delete(key)


@contextmanager
def _xact_lock(key: str):
    raw = connection.get_new_connection(connection.get_connection_params())  # not autocommit: a transaction
    try:
        (got,) = raw.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [key]).fetchone()
        yield got
    finally:
        raw.close()  # the transaction rolls back, the lock goes with it


@contextmanager
def _file_lock(name: str):
    folder = settings.VAR_DIR / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"job-{name}.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
