"""Shared by the benchmarks: pick the bench database before Django starts, create it if needed."""

import os
import sys
import time
from contextlib import contextmanager
from urllib.parse import urlparse

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ips_bench"


def use_database(url: str | None = None, *, create: bool = True, drop: bool = False) -> str:
    """Point Django at the bench database (``BENCH_DATABASE_URL``, else the default) and create it.
    Never the development or test database: the name must contain 'bench'."""
    url = url or os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not parsed.scheme.startswith("postgres") or "bench" not in name:
        sys.exit(f"De benchmark draait alleen op een PostgreSQL-database met 'bench' in de naam, niet {url}")
    if create or drop:
        import psycopg

        admin = parsed._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            if drop:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    return url


@contextmanager
def timed(label: str, results: dict | None = None):
    start = time.perf_counter()
    yield
    seconds = time.perf_counter() - start
    if results is not None:
        results[label] = seconds
    print(f"  {label:<48} {seconds:8.2f} s", flush=True)


class QueryCounter:
    """Counts the statements Django sends (connection.execute_wrapper): cheap even for big runs."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)
