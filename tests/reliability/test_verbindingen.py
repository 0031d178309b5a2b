"""Issue 9, finding 8: with the default ``DB_CONN_MAX_AGE`` the development server held 98
PostgreSQL connections under 20 parallel requests (``runserver`` starts a thread per request and
each thread kept its connection). Now the default is 0: a real ``runserver`` on loopback against
PostgreSQL, 20 parallel requests that each read the database, and afterwards no connection of the
server is left in ``pg_stat_activity``. The same run with ``DB_CONN_MAX_AGE=60`` shows the leak,
so the test can tell the two apart."""

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client

from backoffice import roles
from tests.factories import make_user

from .workers import ROOT

pytestmark = [pytest.mark.django_db(transaction=True)]

PARALLEL = 20
APP_NAME = "ips-test-runserver"  # libpq's PGAPPNAME: tells the server's connections from any other


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db.get("USER") or "postgres"
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _server_connections() -> int:
    """The runserver's connections to the test database (by application name, so that a process of
    another test that is still closing does not count)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            [APP_NAME],
        )
        return cursor.fetchone()[0]


def _run(max_age: str | None, cookie: str) -> tuple[list[int], int]:
    """Start runserver (threaded, as ``make run`` does), fire PARALLEL requests at once, count the
    server's connections while it still runs; then stop it."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DB_CONN_MAX_AGE"}
    env |= {
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL or "",
        "DJANGO_DEBUG": "false",
        "PGAPPNAME": APP_NAME,
    }
    if max_age is not None:
        env["DB_CONN_MAX_AGE"] = max_age
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90  # a busy machine starts Django slowly
        while True:
            try:
                requests.get(f"{base}/inloggen", timeout=5)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)

        def one(_):
            return requests.get(f"{base}/berichten/", cookies={"sessionid": cookie}, timeout=60).status_code

        with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
            statuses = list(pool.map(one, range(PARALLEL)))
        # A connection closed at the end of a request leaves pg_stat_activity within milliseconds;
        # on a busy machine give it a few seconds. A kept one stays as long as the server runs.
        deadline = time.monotonic() + (10 if max_age is None else 0)
        while _server_connections() and time.monotonic() < deadline:
            time.sleep(0.2)
        return statuses, _server_connections()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_runserver_keeps_no_connection_per_thread_by_default():
    if connection.vendor != "postgresql":
        pytest.fail("Deze test vraagt PostgreSQL (DATABASE_URL).")
    user = make_user(roles.AANBIEDER, username="drukte")
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"].value

    statuses, left = _run(None, cookie)
    assert statuses == [200] * PARALLEL, statuses  # every request read the session and the messages
    assert left == 0, f"{left} verbindingen bleven open"

    # The old default: request threads leave their connections behind (how many are still there
    # when counted depends on when the finished threads' connections are collected: 8 to 20 of 20).
    statuses, left = _run("60", cookie)
    assert statuses == [200] * PARALLEL, statuses
    assert left > 0, left
