"""SecMaster's search body (`conditions`, `logics`, sorting, paging, dates) turned into SQL.

Only catalogue fields with a column can be searched or sorted on, so every query runs on indexed
columns, and values are bound parameters: characters that mean something to SQL are just data.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator
from sqlalchemy import ColumnElement, and_, case, false, not_, or_, true
from sqlalchemy.orm import InstrumentedAttribute

from socdesk.incidents.catalog import SEARCHABLE, FieldType, IncidentField
from socdesk.incidents.mapping import SEVERITY_BY_NAME
from socdesk.incidents.record import SecMasterTime
from socdesk.kit.clock import parse_time
from socdesk.kit.errors import ValidationFailed
from socdesk.kit.schemas import MAX_OFFSET, MAX_QUERY_TEXT, RequestBody
from socdesk.models import Incident, Status

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
OPERATORS = ("=", "!=", ">", ">=", "<", "<=", "contains", "in")
ORDERED_OPERATORS = frozenset({">", ">=", "<", "<="})
OPEN_STATUSES = (Status.new, Status.in_progress, Status.review)
STATUSES_OF = {"Open": OPEN_STATUSES, "Block": (Status.blocked,), "Closed": (Status.closed,)}
# Most values one `in` condition lists (each is a bound parameter; SQLite allows 32,766).
MAX_IN_VALUES = 1000


class Condition(RequestBody):
    name: str = Field(min_length=1, max_length=64)
    data: list[Any] = Field(
        min_length=3,
        max_length=MAX_IN_VALUES + 2,
        description=(
            f"[field, operator, value, ...]; `in` takes up to {MAX_IN_VALUES} values. A text"
            f" value has at most {MAX_QUERY_TEXT} characters."
        ),
    )


class ConditionGroup(RequestBody):
    conditions: list[Condition] = Field(default_factory=list, max_length=50)
    logics: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list,
        max_length=200,
        description='Condition names joined by "and"/"or", with parentheses; empty means all.',
    )


class SearchBody(RequestBody):
    limit: Annotated[int, Field(ge=1, le=1000)] = 10
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] = 0
    sort_by: str = Field(default="create_time", max_length=64)
    order: Literal["ASC", "DESC"] = "DESC"
    from_date: SecMasterTime | None = Field(default=None, description="create_time ≥ this.")
    to_date: SecMasterTime | None = Field(default=None, description="create_time ≤ this.")
    condition: ConditionGroup | None = None

    @field_validator("order", mode="before")
    @classmethod
    def upper_order(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


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
    if not isinstance(raw, str | int | float):
        raise ValidationFailed.for_field(where, f"{spec.key} takes text values", None)
    text = str(raw)
    if len(text) > MAX_QUERY_TEXT:
        raise ValidationFailed.for_field(
            where, f"a search value has at most {MAX_QUERY_TEXT} characters", text
        )
    return text


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


def condition_clause(condition: Condition, where: str) -> ColumnElement[bool]:
    """One condition, `[field, operator, value...]`, as a SQL boolean."""
    field_name, operator, *raw_values = condition.data
    spec = _field(field_name, f"{where}.data.0")
    if operator not in OPERATORS:
        raise ValidationFailed.for_field(
            f"{where}.data.1", f"{operator!r} is not an operator; use one of {' '.join(OPERATORS)}"
        )
    if operator != "in" and len(raw_values) != 1:
        raise ValidationFailed.for_field(f"{where}.data", f"{operator!r} takes exactly one value")
    if operator == "contains" and spec.field_type not in (FieldType.string, FieldType.text):
        raise ValidationFailed.for_field(
            f"{where}.data.1", f"contains works on text fields, not {spec.key}"
        )
    values = _values(spec, raw_values, where)
    if spec.key == "handle_status":
        return _status_clause(operator, values, where)
    column = _column(spec)
    if operator == "in":
        return column.in_(values)
    value = values[0]
    if operator == "contains":
        return column.icontains(value, autoescape=True)
    comparisons: dict[str, ColumnElement[bool]] = {
        "=": column == value,
        "!=": or_(column != value, column.is_(None)),
        ">": column > value,
        ">=": column >= value,
        "<": column < value,
        "<=": column <= value,
    }
    return comparisons[operator]


class _LogicParser:
    """`a and (b or c)` over condition names; `and` binds tighter than `or`."""

    def __init__(self, tokens: list[str], clauses: dict[str, ColumnElement[bool]]) -> None:
        self.tokens = tokens
        self.clauses = clauses
        self.position = 0
        self.used: set[str] = set()

    def _peek(self) -> str | None:
        return self.tokens[self.position].lower() if self.position < len(self.tokens) else None

    def _take(self) -> str:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def parse(self) -> ColumnElement[bool]:
        clause = self._or()
        if self.position != len(self.tokens):
            raise ValidationFailed.for_field("condition.logics", f"unexpected {self._take()!r}")
        return clause

    def _or(self) -> ColumnElement[bool]:
        parts = [self._and()]
        while self._peek() == "or":
            self._take()
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else or_(*parts)

    def _and(self) -> ColumnElement[bool]:
        parts = [self._factor()]
        while self._peek() == "and":
            self._take()
            parts.append(self._factor())
        return parts[0] if len(parts) == 1 else and_(*parts)

    def _factor(self) -> ColumnElement[bool]:
        token = self._peek()
        if token is None:
            raise ValidationFailed.for_field("condition.logics", "ends where a condition is needed")
        if token == "not":
            self._take()
            # A comparison with NULL is unknown, and NOT unknown is unknown: make the inner
            # clause plain true/false first, so `not a` keeps the rows where `a` has no value.
            return not_(case((self._factor(), true()), else_=false()))
        if token == "(":
            self._take()
            clause = self._or()
            if self._peek() != ")":
                raise ValidationFailed.for_field("condition.logics", "a parenthesis is not closed")
            self._take()
            return clause
        name = self._take()
        if name not in self.clauses:
            raise ValidationFailed.for_field("condition.logics", f"no condition named {name!r}")
        self.used.add(name)
        return self.clauses[name]


def where_clause(body: SearchBody) -> ColumnElement[bool]:
    """The filter the whole search body describes (without the workspace, which the repository
    adds)."""
    parts: list[ColumnElement[bool]] = []
    if body.from_date is not None:
        parts.append(Incident.create_time >= body.from_date)
    if body.to_date is not None:
        parts.append(Incident.create_time <= body.to_date)
    group = body.condition or ConditionGroup()
    clauses: dict[str, ColumnElement[bool]] = {}
    problems: list[ValidationFailed] = []
    for index, condition in enumerate(group.conditions):
        try:
            if condition.name in clauses:
                raise ValidationFailed.for_field(
                    f"condition.conditions.{index}.name", f"{condition.name!r} is used twice"
                )
            clauses[condition.name] = condition_clause(condition, f"condition.conditions.{index}")
        except ValidationFailed as failure:
            problems.append(failure)
    if problems:
        # Every bad condition at once (docs/errors.md), not the first one alone.
        raise ValidationFailed.combining(problems)
    if group.logics:
        parser = _LogicParser(group.logics, clauses)
        parts.append(parser.parse())
        unused = set(clauses) - parser.used
        if unused:
            raise ValidationFailed.for_field(
                "condition.logics", f"conditions not used in logics: {', '.join(sorted(unused))}"
            )
    else:
        parts.extend(clauses.values())
    return and_(true(), *parts)


def order_by(body: SearchBody) -> list[ColumnElement[Any]]:
    spec = _field(body.sort_by, "sort_by")
    column = _column(spec)
    # Empty values sort last on both stores (they disagree by default); a NOT NULL column needs
    # no NULLS LAST, which would keep PostgreSQL from reading its index backwards.
    # The id breaks ties, so pages are stable.
    ordered = column.asc() if body.order == "ASC" else column.desc()
    if Incident.__table__.columns[str(spec.column)].nullable:
        ordered = ordered.nulls_last()
    return [ordered, Incident.id.asc() if body.order == "ASC" else Incident.id.desc()]
