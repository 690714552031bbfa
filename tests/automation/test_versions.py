"""The version status rules (automation/versions.py), move by move."""

from __future__ import annotations

import pytest

from socdesk.automation.versions import (
    MOVES,
    check_approvable,
    check_deletable,
    check_editable,
    check_move,
)
from socdesk.kit.errors import Conflict, ValidationFailed
from socdesk.models import VersionStatus as S

ALLOWED = {
    (S.pending_submit, S.pending_approval),
    (S.pending_approval, S.pending_submit),
    (S.rejected, S.pending_submit),
    (S.rejected, S.pending_approval),
    (S.activated, S.not_activated),
    (S.not_activated, S.activated),
}


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("wanted", list(S))
def test_only_the_reviews_moves_are_allowed(current: S, wanted: S) -> None:
    if current == wanted or (current, wanted) in ALLOWED:
        check_move("V1", current, wanted)
    else:
        with pytest.raises(ValidationFailed) as refused:
            check_move("V1", current, wanted)
        assert refused.value.message.startswith(f"status: version V1 is {current}")
    assert {(a, b) for a, moves in MOVES.items() for b in moves} == ALLOWED


def test_a_version_under_review_is_told_that_approval_activates_it() -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_move("V2", S.pending_approval, S.activated)

    assert "POST .../approval" in refused.value.message


@pytest.mark.parametrize("current", list(S))
def test_fields_change_only_on_drafts_and_rejected_versions(current: S) -> None:
    if current in (S.pending_submit, S.rejected):
        check_editable("V1", current, ["name"])
    else:
        with pytest.raises(Conflict):
            check_editable("V1", current, ["name"])
    check_editable("V1", current, [])  # a pure status move changes no field


def test_only_activated_versions_are_kept_and_only_pending_ones_approved() -> None:
    with pytest.raises(Conflict):
        check_deletable("V1", S.activated)
    for status in set(S) - {S.activated}:
        check_deletable("V1", status)
    check_approvable("V1", S.pending_approval)
    for status in set(S) - {S.pending_approval}:
        with pytest.raises(Conflict):
            check_approvable("V1", status)
