"""SecMaster's search body on incidents: a condition on a catalogue field turned into SQL.

Only catalogue fields with a column can be searched or sorted on, so every query runs on indexed
columns; besides them, the searchable fields a workspace added to the class can be filtered on,
from the incident's document by their JSON path, as any data object's fields are
(classes/search.py). The body and its logic are the one machinery every class searches with
(kit/conditions.py); values are bound parameters.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute

from socdesk.classes.registry import DataClass
from socdesk.classes.search import ObjectSearch
from socdesk.incidents.catalog import SEARCHABLE, FieldType, IncidentField
from socdesk.incidents.mapping import SEVERITY_BY_NAME
from socdesk.kit.clock import parse_time
from socdesk.kit.conditions import (
    Condition,
    ConditionGroup,
    SearchBody,
    compare,
    search_filter,
    split_condition,
    text_value,
)
from socdesk.kit.errors import ValidationFailed
from socdesk.models import Incident, Status

__all__ = ["Condition", "ConditionGroup", "SearchBody", "order_by", "where_clause"]

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
OPEN_STATUSES = (Status.new, Status.in_progress, Status.review)
STATUSES_OF = {"Open": OPEN_STATUSES, "Block": (Status.blocked,), "Closed": (Status.closed,)}


def _column(spec: IncidentField) -> InstrumentedAttribute[Any]:
    assert spec.column is not None
    column: InstrumentedAttribute[Any] = getattr(Incident, spec.column)
    return column


def _field(name: Any, where: str) -> IncidentField:
    spec = SEARCHABLE.get(str(name))
    if spec is None:
        raise ValidationFailed.for_field(
            where, f"{name!r} is not a searchable field; use one of {', '.join(sorted(SEARCHABLE))}"
        )
    return spec


def _value(spec: IncidentField, raw: Any, where: str) -> Any:
    """The raw condition value as the column stores it; 400 naming the field when it cannot be."""
    try:
        if spec.key == "id":
            return uuid.UUID(str(raw))
        if spec.key == "severity":
            return SEVERITY_BY_NAME[str(raw)]
        if spec.key == "data_source.source_type":
            if str(raw) not in spec.enum:
                raise ValueError
            return int(raw)
        if spec.field_type is FieldType.enum:
            if str(raw) not in spec.enum:
                raise ValueError
            return str(raw)
        if spec.field_type is FieldType.integer:
            number = int(raw)
            if isinstance(raw, bool) or not INT32_MIN <= number <= INT32_MAX:
                raise ValueError
            return number
        if spec.field_type is FieldType.datetime:
            return parse_time(raw)
    except (ValueError, KeyError, TypeError):
        allowed = f"; one of {', '.join(spec.enum)}" if spec.enum else ""
        raise ValidationFailed.for_field(
            where, f"{raw!r} is not a valid {spec.key} ({spec.field_type.value}{allowed})", raw
        ) from None
    return text_value(raw, spec.key, where)


def _values(spec: IncidentField, raw_values: Sequence[Any], where: str) -> list[Any]:
    """Each value as its column stores it; one 400 naming every value that cannot be."""
    values, problems = [], []
    for index, raw in enumerate(raw_values):
        try:
            values.append(_value(spec, raw, f"{where}.data.{index + 2}"))
        except ValidationFailed as failure:
            problems.append(failure)
    if problems:
        raise ValidationFailed.combining(problems)
    return values


def _status_clause(operator: str, values: Sequence[Any], where: str) -> ColumnElement[bool]:
    statuses = [s for v in values for s in STATUSES_OF[v]]
    if operator in ("=", "in"):
        return Incident.status.in_(statuses)
    if operator == "!=":
        return Incident.status.not_in(statuses)
    raise ValidationFailed.for_field(where, f"handle_status does not support {operator!r}")


def _added_search(added: DataClass | None, name: Any) -> ObjectSearch | None:
    """The search of the incident's document when `name` is a searchable field the workspace
    added (`added`, incidents/added_fields.py), not one of SecMaster's; else None."""
    key = str(name)
    if added is None or key in SEARCHABLE or key not in added.searchable:
        return None
    return ObjectSearch(added, Incident.document)


def condition_clause(
    condition: Condition, where: str, added: DataClass | None = None
) -> ColumnElement[bool]:
    """One condition, `[field, operator, value...]`, as a SQL boolean; `added`: the fields the
    workspace added to the class (incidents/added_fields.py)."""
    document = _added_search(added, condition.data[0])
    if document is not None:
        return document.condition(condition, where)
    spec = _field(condition.data[0], f"{where}.data.0")
    _name, operator, raw_values = split_condition(condition, where)
    if operator == "contains" and spec.field_type not in (FieldType.string, FieldType.text):
        raise ValidationFailed.for_field(
            f"{where}.data.1", f"contains works on text fields, not {spec.key}"
        )
    values = _values(spec, raw_values, where)
    if spec.key == "handle_status":
        return _status_clause(operator, values, where)
    column = _column(spec)
    if operator == "contains":
        return column.icontains(values[0], autoescape=True)
    return compare(column, operator, values)


def where_clause(body: SearchBody, added: DataClass | None = None) -> ColumnElement[bool]:
    """The filter the whole search body describes (without the workspace, which the repository
    adds); `added` as `condition_clause` takes it."""
    if added is None:
        return search_filter(body, condition_clause, Incident.create_time)
    return search_filter(
        body, lambda c, where: condition_clause(c, where, added), Incident.create_time
    )


def order_by(body: SearchBody, added: DataClass | None = None) -> list[ColumnElement[Any]]:
    """The body's sort, then the id; `added` as `condition_clause` takes it (a searchable
    added field sorts by its value in the document, empty values last)."""
    tiebreak = Incident.id.asc() if body.order == "ASC" else Incident.id.desc()
    document = _added_search(added, body.sort_by)
    if document is not None:
        return [document.ordered(body), tiebreak]
    spec = _field(body.sort_by, "sort_by")
    column = _column(spec)
    # Empty values sort last on both stores (they disagree by default); a NOT NULL column needs
    # no NULLS LAST, which would keep PostgreSQL from reading its index backwards.
    # The id breaks ties, so pages are stable.
    ordered = column.asc() if body.order == "ASC" else column.desc()
    if Incident.__table__.columns[str(spec.column)].nullable:
        ordered = ordered.nulls_last()
    return [ordered, tiebreak]
