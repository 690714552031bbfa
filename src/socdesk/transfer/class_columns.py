"""The columns of any data class's template, import files and exports, from its field list.

The same layout as the incident columns (columns.py), built from a `DataClass` rather than the
Incident catalogue: a leaf field is a column (an object field whose sub-fields the class lists
is one column per sub-field, `data_source.product_name`, at any depth); an object with no listed
sub-fields, a List<Object> and a List<String> are JSON cells. Server-kept fields (read-only,
`update_time`) are left out; the id is kept, so an export carries its objects' ids.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from socdesk.classes.fields import LINKED_INCIDENT, NUMBER_TYPES, ClassField, FieldType
from socdesk.classes.registry import DataClass
from socdesk.classes.validation import type_problem
from socdesk.transfer.cells import CellError, cell_reader, restore
from socdesk.transfer.columns import SAMPLE_ROW, CellKind, Column

_JSON_TYPES = frozenset({FieldType.object, FieldType.array, FieldType.string_list})
SAMPLE_TIME = "2026-11-24T06:33:00.000Z"
# The built-in classes' sample values beyond the incident template's (which alerts share).
BUILT_IN_SAMPLES: dict[str, object] = {
    **SAMPLE_ROW,
    "alert_type.category": "Intrusion",
    "alert_type.alert_type": "Brute force",
    "indicator_type.indicator_type": "ip",
    "name": "C2 address",
    "value": "203.0.113.7",
    "vul_name": "CVE-2026-0001 in openssl",
    "description": "Hundreds of failed SSH logins from one address in ten minutes.",
}


def _kind(field: ClassField) -> CellKind:
    if field.field_type in _JSON_TYPES:
        return CellKind.json
    if field.field_type in (FieldType.integer, FieldType.long):
        return CellKind.integer
    if field.field_type in NUMBER_TYPES:
        return CellKind.number
    if field.field_type is FieldType.boolean:
        return CellKind.boolean
    if field.field_type is FieldType.enum:
        return CellKind.enum
    if field.field_type is FieldType.datetime:
        return CellKind.time
    return CellKind.text


def _read_number(value: Any) -> Any:
    if value is None or (isinstance(value, str) and (not value or value.isspace())):
        return None
    if isinstance(value, bool):
        raise CellError("must be a number")
    if isinstance(value, int | float):
        return int(value) if isinstance(value, float) and value.is_integer() else value
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        raise CellError("must be a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise CellError("must be a finite number")
    return number


def _read_boolean(value: Any) -> Any:
    if value is None or (isinstance(value, str) and (not value or value.isspace())):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise CellError("must be true or false")


def _digit_enum_reader(text_reader: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """An Enum of digits (`source_type`) holds numbers, as SecMaster sends them."""

    def read(value: Any) -> Any:
        found = text_reader(value)
        if isinstance(found, str) and found.strip().isdigit():
            return int(found.strip())
        return found

    return read


@dataclass(frozen=True)
class ClassColumns:
    """The columns of one class, and how a header cell names one of them."""

    data_class: DataClass

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        """The leaf fields in the class's order. A label two columns share, or that is another
        column's key, is replaced by the field key in the header, so every header cell names
        one column."""
        parents = {f.parent for f in self.data_class.fields if f.parent is not None}
        fields = [
            f
            for f in self.data_class.fields
            if f.key not in parents
            and (f.key == "id" or not f.read_only)
            and f.key != "update_time"
            and (f.parent is None or f.parent in self.data_class.by_key)
        ]
        keys = {f.key.casefold() for f in fields}
        names = Counter(f.name.casefold() for f in fields)
        return tuple(
            Column(
                f
                if names[f.name.casefold()] == 1
                and (f.name.casefold() not in keys or f.name.casefold() == f.key.casefold())
                else replace(f, name=f.key),
                _kind(f),
            )
            for f in fields
        )

    @cached_property
    def by_key(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns}

    @cached_property
    def _by_header(self) -> dict[str, Column]:
        found: dict[str, Column] = {}
        # Keys first: a label never hides another column's key.
        for column in self.columns:
            for name in (column.label, column.field.name):
                found.setdefault(name.casefold(), column)
        for column in self.columns:
            found[column.key.casefold()] = column
        return found

    def for_header(self, header: str) -> Column | None:
        text = header.strip()
        if text.endswith("*"):
            text = text[:-1].rstrip()
        return self._by_header.get(text.casefold())

    def reader(self, column: Column) -> Callable[[Any], Any]:
        if column.kind is CellKind.number:
            return _read_number
        if column.kind is CellKind.boolean:
            return _read_boolean
        base = cell_reader(column) if column.key != "data_source.source_type" else _text_reader()
        if column.kind is CellKind.enum and column.field.enum and _digits(column.field.enum):
            return _digit_enum_reader(base)
        return base

    def sample_row(self) -> list[Any]:
        """A row that imports. A column the incident template's sample has (alerts share most
        of their fields with incidents) takes its value where the field's type admits it;
        other columns of a built-in class are filled in when mandatory, every column of a
        workspace's own class is (so its sample shows each column's form). The id and the
        incident link stay empty."""
        return [self._sample(c) for c in self.columns]

    def _sample(self, column: Column) -> Any:
        if column.key in ("id", LINKED_INCIDENT.key):
            return None
        if column.key in BUILT_IN_SAMPLES and self.data_class.is_built_in:
            cell = BUILT_IN_SAMPLES[column.key]
            try:
                value = self.reader(column)(cell)
            except CellError:
                value = None
            if value is not None and type_problem(column.field, value) is None:
                return cell
        if column.field.required or not self.data_class.is_built_in:
            return _sample(column)
        return None


def _text_reader() -> Callable[[Any], Any]:
    def read(value: Any) -> Any:
        if value is None or (isinstance(value, str) and (not value or value.isspace())):
            return None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return restore(str(value)) if isinstance(value, str) else str(value)

    return read


def _digits(values: Sequence[str]) -> bool:
    return all(v.isdigit() for v in values)


def _sample(column: Column) -> Any:
    field = column.field
    kind = field.field_type
    if kind is FieldType.enum:
        return int(field.enum[0]) if _digits(field.enum) else field.enum[0]
    samples: dict[FieldType, Any] = {
        FieldType.integer: 1,
        FieldType.long: 1,
        FieldType.double: 1.5,
        FieldType.float: 1.5,
        FieldType.numeric: 1.5,
        FieldType.boolean: "false",
        FieldType.datetime: SAMPLE_TIME,
        FieldType.string_list: '["example"]',
        FieldType.object: "{}",
        FieldType.array: '[{"name": "example"}]',
    }
    return samples.get(kind, f"Example {field.name.lower()}")
