"""Public identifiers that a large table can index cheaply."""

import os
import time
import uuid


def uuid7() -> uuid.UUID:
    """A UUID version 7 (RFC 9562): 48 bits of Unix time in milliseconds, then 74 random bits.

    A random uuid4 lands on a random leaf of the unique index: inserting the 10,000 lines of one
    declaration then reads and dirties thousands of pages of an index of 10 million lines
    (docs/performance.md, "Issue 13"). Values made at about the same time sort next to each other,
    so they go to the right edge of the index, like a sequence. The 74 random bits keep them
    unguessable and unique; the time in them is the moment of creation."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10))
    rand_a, rand_b = (rand >> 62) & 0xFFF, rand & ((1 << 62) - 1)
    return uuid.UUID(int=(ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b)
