"""The data of the job reliability tests: trajectories, granted start lines, e-mail addresses."""

import datetime as dt

import pytest
import time_machine
from django.db import connection

from tests.declaraties.geld_helpers import declare, moment, start_line
from tests.trajecten.helpers import approved_traject

from . import workers

D = dt.date


@pytest.fixture
def data(transactional_db):
    """Four trajectories (two co-financed by Amsterdam, one by Utrecht, one UWV), their start lines
    declared and granted on 2 March 2026; e-mail addresses so the nightly run sends digests."""
    if connection.vendor != "postgresql":
        pytest.fail("Deze test vraagt PostgreSQL en Redis (DATABASE_URL, REDIS_URL).")
    from tests.conftest import World
    from tests.factories import budget

    with time_machine.travel(moment(D(2026, 3, 2)), tick=False):
        world = World()
        for user in (world.uwv, world.uwv_fin, world.gem_amsterdam, world.gem_utrecht, world.ggz_noord):
            user.email = f"{user.username}@example.nl"
            user.save(update_fields=["email"])
        budget(world.utrecht, world.gem_regeling)
        ams = [approved_traject(world, perceel="demo-gem-epa") for _ in range(2)]
        utr = approved_traject(world, perceel="demo-gem-epa", gemeente="0344", gemeente_user=world.gem_utrecht)
        uwv = approved_traject(world)
        declare(
            world.ggz_noord, "D-1", [start_line(t, f"R-{i}", D(2026, 3, 2)) for i, t in enumerate([*ams, utr, uwv])]
        )
    return world


@pytest.fixture(autouse=True)
def _broker_clean():
    """After each test: its workers stopped, its queues, bindings and unacked keys gone from Redis
    (the session-end check in tests/leftovers.py fails the run on anything left)."""
    yield
    while workers.started:
        worker = workers.started.pop()
        worker.stop()
        workers.forget_broker_keys(worker.queue, worker_names=[worker.name], keys=worker.broker_keys)
