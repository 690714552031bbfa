"""A workspace's socdesk_http settings only narrow the operator's: what a saved list may name,
and the limits a call gets."""

from __future__ import annotations

import json

import pytest

from socdesk.automation.component_settings import checked_settings, narrowed
from socdesk.automation.components import HTTP
from socdesk.automation.http_calls import HttpLimits, allow_list
from socdesk.kit.errors import ValidationFailed

OPERATOR = HttpLimits(
    allowed_hosts=("*.example.com", "hooks.test", "10.0.0.0/8", "2001:db8::/32"),
    timeout_seconds=10,
    max_response_bytes=1000,
)


@pytest.mark.parametrize(
    ("entry", "covered"),
    [
        ("api.example.com", True),
        ("*.a.example.com", True),
        ("*.example.com", True),
        ("example.com", False),
        ("*.com", False),
        ("*", False),
        ("hooks.test", True),
        ("other.test", False),
        ("10.1.0.0/16", True),
        ("10.2.3.4", True),
        ("10.0.0.0/7", False),
        ("2001:db8:1::/48", True),
        ("192.168.0.1", False),
    ],
)
def test_a_workspace_entry_is_covered_only_by_what_the_operator_allows(
    entry: str, covered: bool
) -> None:
    assert allow_list(OPERATOR.allowed_hosts).covers(entry) is covered


def test_any_host_covers_every_entry() -> None:
    assert all(allow_list(("*",)).covers(e) for e in ("*", "*.x.org", "a.b", "10.0.0.0/8"))


def test_saved_settings_are_normalised_and_narrow_the_limits() -> None:
    given = {"allowed_hosts": " API.example.com., hooks.test ,", "timeout_seconds": "2.50"}
    stored = checked_settings(HTTP, given, OPERATOR, "param")
    limits = narrowed(OPERATOR, stored)

    assert json.loads(stored) == {
        "allowed_hosts": "api.example.com,hooks.test",
        "timeout_seconds": "2.5",
    }
    assert limits.workspace_hosts == ("api.example.com", "hooks.test")
    assert (limits.allowed_hosts, limits.timeout_seconds) == (OPERATOR.allowed_hosts, 2.5)
    assert limits.max_response_bytes == OPERATOR.max_response_bytes


def test_a_limit_saved_under_an_older_ceiling_stays_under_the_new_one() -> None:
    stored = checked_settings(HTTP, {"max_response_bytes": "900"}, OPERATOR, "param")
    lowered = HttpLimits(allowed_hosts=(), max_response_bytes=500)

    assert narrowed(lowered, stored).max_response_bytes == 500


@pytest.mark.parametrize(
    "given",
    [
        {"timeout_seconds": "0"},
        {"timeout_seconds": "inf"},
        {"timeout_seconds": "-1"},
        {"max_response_bytes": "1.5"},
        {"max_response_bytes": "1001"},
        {"allowed_hosts": "a b.example.com"},
    ],
)
def test_limits_beyond_the_operators_or_not_limits_are_refused(given: dict[str, str]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        checked_settings(HTTP, given, OPERATOR, "param")
    assert f"param.{next(iter(given))}" in str(refused.value)
