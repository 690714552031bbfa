"""The rule evaluator: does a data object's JSON document pass a playbook rule? The search
language's operators and logic (kit/conditions.py) over dotted paths of the document, in
plain Python — no eval, no SQL. The trigger wiring calls `matches` for each enabled EVENT
version a write concerns.

Semantics are search's: `=` and `in` need the field to have an equal value; `!=` holds where
the field has no value too; `>` `>=` `<` `<=` hold only between values of one kind (numbers,
or text, which compares as text); `contains` is a case-insensitive part of text. A value is
read as the document's field is: a number field compares numbers ("80" is 80), a boolean
field booleans ("true"). A path walks objects by key and lists by index (`network_list.0.
src_ip`); over a list without an index, the condition holds if it holds for any item.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any

from socdesk.automation.playbooks.rules import ConditionInfo, RuleCondition
from socdesk.kit.conditions import OPERATORS, LogicOps, LogicParser
from socdesk.kit.errors import ValidationFailed

Predicate = Callable[[Mapping[str, Any]], bool]
_MISSING = object()
MAX_PATH_PARTS = 16

PYTHON_LOGIC: LogicOps[Predicate] = LogicOps(
    all_of=lambda parts: lambda doc: all(p(doc) for p in parts),
    any_of=lambda parts: lambda doc: any(p(doc) for p in parts),
    negate=lambda part: lambda doc: not part(doc),
)


def _values_at(document: Any, parts: tuple[str, ...]) -> list[Any]:
    """The values a dotted path reaches (several across a list); none when it reaches none."""
    current = [document]
    for part in parts:
        found: list[Any] = []
        for value in current:
            if isinstance(value, Mapping):
                if part in value:
                    found.append(value[part])
            elif isinstance(value, list):
                if part.isdigit():
                    if int(part) < len(value):
                        found.append(value[int(part)])
                else:
                    found.extend(
                        item[part] for item in value if isinstance(item, Mapping) and part in item
                    )
        current = found
    flat: list[Any] = []
    for value in current:
        flat.extend(value if isinstance(value, list) else [value])
    return [v for v in flat if v is not None]


def _as_kind_of(field_value: Any, raw: Any) -> Any:
    """`raw` (a rule's value, often text) read as the kind of `field_value`; _MISSING when it
    cannot be one."""
    if isinstance(field_value, bool):
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        return {"true": True, "false": False}.get(text, _MISSING)
    if isinstance(field_value, int | float):
        if isinstance(raw, bool):
            return _MISSING
        try:
            number = float(raw)
        except (TypeError, ValueError):
            return _MISSING
        return number if math.isfinite(number) else _MISSING
    if isinstance(field_value, str):
        return (
            raw if isinstance(raw, str) else str(raw).lower() if isinstance(raw, bool) else str(raw)
        )
    return _MISSING


def _equal(field_value: Any, raw: Any) -> bool:
    wanted = _as_kind_of(field_value, raw)
    return wanted is not _MISSING and field_value == wanted


def _ordered(operator: str) -> Callable[[Any, Any], bool]:
    compare: dict[str, Callable[[Any, Any], bool]] = {
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
    }
    test = compare[operator]

    def check(field_value: Any, raw: Any) -> bool:
        if isinstance(field_value, bool) or not isinstance(field_value, int | float | str):
            return False
        wanted = _as_kind_of(field_value, raw)
        return wanted is not _MISSING and test(field_value, wanted)

    return check


def _contains(field_value: Any, raw: Any) -> bool:
    return isinstance(field_value, str) and str(raw).casefold() in field_value.casefold()


def _condition(condition: RuleCondition, where: str) -> Predicate:
    field_name, operator, *values = condition.data
    if not isinstance(field_name, str) or not field_name.strip():
        raise ValidationFailed.for_field(f"{where}.data.0", "must name a field (dotted path)")
    parts = tuple(field_name.strip().split("."))
    if len(parts) > MAX_PATH_PARTS or not all(parts):
        raise ValidationFailed.for_field(
            f"{where}.data.0", f"{field_name[:100]!r} is not a dotted path of a field"
        )
    if operator not in OPERATORS:
        raise ValidationFailed.for_field(
            f"{where}.data.1", f"{operator!r} is not an operator; use one of {' '.join(OPERATORS)}"
        )
    if operator != "in" and len(values) != 1:
        raise ValidationFailed.for_field(f"{where}.data", f"{operator!r} takes exactly one value")
    if operator == "!=":
        value = values[0]
        return lambda doc: not any(_equal(v, value) for v in _values_at(doc, parts))
    if operator == "in":
        return lambda doc: any(_equal(v, w) for v in _values_at(doc, parts) for w in values)
    test: Callable[[Any, Any], bool] = (
        _contains if operator == "contains" else _equal if operator == "=" else _ordered(operator)
    )
    value = values[0]
    return lambda doc: any(test(v, value) for v in _values_at(doc, parts))


def compile_rule(rule: ConditionInfo) -> Predicate:
    """The rule as one predicate on documents (400 naming the condition or logic at fault).
    No conditions: every document passes."""
    clauses: dict[str, Predicate] = {}
    problems: list[ValidationFailed] = []
    for index, condition in enumerate(rule.conditions):
        where = f"conditions.{index}"
        try:
            if condition.name in clauses:
                raise ValidationFailed.for_field(
                    f"{where}.name", f"{condition.name!r} is used twice"
                )
            clauses[condition.name] = _condition(condition, where)
        except ValidationFailed as failure:
            problems.append(failure)
    if problems:
        raise ValidationFailed.combining(problems)
    if not rule.logics:
        parts = list(clauses.values())
        return lambda doc: all(p(doc) for p in parts)
    try:
        parser = LogicParser(rule.logics, clauses, PYTHON_LOGIC)
        predicate = parser.parse()
    except ValidationFailed as failure:
        raise ValidationFailed(
            failure.message.replace("condition.logics", "logics"),
            details=failure.details,
        ) from None
    unused = set(clauses) - parser.used
    if unused:
        raise ValidationFailed.for_field(
            "logics", f"conditions not used in logics: {', '.join(sorted(unused))}"
        )
    return predicate


def refuse_bad_rule(rule: ConditionInfo, where: str = "rule") -> None:
    """Compile the rule once to check it (400 naming the part at fault, under `where`)."""
    try:
        compile_rule(rule)
    except ValidationFailed as failure:
        details = [replace(d, field=f"{where}.{d.field}") for d in failure.details]
        raise ValidationFailed(f"{where}.{failure.message}", details=details) from None


@lru_cache(maxsize=1024)
def _compiled(text: str) -> Predicate:
    return compile_rule(ConditionInfo.model_validate_json(text))


def matches(rule: ConditionInfo | Mapping[str, Any] | str, document: Mapping[str, Any]) -> bool:
    """Whether `document` (a data object's JSON) passes `rule` (the model, its dict, or the
    stored JSON text; stored rules are compiled once and kept)."""
    if isinstance(rule, str):
        return _compiled(rule)(document)
    model = rule if isinstance(rule, ConditionInfo) else ConditionInfo.model_validate(rule)
    return compile_rule(model)(document)
