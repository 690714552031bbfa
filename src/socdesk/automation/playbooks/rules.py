"""A playbook version's rule: SecMaster's ConditionInfo. For EVENT versions its `conditions`
and `logics` filter the data objects (the search language, kit/conditions.py, evaluated by
evaluator.py); for TIMER versions its `cron` and schedule fields say when to run.

Clients send the rule as an object or as a JSON string of one (both are seen in the wild):
`RuleValue` takes either."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from croniter import croniter
from pydantic import Field, Json, field_validator

from socdesk.kit.clock import parse_time
from socdesk.kit.conditions import MAX_IN_VALUES
from socdesk.kit.schemas import RequestBody

MAX_RULE_CONDITIONS = 50
ConditionValue = Annotated[str, Field(max_length=1024)] | int | float | bool


class RuleCondition(RequestBody):
    name: str = Field(min_length=1, max_length=64)
    detail: str = Field(default="", max_length=1024)
    data: list[ConditionValue] = Field(
        min_length=3,
        max_length=MAX_IN_VALUES + 2,
        description="[field, operator, value, ...]: a dotted field of the data object, one of "
        "the search operators (= != > >= < <= contains in), its value(s).",
    )


class ConditionInfo(RequestBody):
    """SecMaster's ConditionInfo, field for field."""

    expression_type: Literal["common"] = "common"
    conditions: list[RuleCondition] = Field(default_factory=list, max_length=MAX_RULE_CONDITIONS)
    logics: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list,
        max_length=200,
        description='Condition names joined by "and"/"or"/"not", with parentheses; empty: all.',
    )
    cron: str | None = Field(default=None, max_length=128, description="TIMER: when to run.")
    schedule_type: Literal["second", "hour", "day", "week"] | None = None
    start_type: Literal["IMMEDIATELY", "CUSTOM"] | None = None
    end_type: Literal["FOREVER", "CUSTOM"] | None = None
    end_time: str | None = Field(default=None, max_length=64)
    start_time: str | None = Field(default=None, max_length=64)
    repeat_range: str | None = Field(default=None, max_length=128)
    only_once: bool | None = None
    execution_type: Literal["PARALLEL", "SERIAL_WAIT"] | None = None

    @field_validator("cron")
    @classmethod
    def known_cron(cls, value: str | None) -> str | None:
        if value is not None and value.strip() and not _valid_cron(value):
            raise ValueError(f"{value[:128]!r} is not a cron expression (e.g. '*/5 * * * *')")
        return value

    @field_validator("start_time", "end_time")
    @classmethod
    def a_time(cls, value: str | None) -> str | None:
        if value:
            parse_time(value)
        return value


def _valid_cron(expression: str) -> bool:
    try:
        return bool(croniter.is_valid(expression.strip()))
    except (ValueError, TypeError, OverflowError, RecursionError):
        return False


# The rule as an object, or as a JSON string of one.
RuleValue = ConditionInfo | Json[ConditionInfo]


def rule_text(rule: ConditionInfo) -> str:
    """The rule as stored and answered (RuleInfo.rule): its JSON, the fields given."""
    return json.dumps(rule.model_dump(exclude_none=True), ensure_ascii=False)


def stored_rule(text: str | None) -> ConditionInfo | None:
    return ConditionInfo.model_validate_json(text) if text else None


def rule_document(text: str | None) -> dict[str, Any]:
    return json.loads(text) if text else {}


def has_cron(rule: ConditionInfo | None) -> bool:
    return bool(rule and rule.cron and rule.cron.strip())
