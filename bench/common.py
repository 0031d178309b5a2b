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


def prepare_database(url: str | None, *, drop: bool) -> str:
    """For a fill: the bench database (created, or dropped first), migrated, with reference data."""
    url = use_database(url, drop=drop)
    print(f"bench-database: {url}", flush=True)
    from django.core.management import call_command

    with timed("migrate"):
        call_command("migrate", verbosity=0)
    with timed("load_reference_data"):
        call_command("load_reference_data", verbosity=0)
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


# --- a generic INSERT ... SELECT that fills every NOT NULL column ---------------------------------


def insert_select(model, values: dict, from_sql: str, params: list | None = None) -> int:
    """``INSERT INTO <model> (cols) SELECT <exprs> FROM ...``. ``values`` maps column names to SQL
    expressions (or ``(expression, params)``); ``params`` belong to ``from_sql``; every other NOT NULL column gets the field's default (so a field added later by a
    migration with a default does not break the bench); nullable ones stay NULL."""
    from django.db import connection

    columns, exprs, default_params = [], [], []
    for field in model._meta.concrete_fields:
        column = field.column
        if column in values:
            expr, expr_params = values[column] if isinstance(values[column], tuple) else (values[column], [])
            columns.append(column)
            exprs.append(expr)
            default_params.extend(expr_params)
        elif field.primary_key or field.null:
            continue
        elif getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            columns.append(column)
            exprs.append("now()")
        elif field.has_default() or field.empty_strings_allowed:
            columns.append(column)
            exprs.append("%s")
            default_params.append(field.get_db_prep_save(field.get_default(), connection))
        else:
            raise RuntimeError(f"{model.__name__}.{field.name}: geen waarde en geen standaard")
    unknown = set(values) - {f.column for f in model._meta.concrete_fields}
    if unknown:
        raise RuntimeError(f"{model.__name__}: onbekende kolommen {unknown}")
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(exprs)} {from_sql}"
    sql = sql.replace("%", "%%").replace("%%s", "%s")  # modulo operators beside the placeholders
    with connection.cursor() as cursor:
        cursor.execute(sql, default_params + list(params or []))
        return cursor.rowcount


# --- bulk loading without per-row index and foreign-key upkeep ---------------------------------


class Deferred:
    """Drop the secondary indexes, unique and foreign-key constraints of some tables, and put
    them back afterwards (one sorted build and one validation scan each, instead of upkeep for
    every row). Whatever the migrations defined is read from the catalogue and restored as is."""

    def __init__(self, models):
        self.tables = [m._meta.db_table for m in models]
        self.constraints: list[tuple[str, str, str]] = []
        self.indexes: list[str] = []

    def __enter__(self):
        from django.db import connection

        with connection.cursor() as cursor:
            # Deferred checks of rows written earlier in this transaction would block ALTER TABLE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table in self.tables:
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY contype DESC",
                    [table],
                )
                found = cursor.fetchall()
                cursor.execute(
                    "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                    "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                    [table],
                )
                indexes = cursor.fetchall()
                for name, definition, _kind in found:
                    self.constraints.append((table, name, definition))
                    cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                for name, definition in indexes:
                    self.indexes.append(definition)
                    cursor.execute(f"DROP INDEX {name}")
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            return False  # the transaction rolls the drops back
        from django.db import connection

        with connection.cursor() as cursor:
            for definition in self.indexes:
                cursor.execute(definition)
            # Unique constraints before the foreign keys (none of these references them, but keep
            # the catalogue's order of kinds).
            for table, name, definition in sorted(self.constraints, key=lambda c: "FOREIGN" in c[2]):
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        return False


def start_gunicorn(app: str, port: int, workers: int, env: dict, cwd):
    """gunicorn with ``workers`` sync workers on 127.0.0.1:``port`` (bench.load, bench.lijsten)."""
    import subprocess
    from pathlib import Path

    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            app,
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=cwd,
        env=env,
    )
