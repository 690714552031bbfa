"""Base classes for request and response bodies."""

from __future__ import annotations

import json
import math
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, field_validator

from socdesk.kit.jsonbody import DIGITS_AS_ZERO, LONG_DIGIT_RUN

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# Deepest offset a listing pages to (the stores' 32-bit integers; far past any real workspace).
MAX_OFFSET = 2**31 - 1
# Longest text a client may send into a query (a search value, a filter, a query parameter)
# where the parameter sets no shorter limit: longer than any searchable column holds, and far
# below SQLite's 50,000-byte limit on LIKE patterns.
MAX_QUERY_TEXT = 1024


def is_storable(text: str) -> bool:
    """Whether a store can hold `text`: no NUL character (PostgreSQL refuses them) and no lone
    UTF-16 surrogate (UTF-8 cannot encode one). The one rule of text, for every check of it."""
    if "\x00" in text:
        return False
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_text(value: Any) -> None:
    """Refuse values no store can hold, wherever they hide in nested values: text that is not
    `is_storable`, numbers that are not finite, integers past 64 bits. (JSON bodies are held to
    the same number rule before they are parsed, kit/jsonbody.py; this covers every other
    source.)"""
    if type(value) is float:
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
    elif type(value) is int:
        if not INT64_MIN <= value <= INT64_MAX:
            raise ValueError(f"an integer must be within {INT64_MIN} and {INT64_MAX}")
    elif type(value) is str:
        if not is_storable(value):
            raise ValueError(
                "text must not contain NUL characters"
                if "\x00" in value
                else "text is not valid Unicode (lone surrogate)"
            )
    elif type(value) in (dict, list) and _plainly_storable(value):
        return
    elif type(value) is dict:
        for key, item in value.items():
            _check_text(key)
            _check_text(item)
    elif type(value) is list:
        for item in value:
            _check_text(item)


def _plainly_storable(value: dict[Any, Any] | list[Any]) -> bool:
    """Whether a nested value certainly passes `_check_text`, found by C code alone: its JSON
    (which refuses non-finite numbers) holds no NUL escape and no long digit run, and encodes
    as UTF-8 (no lone surrogate). A value of 10,000 objects is checked without walking it; one
    that may fail is walked, so the refusal names what fails."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, check_circular=False)
        encoded = text.encode("utf-8")
    except (ValueError, TypeError, UnicodeEncodeError, RecursionError):
        return False
    # A long digit run may be an integer past 64 bits (or just digits in a text): walk to tell.
    # Found as a run of zeros once every digit is written as one: a byte table and a substring
    # search, both C code, where a regex over 3 MB of JSON took ten times as long.
    return b"\\u0000" not in encoded and LONG_DIGIT_RUN not in encoded.translate(DIGITS_AS_ZERO)


def unstorable(value: Any) -> str | None:
    """Why no store can hold `value` (any JSON value: text, numbers, nested ones), or None when
    one can: the rule `RequestBody` holds every declared field to, for values beside them."""
    try:
        _check_text(value)
    except ValueError as error:
        return str(error)
    return None


def storable(value: str) -> str:
    """`value`, if a store can hold it (for query parameters; bodies check every field)."""
    _check_text(value)
    return value


# Text a client sends into a query: storable, and at most MAX_QUERY_TEXT characters (a
# parameter may set a shorter limit with Query(max_length=...)).
QueryText = Annotated[str, StringConstraints(max_length=MAX_QUERY_TEXT), AfterValidator(storable)]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("needs some text, not only white space")
    return value


# Text that must say something; kept as sent (white space inside and around included).
NotBlank = AfterValidator(_not_blank)


class RequestBody(BaseModel):
    """Client input: unknown fields are an error, so typos never pass silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    @field_validator("*", mode="after")
    @classmethod
    def storable_text(cls, value: Any) -> Any:
        _check_text(value)
        return value


class ResponseBody(BaseModel):
    model_config = ConfigDict(from_attributes=True)
