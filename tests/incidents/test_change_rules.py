"""The status and close-time rules as a table (their SQL form is held to the same rules in
test_changes.py), and the tag operations."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from socdesk.incidents.relations import TagChange, TagOperation
from socdesk.incidents.rules import (
    CloseTime,
    StatusIntent,
    close_time_after,
    close_time_rule,
    status_after,
)
from socdesk.models import Status

NOW = datetime(2026, 11, 24, 6, 33, tzinfo=UTC)
EARLIER = datetime(2026, 11, 1, tzinfo=UTC)

W, S = StatusIntent, Status  # W for what a write asks
# (intent, current status) -> status after; None is a new incident.
STATUS_TABLE = {
    (W.open, None): S.new,
    (W.open, S.new): S.new,
    (W.open, S.in_progress): S.in_progress,
    (W.open, S.review): S.review,
    (W.open, S.blocked): S.in_progress,
    (W.open, S.closed): S.in_progress,
    (W.in_progress, None): S.in_progress,
    (W.in_progress, S.new): S.in_progress,
    (W.in_progress, S.review): S.in_progress,
    (W.in_progress, S.blocked): S.blocked,
    (W.in_progress, S.closed): S.in_progress,
    **{(W.new, s): S.new for s in (None, *S)},
    **{(W.review, s): S.review for s in (None, *S)},
    **{(W.blocked, s): S.blocked for s in (None, *S)},
    **{(W.closed, s): S.closed for s in (None, *S)},
}


@pytest.mark.parametrize(("intent", "current"), list(STATUS_TABLE))
def test_the_status_a_write_leads_to(intent: StatusIntent, current: Status | None) -> None:
    assert status_after(intent, current) is STATUS_TABLE[intent, current]


@pytest.mark.parametrize(
    ("current", "after", "rule"),
    [
        (None, S.closed, CloseTime.now),
        (S.new, S.closed, CloseTime.now),
        (S.blocked, S.closed, CloseTime.now),
        (S.closed, S.closed, CloseTime.keep),
        (S.closed, S.in_progress, CloseTime.clear),
        (S.closed, S.blocked, CloseTime.clear),
        (None, S.new, CloseTime.clear),
        (S.review, S.review, CloseTime.clear),
    ],
)
def test_what_a_status_write_does_to_the_close_time(
    current: Status | None, after: Status, rule: CloseTime
) -> None:
    assert close_time_rule(current, after) is rule


def test_closing_sets_the_time_and_closing_again_keeps_it() -> None:
    assert close_time_after(W.closed, S.new, None, NOW) == NOW
    assert close_time_after(W.closed, S.new, EARLIER, NOW) == NOW  # a stale time is not kept
    assert close_time_after(W.closed, S.closed, EARLIER, NOW) == EARLIER
    assert close_time_after(W.closed, S.closed, None, NOW) == NOW
    assert close_time_after(W.open, S.closed, EARLIER, NOW) is None
    assert close_time_after(W.in_progress, S.blocked, None, NOW) is None


@pytest.mark.parametrize(
    ("operation", "had", "after"),
    [
        (TagOperation.add, ["a", "b"], ["a", "b", "c"]),
        (TagOperation.remove, ["a", "b"], ["a"]),
        (TagOperation.replace_, ["a", "b"], ["b", "c"]),
    ],
)
def test_tag_operations(operation: TagOperation, had: list[str], after: list[str]) -> None:
    wanted = ("b", "c", "b") if operation is not TagOperation.remove else ("b",)
    assert TagChange.of(operation, wanted).applied(had) == after
