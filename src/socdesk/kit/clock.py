"""Time: the one place SOCdesk reads the wall clock (always UTC), the one form it writes times
in, and the forms of time it reads from clients (SecMaster's, ISO 8601, cursors).
"""

import re
from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def format_time(moment: datetime) -> str:
    """The one form SOCdesk writes times in: UTC, milliseconds, `Z` (2026-11-24T06:33:00.000Z)."""
    # isoformat pads the year to four digits, which strftime("%Y") does not on Linux.
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


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
        text = value.strip()
        # Both rewrites need the text to end with an offset's digits: one ending with `Z`
        # (SOCdesk's own form, most times a client sends) is left as it is.
        if not text.endswith("Z"):
            text = _Z_THEN_OFFSET.sub(r"\1", text)
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
