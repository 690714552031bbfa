"""The shortcuts of two hot checks give exactly the verdicts of the full checks: JSON read by
kit/jsonbody.py (small documents skip the scan outside strings) and times read by kit/clock.py
(a time ending with `Z` skips the offset rewrites)."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from socdesk.kit import jsonbody
from socdesk.kit.clock import parse_time
from socdesk.kit.errors import ErrorDetail


def full_json_problems(data: bytes, max_depth: int) -> list[ErrorDetail]:
    """json_problems without its shortcut: every document scanned outside its strings."""
    without_strings = jsonbody._outside_strings(data)
    skeleton = without_strings.translate(jsonbody._BRACKETS_ONLY, jsonbody._NOT_BRACKETS)
    if len(skeleton) > max_depth and jsonbody._deeper_than(skeleton, max_depth):
        return jsonbody.depth_refusal(max_depth).details
    numbers = without_strings.translate(jsonbody.DIGITS_AS_ZERO)
    if not any(pattern in numbers for pattern in jsonbody._SUSPICIOUS):
        return []
    try:
        parsed = json.loads(
            data,
            parse_float=jsonbody._float,
            parse_int=jsonbody._int,
            parse_constant=jsonbody._constant,
        )
    except (ValueError, RecursionError):
        return []
    return jsonbody._refused_numbers(parsed)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet='abNaInfinitye0123456789"\\[]{}'),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=12,
)
# Fragments that make texts near the edges: numbers no store holds, escapes, brackets.
PIECES = st.sampled_from(
    ["NaN", "Infinity", "-Infinity", "1e400", "1E+999", "9" * 20, '"', "\\", "\\\\", '\\"']
    + ["[", "]", "{", "}", ",", ":", " ", "0", "1.5", '"a"', "e", "-"]
)


@settings(max_examples=600, deadline=None)
@given(JSON_VALUES, st.lists(PIECES, max_size=8), st.integers(1, 6))
def test_json_problems_are_the_full_checks_verdicts(
    value: Any, pieces: list[str], depth: int
) -> None:
    for text in (json.dumps(value), json.dumps(value) + "".join(pieces), "".join(pieces)):
        data = text.encode()
        assert jsonbody.json_problems(data, depth) == full_json_problems(data, depth)


_Z_THEN_OFFSET = re.compile(r"Z([+-]\d{2}:?\d{2})$")
_SHORT_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")


def full_parse_time(value: str) -> Any:
    text = _Z_THEN_OFFSET.sub(r"\1", value.strip())
    text = _SHORT_OFFSET.sub(r"\1:\2", text) if "T" in text else text
    return _verdict(lambda: parse_time(text))


def _verdict(read: Any) -> Any:
    try:
        return read()
    except ValueError as error:
        return str(error)


TIME_TEXT = st.builds(
    "".join,
    st.lists(
        st.sampled_from(
            ["2026-11-24", "T", "06:33:00", ".000", ".5", "Z", "+0800", "+08:00", "-05", " "]
        ),
        max_size=6,
    ),
)


@settings(max_examples=600, deadline=None)
@given(TIME_TEXT)
def test_times_read_as_the_full_rewrites_read_them(text: str) -> None:
    assert _verdict(lambda: parse_time(text)) == full_parse_time(text)
