"""Parsing the time forms SecMaster clients send."""

from __future__ import annotations

import re
from datetime import UTC, datetime

# SecMaster writes local time followed by both `Z` and the real offset:
# 2023-04-18T13:00:00.000Z+0800 means 13:00 at +08:00.
_Z_THEN_OFFSET = re.compile(r"Z([+-]\d{2}:?\d{2})$")
_SHORT_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")


def parse_time(value: object) -> datetime:
    """An aware datetime from ISO 8601 with an offset or `Z`, or SecMaster's `...Z+0800` form.

    Times without an offset are refused: guessing a zone would silently shift them."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        text = _Z_THEN_OFFSET.sub(r"\1", value.strip())
        text = _SHORT_OFFSET.sub(r"\1:\2", text) if "T" in text else text
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                "not a time: use ISO 8601 with an offset, e.g. 2026-11-24T06:33:00.000Z"
            ) from None
    else:
        raise ValueError("must be a time string")
    if moment.tzinfo is None:
        raise ValueError("the time needs an offset or Z (e.g. 2026-11-24T06:33:00Z)")
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("the time is out of range") from None
