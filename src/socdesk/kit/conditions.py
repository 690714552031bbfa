"""SecMaster's search body — `conditions` joined by `logics`, sorting, paging, dates — and the
parser of its logic, for any store: each domain (incidents/search.py, classes/search.py) turns
one condition on one of its fields into SQL, and this module joins them as `logics` says.

Values are bound parameters: characters that mean something to SQL are just data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BeforeValidator, Field, PlainSerializer, field_validator
from sqlalchemy import ColumnElement, and_, case, false, not_, or_, true

from socdesk.kit.clock import format_time, parse_time
from socdesk.kit.errors import ValidationFailed
from socdesk.kit.schemas import MAX_OFFSET, MAX_QUERY_TEXT, RequestBody

OPERATORS = ("=", "!=", ">", ">=", "<", "<=", "contains", "in")
ORDERED_OPERATORS = frozenset({">", ">=", "<", "<="})
T = TypeVar("T")
# Most values one `in` condition lists (each is a bound parameter; SQLite allows 32,766).
MAX_IN_VALUES = 1000

SearchTime = Annotated[
    datetime,
    BeforeValidator(parse_time),
    PlainSerializer(format_time, return_type=str),
]


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
    from_date: SearchTime | None = Field(default=None, description="create_time ≥ this.")
    to_date: SearchTime | None = Field(default=None, description="create_time ≤ this.")
    condition: ConditionGroup | None = None

    @field_validator("order", mode="before")
    @classmethod
    def upper_order(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


# One condition, and where it is in the body (for messages), as a SQL boolean; 400 naming the
# place when it cannot be one.
ConditionClause = Callable[[Condition, str], ColumnElement[bool]]


def split_condition(condition: Condition, where: str) -> tuple[Any, str, list[Any]]:
    """`[field, operator, value...]` as its parts, the operator and value count checked."""
    field_name, operator, *raw_values = condition.data
    if operator not in OPERATORS:
        raise ValidationFailed.for_field(
            f"{where}.data.1", f"{operator!r} is not an operator; use one of {' '.join(OPERATORS)}"
        )
    if operator != "in" and len(raw_values) != 1:
        raise ValidationFailed.for_field(f"{where}.data", f"{operator!r} takes exactly one value")
    return field_name, operator, raw_values


def text_value(raw: Any, key: str, where: str) -> str:
    """A condition's value on a text field: text (or a number written as text) of bounded
    length."""
    if not isinstance(raw, str | int | float):
        raise ValidationFailed.for_field(where, f"{key} takes text values", None)
    text = str(raw)
    if len(text) > MAX_QUERY_TEXT:
        raise ValidationFailed.for_field(
            where, f"a search value has at most {MAX_QUERY_TEXT} characters", text
        )
    return text


def compare(column: Any, operator: str, values: list[Any]) -> ColumnElement[bool]:
    """`column operator values` for an operator other than `contains`; `!=` keeps the rows
    where the column has no value."""
    if operator == "in":
        return column.in_(values)  # type: ignore[no-any-return]
    value = values[0]
    comparisons: dict[str, Callable[[], ColumnElement[bool]]] = {
        "=": lambda: column == value,
        "!=": lambda: or_(column != value, column.is_(None)),
        ">": lambda: column > value,
        ">=": lambda: column >= value,
        "<": lambda: column < value,
        "<=": lambda: column <= value,
    }
    return comparisons[operator]()


@dataclass(frozen=True, slots=True)
class LogicOps(Generic[T]):
    """How `logics` joins clauses of one kind: SQL booleans (search), Python predicates (a
    playbook's rule, automation/playbooks/evaluator.py). One grammar for both."""

    all_of: Callable[[list[T]], T]
    any_of: Callable[[list[T]], T]
    negate: Callable[[T], T]


def _sql_not(clause: ColumnElement[bool]) -> ColumnElement[bool]:
    # A comparison with NULL is unknown, and NOT unknown is unknown: make the inner clause
    # plain true/false first, so `not a` keeps the rows where `a` has no value.
    return not_(case((clause, true()), else_=false()))


SQL_LOGIC: LogicOps[ColumnElement[bool]] = LogicOps(
    all_of=lambda parts: and_(*parts), any_of=lambda parts: or_(*parts), negate=_sql_not
)


class LogicParser(Generic[T]):
    """`a and (b or c)` over condition names; `and` binds tighter than `or`."""

    def __init__(self, tokens: list[str], clauses: dict[str, T], ops: LogicOps[T]) -> None:
        self.tokens = tokens
        self.clauses = clauses
        self.ops = ops
        self.position = 0
        self.used: set[str] = set()

    def _peek(self) -> str | None:
        return self.tokens[self.position].lower() if self.position < len(self.tokens) else None

    def _take(self) -> str:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def parse(self) -> T:
        clause = self._or()
        if self.position != len(self.tokens):
            raise ValidationFailed.for_field("condition.logics", f"unexpected {self._take()!r}")
        return clause

    def _or(self) -> T:
        parts = [self._and()]
        while self._peek() == "or":
            self._take()
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else self.ops.any_of(parts)

    def _and(self) -> T:
        parts = [self._factor()]
        while self._peek() == "and":
            self._take()
            parts.append(self._factor())
        return parts[0] if len(parts) == 1 else self.ops.all_of(parts)

    def _factor(self) -> T:
        token = self._peek()
        if token is None:
            raise ValidationFailed.for_field("condition.logics", "ends where a condition is needed")
        if token == "not":
            self._take()
            return self.ops.negate(self._factor())
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


def search_filter(
    body: SearchBody, clause_of: ConditionClause, create_time: Any
) -> ColumnElement[bool]:
    """The filter the whole search body describes (without the workspace, which the repository
    adds): its dates on the `create_time` column, its conditions (each made by `clause_of`)
    joined as its logics say. Every bad condition is reported at once (docs/errors.md)."""
    parts: list[ColumnElement[bool]] = []
    if body.from_date is not None:
        parts.append(create_time >= body.from_date)
    if body.to_date is not None:
        parts.append(create_time <= body.to_date)
    group = body.condition or ConditionGroup()
    clauses: dict[str, ColumnElement[bool]] = {}
    problems: list[ValidationFailed] = []
    for index, condition in enumerate(group.conditions):
        try:
            if condition.name in clauses:
                raise ValidationFailed.for_field(
                    f"condition.conditions.{index}.name", f"{condition.name!r} is used twice"
                )
            clauses[condition.name] = clause_of(condition, f"condition.conditions.{index}")
        except ValidationFailed as failure:
            problems.append(failure)
    if problems:
        raise ValidationFailed.combining(problems)
    if group.logics:
        parser = LogicParser(group.logics, clauses, SQL_LOGIC)
        parts.append(parser.parse())
        unused = set(clauses) - parser.used
        if unused:
            raise ValidationFailed.for_field(
                "condition.logics", f"conditions not used in logics: {', '.join(sorted(unused))}"
            )
    else:
        parts.extend(clauses.values())
    return and_(true(), *parts)
