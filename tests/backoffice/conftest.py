"""Fixtures of the job, signal and notification tests: a clock that starts before the world is
built (so the world's dates are those of START), and the world with e-mail addresses."""

import pytest
import time_machine

from .jobs_helpers import START, noon


@pytest.fixture
def clock():
    with time_machine.travel(noon(START), tick=False) as traveller:
        yield traveller


@pytest.fixture
def wereld(clock, world):
    for user in (world.uwv, world.uwv_fin, world.gem_amsterdam, world.gem_utrecht, world.ggz_noord, world.ggz_zuid):
        user.email = f"{user.username}@example.nl"
        user.save(update_fields=["email"])
    return world
