import pytest
import time_machine

from tests.declaraties.geld_helpers import moment

from .helpers import START, tweede_beslissers


@pytest.fixture
def clock():
    with time_machine.travel(moment(START), tick=False) as traveller:
        yield traveller


@pytest.fixture
def w(clock, world):
    """The world on Monday 2 March 2026 (budget year 2026), with a second person of each body."""
    tweede_beslissers(world)
    return world
