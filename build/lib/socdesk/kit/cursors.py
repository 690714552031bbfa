"""Opaque page cursors: the last row's keyset values, as URL-safe base64 of a JSON list."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from socdesk.kit.errors import ValidationFailed


def encode_cursor(*parts: str | int) -> str:
    text = json.dumps(list(parts), separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(text: str, length: int) -> list[Any]:
    """The `length` parts of a cursor this API gave out; 400 naming `cursor` otherwise."""
    try:
        parts = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        parts = None
    if not isinstance(parts, list) or len(parts) != length:
        raise bad_cursor(text)
    return parts


def bad_cursor(text: str) -> ValidationFailed:
    return ValidationFailed.for_field("cursor", "is not a cursor this listing gave out", text[:100])


def cursor_time(value: Any) -> datetime:
    """A cursor's time, in UTC. ValueError unless it is ISO 8601 text with an offset."""
    if not isinstance(value, str):
        raise ValueError("not a time")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("no offset")
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range") from None


def cursor_uuid(value: Any) -> uuid.UUID:
    if not isinstance(value, str):
        raise ValueError("not an id")
    return uuid.UUID(value)


def cursor_int(value: Any, lowest: int, highest: int) -> int:
    if type(value) is not int or not lowest <= value <= highest:
        raise ValueError("not a whole number in range")
    return value
