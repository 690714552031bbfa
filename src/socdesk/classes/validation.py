"""Whether a data object fits its class: every problem of it, as `ErrorDetail`s.

The rule is SecMaster's: a field's value has the field's type (a whole number for Integer and
Long, never `true`; a time with an offset for Timestamp; one of the listed values for Enum),
a create carries every required field with a value, and a key the class does not define is
refused, at the top and inside an object whose sub-fields the class lists. An object field with
no listed sub-fields (`system_info`, `extend_properties`) and the items of a List<Object> are
free-form. Objects are parsed JSON (an object is a dict, a list a list; types are compared
exactly, which is also what keeps 10,000 objects a batch quick). Pure: no database, so import,
batch-create and every route check objects the same."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from socdesk.classes.fields import ClassField, FieldType
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
    if type(data) is not dict:
        return [ErrorDetail("data_object", "must be an object", row, _shown(data))]
    return [
        ErrorDetail(key, message, row, _shown(value))
        for key, message, value in _problems(data_class, data, partial)
    ]


def check_data_objects(
    data_class: DataClass, objects: Sequence[Any], *, partial: bool = False
) -> list[ErrorDetail]:
    """Every problem of every object of a list, each with its list index as `row` (a batch is
    refused whole and told all of them)."""
    return [
        problem
        for row, data in enumerate(objects)
        for problem in check_data_object(data_class, data, row=row, partial=partial)
    ]


def _problems(
    data_class: DataClass, data: dict[str, Any], partial: bool
) -> Iterator[tuple[str, str, Any]]:
    for key, parts in data_class.required_paths:
        present, value = _lookup(data, parts)
        if (not present and not partial) or (present and (value is None or value == "")):
            yield key, "is required", value
    # Walk what was sent rather than every field: an object holds a few of its class's fields.
    yield from _sent_problems(data_class, data, "")


def _sent_problems(
    data_class: DataClass, data: dict[str, Any], prefix: str
) -> Iterator[tuple[str, str, Any]]:
    fields = data_class.by_key
    for name, value in data.items():
        key = prefix + name
        spec = fields.get(key)
        if spec is None:
            yield key, "is not a field of this data class", value
        elif value is not None and value != "":
            message = _CHECKS[spec.field_type](spec, value)
            if message is not None:
                yield key, message, value
            elif spec.field_type is FieldType.object and key in data_class.children:
                yield from _sent_problems(data_class, value, key + ".")


def _lookup(data: dict[str, Any], parts: tuple[str, ...]) -> tuple[bool, Any]:
    """Whether the dotted path `parts` is in `data`, and its value. A parent that is no
    object (a problem reported on the parent) hides its children."""
    value: Any = data
    for part in parts:
        if type(value) is not dict or part not in value:
            return False, None
        value = value[part]
    return True, value


def type_problem(spec: ClassField, value: Any) -> str | None:
    """Why `value` cannot be the value of `spec`, or None when it can."""
    return _CHECKS[spec.field_type](spec, value)


def type_check(spec: ClassField) -> Callable[[ClassField, Any], str | None]:
    """`type_problem` for the values of `spec`, chosen once (called as `check(spec, value)`):
    for a caller checking many values of one field, such as an import's column."""
    return _CHECKS[spec.field_type]


def _text(spec: ClassField, value: Any) -> str | None:
    if type(value) is not str:
        return "must be text"
    return f"must be at most {MAX_TEXT} characters" if len(value) > MAX_TEXT else None


def _integer(spec: ClassField, value: Any) -> str | None:
    if type(value) is not int:
        return "must be a whole number"
    return (
        None if INT32_MIN <= value <= INT32_MAX else f"must be within {INT32_MIN} and {INT32_MAX}"
    )


def _long(spec: ClassField, value: Any) -> str | None:
    if type(value) is not int:
        return "must be a whole number"
    return (
        None if INT64_MIN <= value <= INT64_MAX else f"must be within {INT64_MIN} and {INT64_MAX}"
    )


def _number(spec: ClassField, value: Any) -> str | None:
    return None if type(value) in (int, float) else "must be a number"


def _boolean(spec: ClassField, value: Any) -> str | None:
    return None if type(value) is bool else "must be true or false"


def _enum(spec: ClassField, value: Any) -> str | None:
    # SecMaster sends numeric codes as numbers (`source_type: 1`): an Enum of digits takes both.
    if type(value) is int:
        value = str(value)
    if type(value) is str and value in spec.enum:
        return None
    return f"must be one of {', '.join(spec.enum)}"


def _time(spec: ClassField, value: Any) -> str | None:
    try:
        parse_time(value)
    except ValueError as error:
        return str(error)
    return None


def _string_list(spec: ClassField, value: Any) -> str | None:
    ok = type(value) is list and all(type(item) is str for item in value)
    return None if ok else "must be a list of texts"


def _object(spec: ClassField, value: Any) -> str | None:
    return None if type(value) is dict else "must be an object"


def _object_list(spec: ClassField, value: Any) -> str | None:
    ok = type(value) is list and all(type(item) is dict for item in value)
    return None if ok else "must be a list of objects"


_CHECKS: dict[FieldType, Callable[[ClassField, Any], str | None]] = {
    FieldType.string: _text,
    FieldType.text: _text,
    FieldType.integer: _integer,
    FieldType.long: _long,
    FieldType.double: _number,
    FieldType.float: _number,
    FieldType.numeric: _number,
    FieldType.boolean: _boolean,
    FieldType.enum: _enum,
    FieldType.datetime: _time,
    FieldType.string_list: _string_list,
    FieldType.object: _object,
    FieldType.array: _object_list,
}


def _shown(value: Any) -> Any:
    """The value as a problem shows it: short, and only text or numbers (an object is not
    echoed back whole)."""
    if isinstance(value, str):
        return value[:100]
    if isinstance(value, bool | int | float) or value is None:
        return value
    return type(value).__name__
