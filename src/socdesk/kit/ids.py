"""Parsing ids that arrive in paths and headers, with a 400 naming the field when they are bad."""

from __future__ import annotations

import os
import time
import uuid

from socdesk.kit.errors import ValidationFailed


def parse_uuid(value: str, field: str) -> uuid.UUID:
    """A UUID written with or without dashes (SecMaster writes project ids as 32 hex digits)."""
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        raise ValidationFailed.for_field(field, "not a valid id", value) from None


def hex_id(value: uuid.UUID) -> str:
    """The 32-hex-digit form SecMaster uses for project ids."""
    return value.hex


def new_uuids(count: int) -> list[uuid.UUID]:
    """`count` random (version 4) UUIDs, as `uuid.uuid4()` makes them but with the randomness
    drawn in one call: bulk writes make one per row, and a system call each costs more than
    the UUID itself."""
    block = os.urandom(16 * count)
    return [uuid.UUID(bytes=block[i : i + 16], version=4) for i in range(0, 16 * count, 16)]


_RAND_B = (1 << 62) - 1


def time_ordered_uuids(count: int) -> list[uuid.UUID]:
    """`count` version 7 UUIDs (RFC 9562): the Unix time in milliseconds, then 64 random bits
    (the last 10 of the 74 the format has are left zero), ascending. Rows written in bulk with
    them land at the end of every index that holds the id (the primary key, the sort indexes
    that end with it) rather than at random places in it: PostgreSQL stores 100,000 imported
    incidents in about half the time (docs/benchmarks.md, issue 12)."""
    high = (time.time_ns() // 1_000_000) << 80 | 0x7 << 76 | 0x2 << 62
    randoms = sorted(memoryview(os.urandom(8 * count)).cast("Q"))
    return [uuid.UUID(int=high | (r >> 52) << 64 | (r << 10 & _RAND_B)) for r in randoms]


def time_ordered_halves(count: int) -> tuple[int, int]:
    """The two 64-bit halves (as signed integers, as PostgreSQL's bigint holds them) of a
    version 7 UUID such that adding 1 … `count` to the second half gives `count` ascending
    version 7 UUIDs: for ids the database makes itself (`lpad(to_hex(high), 16, '0') ||
    to_hex(low + n)`), in the layout of `time_ordered_uuids`."""
    if not 0 < count < 1 << 40:
        raise ValueError("count out of range")
    draw = int.from_bytes(os.urandom(10), "big")
    high = (time.time_ns() // 1_000_000) << 16 | 0x7 << 12 | draw & 0xFFF
    # Variant bits 10, then random bits with room to add `count` without touching them.
    low = 0x2 << 62 | (draw >> 12) & ((1 << 61) - 1)
    return high, low - (1 << 64)
