"""Parsing ids that arrive in paths and headers, with a 400 naming the field when they are bad."""

from __future__ import annotations

import os
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
