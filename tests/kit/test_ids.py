"""Ids made in bulk: random ones, and ascending version 7 ones for bulk writes."""

from __future__ import annotations

import uuid

import pytest

from socdesk.kit.ids import new_uuids, time_ordered_halves, time_ordered_uuids


def test_random_ids_are_version_4_and_distinct() -> None:
    ids = new_uuids(1000)

    assert {i.version for i in ids} == {4}
    assert len(set(ids)) == 1000


def test_time_ordered_ids_are_version_7_ascending_and_distinct() -> None:
    first = time_ordered_uuids(2000)
    later = time_ordered_uuids(10)

    assert {i.version for i in first + later} == {7}
    assert {i.variant for i in first} == {uuid.RFC_4122}
    assert first == sorted(first)
    assert len(set(first)) == 2000
    # The leading 48 bits are the time in milliseconds: a later call does not go back.
    assert later[0].int >> 80 >= first[-1].int >> 80


def test_halves_made_into_ids_the_way_the_database_does_ascend_as_version_7() -> None:
    high, low = time_ordered_halves(5000)

    def made(n: int) -> uuid.UUID:  # lpad(to_hex(high), 16, '0') || to_hex(low + n)
        return uuid.UUID(f"{high % 2**64:016x}{(low + n) % 2**64:016x}")

    ids = [made(n) for n in range(1, 5001)]
    # Bigints: the sum stays one, and stays in the variant's range (never wraps).
    assert -(2**63) <= low
    assert low + 5000 < 0
    assert ids == sorted(ids)
    assert {i.version for i in ids} == {7}
    assert {i.variant for i in ids} == {uuid.RFC_4122}


@pytest.mark.parametrize("count", [0, 1 << 40])
def test_halves_refuse_a_count_they_cannot_hold(count: int) -> None:
    with pytest.raises(ValueError, match="count out of range"):
        time_ordered_halves(count)
