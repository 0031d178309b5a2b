"""backoffice.ids.uuid7: the public id of a declaration line, ordered by the moment it was made."""

import uuid
from datetime import UTC, datetime

import time_machine

from backoffice.ids import uuid7


def test_uuid7_is_a_version_7_uuid_that_sorts_by_its_moment():
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        eerder = [uuid7() for _ in range(500)]
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, 0, 1000, tzinfo=UTC), tick=False):
        later = uuid7()
    assert {(u.version, u.variant) for u in eerder} == {(7, uuid.RFC_4122)}
    assert len(set(eerder)) == 500  # the random bits keep ids made in the same millisecond apart
    assert max(eerder) < later  # one millisecond later sorts after all of them
    assert eerder[0].int >> 80 == int(datetime(2026, 3, 1, 9, 0, tzinfo=UTC).timestamp() * 1000)
