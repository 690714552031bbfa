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
from contextvars import ContextVar
from typing import Any

from socdesk.kit.errors import ErrorDetail, ValidationFailed

DEFAULT_MAX_DEPTH = 64
DEPTH_SETTING = "SOCDESK_JSON_MAX_DEPTH"
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# The running app's SOCDESK_JSON_MAX_DEPTH, set for each request by kit.input_check, so JSON
# read deep inside a request (an import file, a JSON cell) follows the same setting.
current_max_depth: ContextVar[int] = ContextVar("json_max_depth", default=DEFAULT_MAX_DEPTH)

# Outside strings, only these can be a number JSON cannot hold: the constants Python's parser
# accepts, exponents of three digits or more (1e400), and long digit runs (integers past 64
# bits, 400-digit mantissas). Anything else is certainly fine. Searched as plain substrings
# once digits read as 0 and E as e (a regular expression tries each position: far slower).
DIGITS_AS_ZERO = bytes.maketrans(b"123456789E", b"000000000e")
# 19 digits may be an integer past 64 bits (kit/schemas.py looks for the same run).
LONG_DIGIT_RUN = b"0" * 19
_SUSPICIOUS = (b"NaN", b"Infinity", b"e000", b"e+000", LONG_DIGIT_RUN)
# A string once its escapes are gone; an unterminated one runs to the end of the document.
_STRING = re.compile(rb'"[^"]*(?:"|\Z)')
_BRACKETS_ONLY = bytes.maketrans(b"[{]}", b"(())")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
# Most problems one refusal lists.
MAX_LISTED = 100


def _outside_strings(data: bytes) -> bytes:
    """`data` without its strings' contents, in linear time whatever the input. Escapes go
    first: removing `\\\\` pairs left to right pairs backslashes as JSON does, after which a
    quote preceded by a backslash is an escaped one."""
    unescaped = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    return _STRING.sub(b'""', unescaped)


def depth_refusal(limit: int, where: str = "body") -> ValidationFailed:
    return ValidationFailed.for_field(
        where, f"JSON is nested deeper than {limit} levels of arrays and objects ({DEPTH_SETTING})"
    )


_RUNS = re.compile(rb"\(+|\)+")
# Below this many runs of brackets, walking them in Python is cheaper than another pass.
_FEW_RUNS = 200_000


def _peak(skeleton: bytes) -> int:
    """The deepest nesting of `skeleton`, walked run by run."""
    balance = peak = 0
    for run in _RUNS.finditer(skeleton):
        length = run.end() - run.start()
        balance += length if skeleton[run.start()] == 0x28 else -length
        peak = max(peak, balance)
    return peak


def _deeper_than(skeleton: bytes, limit: int) -> bool:
    """Whether brackets (`(` and `)` only, strings removed) nest deeper than `limit`.

    Each pass removes the innermost pairs — every peak of the nesting — so it lowers the
    depth by exactly one; once few peaks are left, the rest is walked run by run. More than
    `limit` openers in a row are too deep however they end; brackets that never pair are
    malformed JSON, which the parser refuses after recursing no deeper than twice the limit.
    Passes are linear scans in C, at most `limit` of them."""
    if b"(" * (limit + 1) in skeleton:
        return True
    for done in range(limit + 1):
        if not skeleton:
            return False
        reduced = skeleton.replace(b"()", b"")
        peaks = (len(skeleton) - len(reduced)) // 2
        if peaks == 0:  # nothing pairs any more: malformed
            return b"(" * (limit + 1) in skeleton
        if peaks * 2 < _FEW_RUNS:
            return done + 1 + _peak(reduced) > limit
        skeleton = reduced
    return True


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


def _refused_numbers(value: Any) -> list[ErrorDetail]:
    """The refused numbers in `value` (up to MAX_LISTED), each with the field that holds it."""
    found: list[ErrorDetail] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack and len(found) < MAX_LISTED:
        item, path = stack.pop()
        if isinstance(item, _Refused):
            shown = item.literal if len(item.literal) <= 40 else item.literal[:20] + "…"
            field = ".".join(str(p) for p in path) or "body"
            found.append(ErrorDetail(field, f"{shown} {item.reason}", value=shown))
        elif type(item) is dict:
            stack.extend((v, (*path, k)) for k, v in reversed(item.items()))
        elif type(item) is list:
            stack.extend((v, (*path, i)) for i, v in reversed(list(enumerate(item))))
    return found


def json_problems(data: bytes, max_depth: int) -> list[ErrorDetail]:
    """What makes JSON `data` unfit to parse and store: its depth, or each unfit number. Empty
    when fine, and when `data` is not JSON at all (the parser says why)."""
    # Most documents are small: fewer openers than the limit cannot nest deeper than it, and
    # a pattern outside strings is one in the text (in valid JSON a string's removal joins no
    # two pieces into one); a document clear of both needs no closer look.
    if data.count(b"[") + data.count(b"{") <= max_depth:
        digits_as_zero = data.translate(DIGITS_AS_ZERO)
        for pattern in _SUSPICIOUS:
            if pattern in digits_as_zero:
                break
        else:
            return []
    without_strings = _outside_strings(data)
    skeleton = without_strings.translate(_BRACKETS_ONLY, _NOT_BRACKETS)
    if len(skeleton) > max_depth and _deeper_than(skeleton, max_depth):
        return depth_refusal(max_depth).details
    numbers = without_strings.translate(DIGITS_AS_ZERO)
    if not any(pattern in numbers for pattern in _SUSPICIOUS):
        return []
    try:
        parsed = json.loads(data, parse_float=_float, parse_int=_int, parse_constant=_constant)
    except (ValueError, RecursionError):
        return []
    return _refused_numbers(parsed)


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
