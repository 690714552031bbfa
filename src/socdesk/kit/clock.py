"""The one place SOCdesk reads the wall clock, always in UTC."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
