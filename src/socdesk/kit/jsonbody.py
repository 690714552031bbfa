"""JSON the server reads, held to what a store can hold before anything parses it recursively.

One rule for every JSON document a client sends — request bodies of every route and dialect,
JSON import files, free-form fields inside them:
- nested at most `SOCDESK_JSON_MAX_DEPTH` levels of arrays and objects (Python's parser and every
  walk over the value recurse, so a deep document would end in a RecursionError, a 500);
- every number finite (`NaN`, `Infinity` and literals like `1e400` that overflow are refused:
  JSON cannot carry them back, and stores would keep null), and every integer within 64 bits
  (what the stores' integer columns hold; longer literals would also hit Python's limit on
  integer digits).

The checks scan the raw bytes with regular expressions (no recursion, C speed); only a document
that holds a suspicious number is parsed a second time, to name each field that holds one.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from socdesk.kit.errors import ErrorDetail, ValidationFailed

DEFAULT_MAX_DEPTH = 64
DEPTH_SETTING = "SOCDESK_JSON_MAX_DEPTH"
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# The running app's SOCDESK_JSON_MAX_DEPTH, set for each request by kit.input_check, so JSON
# read deep inside a request (an import file, a JSON cell) follows the same setting.
current_max_depth: ContextVar[int] = ContextVar("json_max_depth", default=DEFAULT_MAX_DEPTH)

# A JSON string, escapes included (the unrolled form, so long strings are matched in C).
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS_ONLY = bytes.maketrans(b"[{]}", b"(())")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
# Outside strings, only these can be a number JSON cannot hold: the constants Python's parser
# accepts, exponents (1e400), and long digit runs (integers past 64 bits, 400-digit mantissas).
_SUSPICIOUS_NUMBER = re.compile(rb"NaN|Infinity|\d[eE]|\d{19}")


def depth_refusal(limit: int, where: str = "body") -> ValidationFailed:
    return ValidationFailed.for_field(
        where, f"JSON is nested deeper than {limit} levels of arrays and objects ({DEPTH_SETTING})"
    )


def _deeper_than(skeleton: bytes, limit: int) -> bool:
    """Whether brackets (`(` and `)` only, strings removed) nest deeper than `limit`.

    Each pass removes the innermost pairs, so valid JSON of depth d is empty after d passes. A
    run of more than `limit` openers is too deep however it ends; brackets that never pair are
    malformed JSON, which the parser refuses after recursing no deeper than twice the limit."""
    too_many_openers = b"(" * (limit + 1)
    for _ in range(limit):
        if not skeleton:
            return False
        if too_many_openers in skeleton:
            return True
        reduced = skeleton.replace(b"()", b"")
        if reduced == skeleton:
            return False
        skeleton = reduced
    # After `limit` passes, anything that still pairs (or a long run of openers) was deeper.
    return b"()" in skeleton or too_many_openers in skeleton


class _Refused:
    """A number the parser met that JSON or a store cannot hold; the walk names its field."""

    __slots__ = ("literal", "reason")

    def __init__(self, literal: str, reason: str) -> None:
        self.literal = literal
        self.reason = reason


def _float(literal: str) -> float | _Refused:
    number = float(literal)
    return number if math.isfinite(number) else _Refused(literal, "is too large for a number")


def _int(literal: str) -> int | _Refused:
    # Compare lengths first: int() of a huge literal is slow, and refused past 4300 digits.
    if len(literal.lstrip("-")) <= 19:
        number = int(literal)
        if INT64_MIN <= number <= INT64_MAX:
            return number
    return _Refused(literal, f"an integer must be within {INT64_MIN} and {INT64_MAX}")


def _constant(literal: str) -> _Refused:
    return _Refused(literal, "is not a finite number")


def _refused_numbers(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[ErrorDetail]:
    """Every refused number in `value`, with the field that holds it (depth is checked, so the
    recursion is bounded)."""
    if isinstance(value, _Refused):
        shown = value.literal if len(value.literal) <= 40 else value.literal[:20] + "…"
        field = ".".join(str(p) for p in path) or "body"
        yield ErrorDetail(field, f"{shown} {value.reason}", value=shown)
    elif type(value) is dict:
        for key, item in value.items():
            yield from _refused_numbers(item, (*path, key))
    elif type(value) is list:
        for index, item in enumerate(value):
            yield from _refused_numbers(item, (*path, index))


def json_problems(data: bytes, max_depth: int) -> list[ErrorDetail]:
    """What makes JSON `data` unfit to parse and store: its depth, or each unfit number. Empty
    when fine, and when `data` is not JSON at all (the parser says why)."""
    without_strings = _STRING.sub(b'""', data)
    skeleton = without_strings.translate(_BRACKETS_ONLY, _NOT_BRACKETS)
    if len(skeleton) > max_depth and _deeper_than(skeleton, max_depth):
        return depth_refusal(max_depth).details
    if not _SUSPICIOUS_NUMBER.search(without_strings):
        return []
    try:
        parsed = json.loads(data, parse_float=_float, parse_int=_int, parse_constant=_constant)
    except (ValueError, RecursionError):
        return []
    return list(_refused_numbers(parsed))


def loads(data: bytes | str, max_depth: int | None = None) -> Any:
    """`data` parsed, if it is JSON fit to store (nested at most `max_depth`, by default the
    request's setting); ValidationFailed naming each problem, and ValueError
    (json.JSONDecodeError, UnicodeDecodeError) for text that is not JSON."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    problems = json_problems(raw, current_max_depth.get() if max_depth is None else max_depth)
    if problems:
        raise refusal(problems)
    return json.loads(data)


def refusal(problems: list[ErrorDetail]) -> ValidationFailed:
    """The 400 for the problems `json_problems` found."""
    return ValidationFailed(_summary(problems), details=problems)


def _summary(problems: list[ErrorDetail]) -> str:
    shown = "; ".join(f"{p.field}: {p.message}" for p in problems[:5])
    more = f" and {len(problems) - 5} more" if len(problems) > 5 else ""
    return f"invalid JSON: {shown}{more}"
