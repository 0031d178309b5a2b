"""A migrated template for the test databases (docs/testing.md).

Migrating an empty database costs 12-15 s of Python (Django renders the model states of 85
migrations), and every xdist process did it for its own test database. Instead the first process
that needs it migrates one database, ``test_<name>_tpl_<hash>``, and every test database is a copy
of it (``CREATE DATABASE ... TEMPLATE``, a fraction of a second; pytest-django's ``migrate`` then
finds nothing to do). The hash covers every migration file of every installed app and the Django
version, so a new migration (or a changed one) builds a new template and the old one is dropped.
The template stays between runs like ``--reuse-db``'s databases; it holds no rows but what
``migrate`` writes (``django_migrations``, content types, permissions).

Only on PostgreSQL and with ``DATABASE_URL`` set (scripts/test.sh); otherwise nothing changes.
``python -m tests.testdb`` builds it ahead (scripts/test.sh does that while ruff and pip-audit run).
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]


def _digest() -> str:
    import django
    from django.apps import apps

    h = hashlib.sha256(django.get_version().encode())
    for config in apps.get_app_configs():
        h.update(config.label.encode())
        folder = Path(config.path) / "migrations"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else ():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def template_name() -> str | None:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"] or not os.environ.get("DATABASE_URL"):
        return None
    return f"test_{db['NAME']}_tpl_{_digest()}"


def _admin_connection():
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
        connect_timeout=10,
    )


def ensure_template() -> str | None:
    """The template's name, migrated now if it does not exist yet; None where it does not apply.
    Processes that ask at once wait for each other (an advisory lock): one migrates."""
    name = template_name()
    if name is None:
        return None
    from psycopg import sql

    prefix = name.rsplit("_", 1)[0] + "_"
    with _admin_connection() as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", [prefix])
        try:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                return name
            building = name + "_bouw"
            for (old,) in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix.replace("_", r"\_") + "%"]
            ).fetchall():
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(old)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
            url = urlsplit(os.environ["DATABASE_URL"])
            env = {**os.environ, "DATABASE_URL": urlunsplit(url._replace(path="/" + building))}
            result = subprocess.run(
                [sys.executable, str(ROOT / "manage.py"), "migrate", "-v0", "--no-input"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            if result.returncode:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(building)))
                raise RuntimeError(f"migrate voor de testsjabloon mislukte:\n{result.stdout}\n{result.stderr}")
            conn.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(building), sql.Identifier(name))
            )
            return name
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", [prefix])


def use_template() -> None:
    """Point the test database's creation at the template (built first when missing)."""
    from django.conf import settings

    name = ensure_template()
    if name:
        settings.DATABASES["default"].setdefault("TEST", {})["TEMPLATE"] = name


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    import django

    django.setup()
    print(f"==> testsjabloon {ensure_template() or '(niet van toepassing)'}")
