"""Issue 13, point 3: the API, the pages and the jobs through a real PgBouncer (transaction pooling)
in front of a real primary, with a real streaming replica (tests/reliability/pair.py).

Read your writes: with the replica's replay paused (real lag), a user's own new application is in
the list they open next, while another user's list is served by the replica (and does not have it
yet); with the lag beyond the bound nobody reads the replica; with the replica stopped the pages and
the API still answer, from the primary. Jobs run through PgBouncer, and their lock still keeps a
second run out."""

import datetime as dt
import logging

import psycopg
import pytest
import time_machine
from django.core.management import call_command
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backoffice import db_routing
from backoffice.models import Taakrun
from backoffice.settings import database_config, replica_config
from tests.declaraties.geld_helpers import declare, moment, start_line
from tests.factories import client_as
from tests.trajecten.helpers import aanvraag, approved_traject

from . import pair as pairs

D = dt.date
DAY = D(2026, 3, 2)  # a Monday


@pytest.fixture(scope="session")
def pair():
    """A pair of this test process's own: the tests pause and stop its replica, so two xdist
    processes never share one (a few seconds each, tests/reliability/pair.py)."""
    own = pairs.start_for_tests()
    try:
        yield own
    finally:
        own.stop()


@pytest.fixture
def scaled(pair, django_db_blocker, settings):
    """DATABASES as in production behind PgBouncer with one replica: ``default`` through PgBouncer
    to the pair's primary, ``replica`` the pair's standby; this test's database a copy of the
    template, emptied afterwards. The machine's test database is untouched."""
    name = "ips_test"
    with pair.connect() as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            pair.database(name)
    settings.DATABASE_POOLER = "pgbouncer"
    settings.IPS_REPLICA_CHECK_SECONDS = 0  # every request sees the replica's state of now
    settings.IPS_REPLICA_MAX_LAG_SECONDS = 3600
    before = connections.settings
    _drop_connections(list(before))
    connections.settings = connections.configure_settings(
        {
            "default": database_config(pair.url("pgbouncer", name), pooler="pgbouncer"),
            "replica": replica_config(pair.url("replica", name), pooler="pgbouncer"),
        }
    )
    db_routing._health_cache.clear()
    try:
        with django_db_blocker.unblock():
            pair.wait_replayed()
            yield pair
            if not pair.replica_running():
                pair.start_replica()
            pair.resume_replay()
            from tests.conftest import _empty_tables

            assert _empty_tables(connections["default"])
    finally:
        _drop_connections(["default", "replica"])
        connections.settings = before
        db_routing._health_cache.clear()


def _drop_connections(aliases):
    for alias in aliases:
        connections[alias].close()
        del connections[alias]


@pytest.fixture
def clock():
    with time_machine.travel(moment(DAY), tick=False):
        yield


def _uuids(client, path="/api/v1/aanvragen") -> set[str]:
    response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return {row["uuid"] for row in response.json()["results"]}


def _streamed(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _replica_reads(func):
    """``func()`` and the queries it sent to the replica, without the replica's health checks."""
    with CaptureQueriesContext(connections["replica"]) as seen:
        result = func()
    return result, [q["sql"] for q in seen.captured_queries if "pg_is_in_recovery" not in q["sql"]]


def test_own_write_visible_at_once_while_the_replica_lags_or_stops(scaled, clock, settings, caplog):
    from tests.conftest import World

    world = World()
    provider, uwv = world.client(world.ggz_noord), world.client(world.uwv)
    old = aanvraag(world, regiebehandelaar="Dr. A. Eerder")["uuid"]
    scaled.wait_replayed()
    # UWV wrote nothing: its list may lag, so the replica serves it
    uuids, on_replica = _replica_reads(lambda: _uuids(uwv))
    assert uuids == {old} and on_replica
    # the werkmonitor's CSV too, also the rows read while the file streams (no server-side cursor)
    csv, on_replica = _replica_reads(lambda: _streamed(uwv.get("/api/v1/werkmonitor?formaat=csv&kwartaal=2026-Q1")))
    assert csv.startswith(b"kwartaal,perceel,") and any("WITH t AS" in q for q in on_replica), on_replica

    scaled.pause_replay()
    new = aanvraag(world, regiebehandelaar="Dr. B. Nieuw")["uuid"]  # POST /deelnemers, POST /aanvragen
    # the writer: the list and the detail they open next have it, from the primary
    uuids, on_replica = _replica_reads(lambda: _uuids(provider))
    assert uuids == {old, new} and not on_replica
    assert provider.get(f"/api/v1/aanvragen/{new}").json()["uuid"] == new
    # ... and so does the list page in the browser (the same user, another channel)
    page, on_replica = _replica_reads(lambda: client_as(world.ggz_noord).get(reverse("web-aanvragen")))
    assert page.status_code == 200 and new in page.content.decode() and not on_replica
    # someone else reads the replica, which really is behind (replay paused)
    uuids, on_replica = _replica_reads(lambda: _uuids(uwv))
    assert uuids == {old} and on_replica

    # behind by more than the bound: nobody reads the replica
    settings.IPS_REPLICA_MAX_LAG_SECONDS = 0
    uuids, on_replica = _replica_reads(lambda: _uuids(uwv))
    assert uuids == {old, new} and not on_replica

    settings.IPS_REPLICA_MAX_LAG_SECONDS = 3600
    scaled.resume_replay()
    scaled.wait_replayed()
    # replayed past the writer's own write: the writer's lists come from the replica again
    uuids, on_replica = _replica_reads(lambda: _uuids(provider))
    assert uuids == {old, new} and on_replica

    # the replica stops: the API and the pages still answer, from the primary; the log names no one
    scaled.stop_replica()
    with caplog.at_level(logging.WARNING, logger="backoffice.db_routing"):
        assert _uuids(uwv) == {old, new}
        assert client_as(world.ggz_noord).get("/").status_code == 200
    assert "replica replica overgeslagen, lezen van de primary: onbereikbaar" in caplog.text
    assert "uwv" not in caplog.text and "ggz" not in caplog.text and new not in caplog.text


def test_jobs_through_pgbouncer_with_their_lock(scaled):
    from declaraties.models import Betaalopdracht
    from tests.conftest import World

    with time_machine.travel(moment(DAY), tick=False):
        world = World()
        traject = approved_traject(world)
        declare(world.ggz_noord, "D-1", [start_line(traject, "R-1", DAY)])
        call_command("run_job", "weekly", "--date", DAY.isoformat())
    weekly = Taakrun.objects.get(taak="weekly", datum=DAY)
    assert weekly.status == "geslaagd", weekly.fouten
    assert Betaalopdracht.objects.get().prestaties.count() == 1  # the one granted line, to be paid

    # another run holds the lock (a transaction through PgBouncer): this run stays out
    later = DAY + dt.timedelta(days=7)
    with psycopg.connect(scaled.url("pgbouncer", connections["default"].settings_dict["NAME"])) as other:
        other.execute("SELECT pg_advisory_xact_lock(hashtext('ips-loket:job:weekly'))")
        with time_machine.travel(moment(later), tick=False):
            call_command("run_job", "weekly", "--date", later.isoformat())
        assert Taakrun.objects.get(taak="weekly", datum=later).status == "overgeslagen"
    with scaled.connect("primary") as conn:  # no lock left behind on any server connection
        assert not conn.execute("SELECT 1 FROM pg_locks WHERE locktype = 'advisory'").fetchone()
