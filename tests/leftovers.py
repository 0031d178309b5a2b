"""The session-end check (docs/testing.md): a test run leaves nothing behind in Redis or PostgreSQL.

``snapshot()`` at the start of the run (in the xdist controller, or the single process) notes the
Redis keys and the PostgreSQL databases there are; ``problems()`` at its end names every test
key (the cache's ``test-*`` prefix, Celery's and kombu's keys, the ``ips-test-*`` queues) and
every database named after this run's database that was not there before (a shared server has
other people's), apart from the test databases pytest-django keeps on purpose with
``--reuse-db``. The root conftest fails the run on any."""

import re

from django.conf import settings

TEST_KEYS = re.compile(rb"^(test-[^:]+:|_kombu\.|unacked|ips-test-|celery($|\x06)|.*ips-test-)")


def _redis():
    import redis

    url = settings.CELERY_BROKER_URL or settings.REDIS_URL
    return redis.Redis.from_url(url, socket_connect_timeout=3) if url else None


def _databases() -> set[str] | None:
    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        return None
    import psycopg

    with psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        connect_timeout=5,
    ) as conn:
        return {name for (name,) in conn.execute("SELECT datname FROM pg_database")}


def snapshot() -> dict:
    client = _redis()
    return {
        "keys": set(client.scan_iter(count=1000)) if client else set(),
        "databases": _databases(),
        "database": settings.DATABASES["default"]["NAME"],
    }


def problems(before: dict) -> list[str]:
    found = []
    client = _redis()
    if client:
        keys = sorted(k for k in set(client.scan_iter(count=1000)) - before["keys"] if TEST_KEYS.match(k))
        if keys:
            shown = ", ".join(k.decode(errors="replace") for k in keys[:20])
            found.append(f"{len(keys)} Redis-sleutels bleven achter: {shown}{' ...' if len(keys) > 20 else ''}")
    if before["databases"] is not None:
        # Only names made from this run's database: a shared server has other people's too.
        own = before["database"]
        # --reuse-db keeps these on purpose, and the migrated template of tests/testdb.py
        kept = re.compile(rf"^test_{re.escape(own)}(_gw\d+|_tpl_[0-9a-f]{{12}})?$")
        extra = sorted(d for d in _databases() - before["databases"] if own in d and not kept.match(d))
        if extra:
            found.append(f"PostgreSQL-databases bleven achter: {', '.join(extra)}")
    return found
