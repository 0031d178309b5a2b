"""Shared test setup. On CI (CI=true) or with IPS_REQUIRE_SERVICES=1 the suite refuses to run
unless the database is PostgreSQL and Redis answers: those tests must never silently pass on
SQLite or without a cache."""

import os

import pytest
from django.conf import settings


def pytest_configure(config):
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
    """Throttling and other cache use start clean in every test (the cache may be a real Redis)."""
    from django.core.cache import cache

    cache.clear()
    yield
