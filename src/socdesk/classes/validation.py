"""Whether a data object fits its class: every problem of it, as `ErrorDetail`s.

The rule is SecMaster's: a field's value has the field's type (a whole number for Integer and
Long, never `true`; a time with an offset for Timestamp; one of the listed values for Enum),
a create carries every required field with a value, and a key the class does not define is
refused, at the top and inside an object whose sub-fields the class lists. An object field with
no listed sub-fields (`system_info`, `extend_properties`) and the items of a List<Object> are
free-form. Pure: no database, so import, batch-create and every route check objects the same."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from socdesk.classes.fields import NUMBER_TYPES, ClassField, FieldType
from socdesk.classes.registry import DataClass
from socdesk.kit.clock import parse_time
from socdesk.kit.errors import ErrorDetail

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# Longest text a String field holds (SecMaster's own limit for free text).
MAX_TEXT = 65_535


def check_data_object(
    data_class: DataClass, data: Any, *, row: int | None = None, partial: bool = False
) -> list[ErrorDetail]:
    """Every problem of `data` as an object of `data_class` (empty when it fits). `partial`:
    a change, which need not carry the required fields but may not empty them; `row` goes
    into each problem (a list index or a file row)."""
    if not isinstance(data, Mapping):
        return [ErrorDetail("data_object", "must be an object", row, _shown(data))]
    problems = [
        ErrorDetail(key, message, row, _shown(value))
        for key, message, value in _problems(data_class, data, partial)
    ]
    return problems


def _problems(
    data_class: DataClass, data: Mapping[str, Any], partial: bool
) -> Iterator[tuple[str, str, Any]]:
    children = _children(data_class)
    yield from _unknown_keys(data, children, "")
    for spec in data_class.fields:
        present, value = _lookup(data, spec.key)
        if not present or value is None or value == "":
            if spec.required and (not partial or present):
                yield spec.key, "is required", value
            continue
        message = type_problem(spec, value)
        if message is not None:
            yield spec.key, message, value
        elif spec.field_type is FieldType.object and spec.key in children:
            yield from _unknown_keys(value, children, spec.key + ".")


def _children(data_class: DataClass) -> dict[str, set[str]]:
    """The sub-field names of each object field that lists any ("" holds the top level)."""
    children: dict[str, set[str]] = {}
    for spec in data_class.fields:
        parent, _, name = spec.key.rpartition(".")
        children.setdefault(parent, set()).add(name)
    return children


def _unknown_keys(
    data: Mapping[str, Any], children: dict[str, set[str]], prefix: str
) -> Iterator[tuple[str, str, Any]]:
    known = children.get(prefix.removesuffix("."), set())
    for key in data:
        if key not in known:
            yield f"{prefix}{key}", "is not a field of this data class", data[key]


def _lookup(data: Mapping[str, Any], key: str) -> tuple[bool, Any]:
    """Whether the dotted `key` is in `data`, and its value. A parent that is no object (a
    problem reported on the parent) hides its children."""
    value: Any = data
    for part in key.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return False, None
        value = value[part]
    return True, value


def type_problem(spec: ClassField, value: Any) -> str | None:
    """Why `value` cannot be the value of `spec`, or None when it can."""
    kind = spec.field_type
    if kind in (FieldType.string, FieldType.text):
        if not isinstance(value, str):
            return "must be text"
        return f"must be at most {MAX_TEXT} characters" if len(value) > MAX_TEXT else None
    if kind in (FieldType.integer, FieldType.long):
        low, high = (INT32_MIN, INT32_MAX) if kind is FieldType.integer else (INT64_MIN, INT64_MAX)
        if type(value) is not int:
            return "must be a whole number"
        return None if low <= value <= high else f"must be within {low} and {high}"
    if kind in NUMBER_TYPES:
        return None if type(value) in (int, float) else "must be a number"
    if kind is FieldType.boolean:
        return None if type(value) is bool else "must be true or false"
    if kind is FieldType.enum:
        return _enum_problem(spec, value)
    if kind is FieldType.datetime:
        return _time_problem(value)
    if kind is FieldType.string_list:
        ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
        return None if ok else "must be a list of texts"
    if kind is FieldType.object:
        return None if isinstance(value, Mapping) else "must be an object"
    ok = isinstance(value, list) and all(isinstance(item, Mapping) for item in value)
    return None if ok else "must be a list of objects"


def _enum_problem(spec: ClassField, value: Any) -> str | None:
    # SecMaster sends numeric codes as numbers (`source_type: 1`): an Enum of digits takes both.
    if type(value) is int:
        value = str(value)
    if isinstance(value, str) and value in spec.enum:
        return None
    return f"must be one of {', '.join(spec.enum)}"


def _time_problem(value: Any) -> str | None:
    try:
        parse_time(value)
    except ValueError as error:
        return str(error)
    return None


def _shown(value: Any) -> Any:
    """The value as a problem shows it: short, and only text or numbers (an object is not
    echoed back whole)."""
    if isinstance(value, str):
        return value[:100]
    if isinstance(value, bool | int | float) or value is None:
        return value
    return type(value).__name__
