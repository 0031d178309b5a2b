"""Shared test setup. On CI (CI=true) or with IPS_REQUIRE_SERVICES=1 the suite refuses to run
unless the database is PostgreSQL and Redis answers: those tests must never silently pass on
SQLite or without a cache."""

import os

import pytest
from django.conf import settings


def pytest_configure(config):
    # Every pytest-xdist worker gets its own cache keys: clearing them (below) must not touch the
    # other worker's keys, nor Celery's queues when the broker shares the Redis database.
    settings.CACHES["default"]["KEY_PREFIX"] = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
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


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttling and other cache use start clean in every test. On Redis only this worker's keys
    are deleted: ``cache.clear()`` would flush the whole database, including the broker's queues
    that a real Celery worker in another test is reading."""
    from django.core.cache import cache

    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()
    yield


class World:
    """A small, complete setting: the UWV scheme with an EPA and a CMD lot, a gemeente scheme
    with co-financing and a budget, two ggz providers and a ribw, and a user for every role."""

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
        for aanbieder, percelen in ((self.noord, [self.epa, self.cmd]), (self.zuid, [self.epa, self.cmd]), (self.ribw, [self.epa])):
            for perceel in percelen:
                f.RaamovereenkomstFactory(aanbieder=aanbieder, perceel=perceel)
            f.ModeltrouwmetingFactory(aanbieder=aanbieder)
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


@pytest.fixture
def world(db):
    return World()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Every test user gets a password; the production hasher (hundreds of thousands of PBKDF2
    rounds) made building the world take seconds per test. Login still checks real passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
