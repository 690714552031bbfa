"""The one place SOCdesk reads the wall clock, always in UTC."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def format_time(moment: datetime) -> str:
    """The one form SOCdesk writes times in: UTC, milliseconds, `Z` (2026-11-24T06:33:00.000Z)."""
    # isoformat pads the year to four digits, which strftime("%Y") does not on Linux.
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"
