"""Shared test setup. On CI (CI=true) or with IPS_REQUIRE_SERVICES=1 the suite refuses to run
unless the database is PostgreSQL and Redis answers: those tests must never silently pass on
SQLite or without a cache.

The world (docs/testing.md): ``World`` is built once for a run of tests of one module that read it
at the same clock, in a transaction around their own (see ``_SharedWorld``), and every test gets
its own copy of the instances. Tests with ``transaction=True`` (live server, real workers) get a
world of their own, committed, as before."""

import copy
import datetime
import os
import time
import unittest

import pytest
import time_machine
from django.conf import settings

from tests import leftovers


def pytest_configure(config):
    # Every pytest-xdist worker gets its own cache keys: clearing them (below) must not touch the
    # other worker's keys, nor Celery's queues when the broker shares the Redis database.
    settings.CACHES["default"]["KEY_PREFIX"] = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    # Generated documents: no PDF after each of the suite's thousands of decisions (75 ms each);
    # a test that reads one renders it (docs/documenten.md), tests/backoffice/test_documenten.py
    # switches the task back on.
    settings.IPS_DOCUMENT_RENDEREN = "uit"
    # The werkbak's kept SQL (backoffice/querycache.py) is compared with a fresh compile each time
    # it is used: a key that misses an input fails the test that shows it.
    settings.IPS_QUERYCACHE_CONTROLE = True
    _install_fast_flush()
    # demo_data: the accounts only; the demo world (150 cases) is built in tests/test_demo.py alone.
    settings.IPS_DEMO_WERELD = False
    if os.environ.get("CI") == "true" or os.environ.get("IPS_REQUIRE_SERVICES") == "1":
        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            raise pytest.UsageError(f"Tests vragen PostgreSQL (DATABASE_URL), niet {engine}.")
        if not settings.REDIS_URL:
            raise pytest.UsageError("Tests vragen Redis (REDIS_URL).")
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
        except redis.RedisError as exc:
            raise pytest.UsageError(f"Redis is niet bereikbaar op {settings.REDIS_URL}: {exc}") from exc


def _install_fast_flush():
    """After a transactional test (live server, real workers) Django empties the database with
    ``flush``: one TRUNCATE of all 84 tables (PostgreSQL makes new files for every table and index:
    1-3 s a test) and then ``post_migrate`` (the content types and permissions again). Such a test
    leaves rows in a handful of tables; ``_empty_tables`` deletes those only, in one transaction,
    and leaves the content types and permissions (the rows ``post_migrate`` would make again, with
    the same ids). Same end state, a tenth of the time (docs/testing.md). Not on SQLite, not for
    ``serialized_rollback`` or ``available_apps``; any database error falls back to ``flush``, and
    ``IPS_TEST_FLUSH=django`` switches it off (to compare)."""
    from django.test import TransactionTestCase

    if getattr(TransactionTestCase, "_ips_fast_flush", False) or os.environ.get("IPS_TEST_FLUSH") == "django":
        return
    original = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        from django.db import connections

        if self.available_apps is not None or self.serialized_rollback:
            return original(self)
        names = self._databases_names(include_mirrors=False)
        if not all(connections[name].vendor == "postgresql" for name in names):
            return original(self)
        for name in names:
            if not _empty_tables(connections[name]):
                call_flush(name)

    def call_flush(name):
        from django.core.management import call_command

        call_command("flush", verbosity=0, interactive=False, database=name, reset_sequences=False)

    TransactionTestCase._fixture_teardown = _fixture_teardown
    TransactionTestCase._ips_fast_flush = True


_KEEP = ("django_content_type", "auth_permission")  # post_migrate's rows


def _empty_tables(connection) -> bool:
    """Delete every row of every non-empty table but the content types and permissions; False
    when that could not be done (the caller flushes instead)."""
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import DatabaseError, transaction

    tables = getattr(connection, "_ips_tables", None)
    if tables is None:
        tables = connection._ips_tables = sorted(
            connection.introspection.django_table_names(only_existing=True, include_views=False)
        )
    qn = connection.ops.quote_name
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(
                " UNION ALL ".join(f"SELECT {i} WHERE EXISTS (SELECT 1 FROM {qn(t)})" for i, t in enumerate(tables))
            )
            full = [tables[i] for (i,) in cursor.fetchall()]
            dirty = [t for t in full if t not in _KEEP]
            if dirty:
                # the processing log refuses DELETE except for its own clean-up (backoffice 0012);
                # foreign keys are DEFERRABLE INITIALLY DEFERRED, so the order does not matter
                cursor.execute(
                    "SET LOCAL ips.verwerkingslog_opschonen = 'aan'; "
                    + " ".join(f"DELETE FROM {qn(t)};" for t in dirty)
                )
    except DatabaseError:
        return False
    if not all(t in full for t in _KEEP):
        emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    return True


def pytest_sessionstart(session):
    # the xdist controller, or the only process; IPS_LEFTOVER_CHECK=0 switches it off (a Celery
    # worker of your own on the same Redis database would be reported)
    if not hasattr(session.config, "workerinput") and os.environ.get("IPS_LEFTOVER_CHECK") != "0":
        try:
            session.config.stash[_LEFTOVERS] = leftovers.snapshot()
        except Exception as exc:  # no Redis or PostgreSQL: pytest_configure refuses the run on CI
            print(f"(geen controle op achtergelaten sleutels en databases: {exc})")


def pytest_sessionfinish(session, exitstatus):
    before = session.config.stash.get(_LEFTOVERS, None)
    if before is None:
        return
    found = leftovers.problems(before)
    if found:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.ensure_newline()
        for line in found:
            (reporter.write_line if reporter else print)(f"ACHTERGELATEN / LEFT BEHIND: {line}")
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


_LEFTOVERS = pytest.StashKey[dict]()


def _delete_own_cache_keys():
    from django.core.cache import cache

    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttling and other cache use start clean in every test, and leave nothing behind. On
    Redis only this worker's keys are deleted: ``cache.clear()`` would flush the whole database,
    including the broker's queues that a real Celery worker in another test is reading."""
    _delete_own_cache_keys()
    yield
    _delete_own_cache_keys()


class World:
    """A small, complete setting: the UWV scheme with an EPA and a CMD lot, a gemeente scheme
    with co-financing and a budget, two ggz providers and a ribw, and a user for every role.

    ``World()`` builds it in the database now; the ``world`` fixture and ``shared_world()`` give
    a copy of one built once per module (same rows, same primary keys, fresh instances)."""

    def __init__(self):
        from backoffice import roles
        from tests import factories as f

        self.f = f
        self.amsterdam = f.GemeenteFactory(code="0363", naam="Amsterdam", provincie="Noord-Holland")
        self.utrecht = f.GemeenteFactory(code="0344", naam="Utrecht", provincie="Utrecht")
        self.uwv_regeling = f.RegelingFactory(code="uwv-ips", naam="Inkoopkader IPS")
        self.epa = f.PerceelFactory(regeling=self.uwv_regeling, code="uwv-ips-epa")
        self.cmd = f.PerceelFactory(regeling=self.uwv_regeling, code="uwv-ips-cmd", cmd=True)
        self.gem_regeling = f.RegelingFactory(
            code="demo-gem", gemeente=True, cofinanciering_aandeel="0.50", max_per_gemeente=5
        )
        self.gem_epa = f.PerceelFactory(regeling=self.gem_regeling, code="demo-gem-epa")
        self.gem_cmd = f.PerceelFactory(regeling=self.gem_regeling, code="demo-gem-cmd", cmd=True)
        self.budget_amsterdam = f.budget(self.amsterdam, self.gem_regeling)
        self.noord = f.AanbiederFactory(naam="GGZ Noord")
        self.zuid = f.AanbiederFactory(naam="GGZ Zuid")
        self.ribw = f.AanbiederFactory(naam="RIBW Oost", type="ribw")
        self.metingen = []
        for aanbieder, percelen in (
            (self.noord, [self.epa, self.cmd]),
            (self.zuid, [self.epa, self.cmd]),
            (self.ribw, [self.epa]),
        ):
            for perceel in percelen:
                f.RaamovereenkomstFactory(aanbieder=aanbieder, perceel=perceel)
            self.metingen.append(f.ModeltrouwmetingFactory(aanbieder=aanbieder))
        self.begeleider_noord = f.TrajectbegeleiderFactory(aanbieder=self.noord)
        self.uwv = f.make_user(roles.UWV_BEOORDELAAR, username="uwv")
        self.uwv_fin = f.make_user(roles.UWV_FINANCIEEL, username="uwv-financieel")
        self.gem_amsterdam = f.make_user(roles.GEMEENTE, gemeenten=[self.amsterdam], username="gemeente-amsterdam")
        self.gem_utrecht = f.make_user(roles.GEMEENTE, gemeenten=[self.utrecht], username="gemeente-utrecht")
        self.ggz_noord = f.make_user(roles.AANBIEDER, aanbieder=self.noord, username="ggz-noord")
        self.ggz_zuid = f.make_user(roles.AANBIEDER, aanbieder=self.zuid, username="ggz-zuid")
        self.ribw_oost = f.make_user(roles.AANBIEDER, aanbieder=self.ribw, username="ribw-oost")
        self.auditor = f.make_user(roles.AUDITOR, username="auditor")
        self.beheer = f.make_user(roles.BEHEERDER, username="beheer")

    def client(self, user):
        from rest_framework.test import APIClient

        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    def copy(self) -> "World":
        """The same rows as fresh instances (like Django's ``setUpTestData``): a test that changes
        ``world.uwv`` in memory changes nothing for the next test."""
        from django.db.models import Model

        clone = object.__new__(World)
        memo = {}
        for name, value in self.__dict__.items():
            if isinstance(value, Model | list):
                value = copy.deepcopy(value, memo)
            clone.__dict__[name] = value
        return clone

    def redate(self, today: datetime.date) -> None:
        """Move the two facts of the world that follow from the day it was built (the fidelity
        audits 60 days back, the budget's year) to ``today``; inside the test's transaction."""
        from financiering.models import Budget, Modeltrouwmeting

        datum = today - datetime.timedelta(days=60)
        Modeltrouwmeting.objects.filter(pk__in=[m.pk for m in self.metingen]).update(datum=datum)
        for meting in self.metingen:
            meting.datum = datum
        Budget.objects.filter(pk=self.budget_amsterdam.pk).update(jaar=today.year)
        self.budget_amsterdam.jaar = today.year


class _SharedWorld:
    """One ``World`` at a time, built in a transaction of its own on the test database and rolled
    back when it is no longer wanted; each test's own transaction (pytest-django's ``db``) is a
    savepoint inside it, so a test's changes vanish and the world stays.

    Before each test (``pytest_runtest_setup``) the wanted world is decided: one is open only for a
    test that uses ``world``, is not transactional, and whose module has already asked for a world
    (the module's first test builds its own, which records the clock the module builds it at: the
    frozen moment, or today on a real clock). A world is built at that clock, so its dates are
    exactly those a test-built world would have. A test that freezes another day than its
    module's world gets the world moved to that day (``World.redate``)."""

    def __init__(self):
        self.blocker = None  # set once the test database exists
        self.atomic = None
        self.key = None
        self.world = None
        self.built_on = None
        self.item = None
        self.module_keys: dict = {}
        self.stats = {"gebouwd": 0, "gedeeld": 0, "verzet": 0, "eigen": 0}

    @staticmethod
    def clock_key():
        from django.utils import timezone

        stack = time_machine.traveller_stack
        if stack and not stack[-1]._tick:
            return ("frozen", time.time_ns())
        return ("real", timezone.localdate())

    @staticmethod
    def transactional(item) -> bool:
        from pytest_django.fixtures import validate_django_db

        marker = item.get_closest_marker("django_db")
        if marker:
            transaction, reset_sequences, *_ = validate_django_db(marker)
            if transaction or reset_sequences:
                return True
        names = set(getattr(item, "fixturenames", ()))
        if names & {"transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}:
            return True
        cls = getattr(item, "cls", None)
        return cls is not None and issubclass(cls, unittest.TestCase)

    def wanted(self, item):
        if self.blocker is None or "world" not in getattr(item, "fixturenames", ()) or self.transactional(item):
            return None
        return self.module_keys.get(item.path)

    def before(self, item):
        self.item = item
        key = self.wanted(item)
        if key != self.key:
            self.close()
            if key is not None:
                self.open(key)

    def open(self, key):
        from django.db import transaction
        from django.test import override_settings
        from django.utils import timezone

        with self.blocker.unblock():
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            try:
                with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                    if key[0] == "frozen":
                        moment = datetime.datetime.fromtimestamp(key[1] / 1e9, tz=datetime.UTC)
                        with time_machine.travel(moment, tick=False):
                            self.world = World()
                            self.built_on = timezone.localdate()
                    else:
                        self.world = World()
                        self.built_on = timezone.localdate()
            except BaseException:
                self.close()
                raise
        self.key = key
        self.stats["gebouwd"] += 1

    def close(self):
        if self.atomic is None:
            return
        from django.db import connection, transaction

        atomic, self.atomic, self.key, self.world = self.atomic, None, None, None
        with self.blocker.unblock():
            try:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
            except Exception:
                connection.close()  # a test broke the connection: the transaction is gone with it

    def get(self) -> World:
        key = self.clock_key()
        item = self.item
        if item is None or self.transactional(item):
            self.stats["eigen"] += 1
            return World()
        self.module_keys.setdefault(item.path, key)
        if self.world is None:
            self.stats["eigen"] += 1
            return World()
        world = self.world.copy()
        if key == self.key:
            self.stats["gedeeld"] += 1
            return world
        from django.utils import timezone

        if timezone.localdate() != self.built_on:
            world.redate(timezone.localdate())
        self.stats["verzet"] += 1
        return world


_shared = _SharedWorld()


def shared_world() -> World:
    """The world for the running test: a copy of the module's shared world when there is one
    (same clock: exact; another day: moved there), else a new ``World()``. A module's own
    ``world`` fixture calls this under its clock instead of ``World()``."""
    return _shared.get()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item):
    _shared.before(item)
    return (yield)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Test databases are copies of one migrated template (tests/testdb.py): each xdist process
    migrated its own before, 12-15 s each."""
    from tests.testdb import use_template

    use_template()


@pytest.fixture(scope="session")
def _world_database(django_db_setup, django_db_blocker):
    _shared.blocker = django_db_blocker
    yield
    _shared.close()
    _shared.blocker = None


@pytest.fixture(autouse=True)
def _world_registry(request):
    """Tests that use a world tell ``_shared`` that the test database exists (so the next test of
    the module can share one)."""
    if "world" in request.fixturenames and _shared.blocker is None:
        request.getfixturevalue("_world_database")


@pytest.fixture
def world(db):
    return shared_world()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Every test user gets a password; the production hasher (hundreds of thousands of PBKDF2
    rounds) made building the world take seconds per test. Login still checks real passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_terminal_summary(terminalreporter):
    if _shared.stats["gebouwd"] or _shared.stats["eigen"]:
        s = _shared.stats
        terminalreporter.write_line(
            f"wereld: {s['gebouwd']} keer gedeeld gebouwd, {s['gedeeld']} kopieën, {s['verzet']} verzet, "
            f"{s['eigen']} eigen"
        )
