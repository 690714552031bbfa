"""The rule evaluator: a data object's document against a playbook rule, with search's
operators and logic, without eval."""

from __future__ import annotations

import json
from typing import Any

import pytest

from socdesk.automation.playbooks.evaluator import compile_rule, matches
from socdesk.automation.playbooks.rules import ConditionInfo
from socdesk.kit.errors import ValidationFailed

INCIDENT: dict[str, Any] = {
    "title": "Phishing mail to finance",
    "severity": "High",
    "confidence": 85,
    "verification_state": "Unknown",
    "is_public": False,
    "incident_type": {"category": "Phishing", "incident_type": "Spear phishing"},
    "labels": ["mail", "finance"],
    "network_list": [{"src_ip": "10.0.0.1"}, {"src_ip": "10.0.0.9"}],
}


def _rule(*conditions: list[Any], logics: list[str] | None = None) -> dict[str, Any]:
    return {
        "expression_type": "common",
        "conditions": [{"name": f"c{i}", "data": data} for i, data in enumerate(conditions)],
        "logics": logics or [],
    }


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (["severity", "=", "High"], True),
        (["severity", "=", "high"], False),
        (["severity", "!=", "Low"], True),
        (["owner", "!=", "ada"], True),  # no value is "not ada", as in search
        (["owner", "=", "ada"], False),
        (["severity", "in", "High", "Fatal"], True),
        (["severity", "in", "Low", "Tips"], False),
        (["confidence", ">=", "80"], True),  # a number field reads the rule's text as a number
        (["confidence", ">", 85], False),
        (["confidence", "<", "90.5"], True),
        (["confidence", "=", "eighty"], False),
        (["confidence", ">", "x"], False),
        (["title", "contains", "FINANCE"], True),
        (["title", "contains", "payroll"], False),
        (["confidence", "contains", "8"], False),  # contains is for text
        (["is_public", "=", "false"], True),
        (["is_public", "=", "true"], False),
        (["incident_type.category", "=", "Phishing"], True),
        (["incident_type.missing.deeper", "=", "x"], False),
        (["labels", "=", "finance"], True),  # a list holds if any item does
        (["labels", "in", "hr", "mail"], True),
        (["network_list.src_ip", "=", "10.0.0.9"], True),
        (["network_list.0.src_ip", "=", "10.0.0.9"], False),
        (["network_list.1.src_ip", "=", "10.0.0.9"], True),
        (["network_list.7.src_ip", "!=", "10.0.0.9"], True),
        (["title", ">", "A"], True),
        (["title", "<", 5], False),  # text compares with text
    ],
)
def test_each_operator_means_what_it_means_in_search(condition: list[Any], expected: bool) -> None:
    assert matches(_rule(condition), INCIDENT) is expected


def test_logics_join_conditions_with_and_or_not_and_parentheses() -> None:
    high = ["severity", "=", "High"]
    low_confidence = ["confidence", "<", "50"]
    phishing = ["incident_type.category", "=", "Phishing"]

    assert matches(_rule(high, low_confidence), INCIDENT) is False  # no logics: all of them
    assert matches(_rule(high, low_confidence, logics=["c0", "or", "c1"]), INCIDENT) is True
    assert matches(_rule(high, low_confidence, logics=["c0", "and", "not", "c1"]), INCIDENT)
    assert (
        matches(
            _rule(high, low_confidence, phishing, logics=["c1", "or", "c0", "and", "c2"]),
            INCIDENT,
        )
        is True
    )  # and binds tighter than or
    assert (
        matches(
            _rule(
                high,
                low_confidence,
                phishing,
                logics=["(", "c1", "or", "c0", ")", "and", "not", "c2"],
            ),
            INCIDENT,
        )
        is False
    )
    assert matches(_rule(), INCIDENT) is True  # no conditions: every object


def test_the_rule_may_be_the_model_its_dict_or_the_stored_json() -> None:
    rule = _rule(["severity", "in", "High", "Fatal"], ["confidence", ">=", "80"])

    answers = {
        matches(rule, INCIDENT),
        matches(ConditionInfo.model_validate(rule), INCIDENT),
        matches(json.dumps(rule), INCIDENT),
    }

    assert answers == {True}
    assert matches(json.dumps(rule), {**INCIDENT, "confidence": 10}) is False


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (_rule(["severity", "~", "High"]), "conditions.0.data.1: '~' is not an operator"),
        (_rule(["severity", "=", "High", "Fatal"]), "conditions.0.data: '=' takes exactly one"),
        (_rule(["", "=", "High"]), "conditions.0.data.0: must name a field"),
        (_rule(["a..b", "=", "High"]), "is not a dotted path"),
        (_rule(["severity", "=", "High"], logics=["c0", "and"]), "logics: ends where"),
        (_rule(["severity", "=", "High"], logics=["c9"]), "logics: no condition named 'c9'"),
        (_rule(["a", "=", 1], ["b", "=", 2], logics=["c0"]), "not used in logics: c1"),
        (_rule(["a", "=", 1], logics=["(", "c0"]), "a parenthesis is not closed"),
    ],
)
def test_a_bad_rule_is_refused_naming_its_part(rule: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        compile_rule(ConditionInfo.model_validate(rule))

    assert message in refused.value.message


def test_nothing_in_a_rule_is_evaluated_as_code() -> None:
    hostile = _rule(["__class__.__mro__", "=", "x"], ["title", "=", "__import__('os')"])

    assert matches(hostile, INCIDENT) is False
    assert matches(hostile, {"title": "__import__('os')"}) is False
