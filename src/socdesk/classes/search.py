"""SecMaster's search body on the objects of one class (kit/conditions.py's machinery): any
searchable field of the class, dotted paths included. A promoted field is read from its column
(indexed); any other from the document by its JSON path, which SQLAlchemy renders per store
(`json_extract` on SQLite, `#>>` on PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, or_

from socdesk.classes.fields import NUMBER_TYPES, ClassField, FieldType
from socdesk.classes.registry import DataClass
from socdesk.classes.values import SEVERITY_RANK
from socdesk.kit.clock import format_time, parse_time
from socdesk.kit.conditions import (
    Condition,
    SearchBody,
    compare,
    search_filter,
    split_condition,
    text_value,
)
from socdesk.kit.errors import ValidationFailed
from socdesk.models import DataObject

TEXT_LIKE = frozenset({FieldType.string, FieldType.text, FieldType.enum, FieldType.datetime})
# The object's own columns, which every class has (the document holds them too).
OWN_COLUMNS = {"id": DataObject.id, "create_time": DataObject.create_time}


class ObjectSearch:
    """Conditions and sorting on the objects of `data_class`. `document` is the JSON column
    holding the fields that have no column of their own: the data objects' document, or an
    incident's for the fields a workspace added to Incident (incidents/search.py)."""

    def __init__(self, data_class: DataClass, document: Any = DataObject.data_object) -> None:
        self.data_class = data_class
        self.document = document

    def where(self, body: SearchBody) -> ColumnElement[bool]:
        return search_filter(body, self.condition, DataObject.create_time)

    def order_by(self, body: SearchBody) -> list[ColumnElement[Any]]:
        tiebreak = DataObject.id.asc() if body.order == "ASC" else DataObject.id.desc()
        return [self.ordered(body), tiebreak]

    def ordered(self, body: SearchBody) -> ColumnElement[Any]:
        """The body's sort on its field, without the id that breaks ties (the caller's row)."""
        spec = self._field(body.sort_by, "sort_by")
        expression, _parse = self._expression(spec)
        ordered = expression.asc() if body.order == "ASC" else expression.desc()
        if spec.key not in OWN_COLUMNS:
            # Empty values last on both stores (they disagree by default).
            ordered = ordered.nulls_last()
        return ordered  # type: ignore[no-any-return]

    def _field(self, name: Any, where: str) -> ClassField:
        searchable = self.data_class.searchable
        spec = searchable.get(str(name))
        if spec is None or spec.field_type in (FieldType.object, FieldType.array):
            names = ", ".join(
                sorted(
                    k
                    for k, f in searchable.items()
                    if f.field_type not in (FieldType.object, FieldType.array)
                )
            )
            raise ValidationFailed.for_field(
                where, f"{str(name)[:64]!r} is not a searchable field; use one of {names}"
            )
        return spec

    def _expression(self, spec: ClassField) -> tuple[Any, Callable[[Any], Any]]:
        """The SQL of the field's value, and how a condition's value becomes comparable to it."""
        if spec.key in OWN_COLUMNS:
            return OWN_COLUMNS[spec.key], _own_value(spec)
        column = self.data_class.column_of.get(spec.key)
        if column is not None:
            return getattr(DataObject, column), _column_value(column, spec)
        path = self.document[tuple(spec.key.split("."))]
        if spec.field_type in (FieldType.integer, FieldType.long):
            return path.as_integer(), _whole
        if spec.field_type in NUMBER_TYPES:
            return path.as_float(), _number
        if spec.field_type is FieldType.boolean:
            return path.as_boolean(), _boolean
        if spec.field_type is FieldType.datetime:
            return path.as_string(), lambda raw: format_time(parse_time(raw))
        return path.as_string(), lambda raw: raw

    def condition(self, condition: Condition, where: str) -> ColumnElement[bool]:
        """One condition, `[field, operator, value...]`, as a SQL boolean."""
        spec = self._field(condition.data[0], f"{where}.data.0")
        _name, operator, raw_values = split_condition(condition, where)
        if operator == "contains" and spec.field_type not in (FieldType.string, FieldType.text):
            raise ValidationFailed.for_field(
                f"{where}.data.1", f"contains works on text fields, not {spec.key}"
            )
        expression, parse = self._expression(spec)
        values = _values(spec, parse, raw_values, where)
        if operator == "contains":
            return expression.icontains(values[0], autoescape=True)  # type: ignore[no-any-return]
        if spec.field_type is FieldType.enum and expression is not DataObject.severity:
            # SecMaster sends numeric codes as numbers (`source_type: 1`), which the document
            # keeps as sent: match the number as well as the text.
            numbers = [int(v) for v in values if v.isdigit()]
            if numbers and operator in ("=", "in"):
                return or_(
                    compare(expression, operator, values),
                    compare(
                        self.document[tuple(spec.key.split("."))].as_integer(),
                        "in",
                        numbers,
                    ),
                )
        return compare(expression, operator, values)


def _values(
    spec: ClassField, parse: Callable[[Any], Any], raw_values: list[Any], where: str
) -> list[Any]:
    """Each value as the store compares it; one 400 naming every value that cannot be."""
    values, problems = [], []
    for index, raw in enumerate(raw_values):
        place = f"{where}.data.{index + 2}"
        try:
            if spec.field_type in TEXT_LIKE:
                raw = text_value(raw, spec.key, place)
                if spec.field_type is FieldType.enum and raw not in spec.enum:
                    raise ValueError
            values.append(parse(raw))
        except ValidationFailed as failure:
            problems.append(failure)
        except (ValueError, KeyError, TypeError, OverflowError):
            allowed = f"; one of {', '.join(spec.enum)}" if spec.enum else ""
            problems.append(
                ValidationFailed.for_field(
                    place,
                    f"{str(raw)[:100]!r} is not a valid {spec.key} ({spec.field_type.value}"
                    f"{allowed})",
                    raw if isinstance(raw, str | int | float | bool) else None,
                )
            )
    if problems:
        raise ValidationFailed.combining(problems)
    return values


def _own_value(spec: ClassField) -> Callable[[Any], Any]:
    if spec.key == "id":
        return lambda raw: uuid.UUID(str(raw))
    return parse_time


def _column_value(column: str, spec: ClassField) -> Callable[[Any], Any]:
    if column == "severity":
        return lambda raw: SEVERITY_RANK[str(raw)]
    if column == "incident_id":
        return lambda raw: uuid.UUID(str(raw))
    return lambda raw: raw


def _whole(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError
    number = int(raw)
    if not -(2**63) <= number < 2**63:
        raise ValueError
    return number


def _number(raw: Any) -> float:
    if isinstance(raw, bool):
        raise ValueError
    number = float(raw)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError
    return number


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if str(raw).lower() in ("true", "false"):
        return str(raw).lower() == "true"
    raise ValueError
