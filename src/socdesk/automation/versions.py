"""The rules of a workflow version's status (SecMaster's review), written once.

    pending_submit --submit--> pending_approval --PASS--> activated --switch off--> not_activated
          ^                          |   \\--UN_PASS--> rejected --resubmit--^         |
          '-------withdraw-----------'                                  activated <--'

Fields change only while a version is a draft (pending_submit) or was rejected; an activated
version is read-only and cannot be deleted; a workflow has one activated version at most.
"""

from __future__ import annotations

from enum import StrEnum

from socdesk.kit.errors import Conflict, ValidationFailed
from socdesk.models import VersionStatus

EDITABLE = frozenset({VersionStatus.pending_submit, VersionStatus.rejected})

# Status changes a version update may ask for; activation from review is the approval's.
MOVES: dict[VersionStatus, frozenset[VersionStatus]] = {
    VersionStatus.pending_submit: frozenset({VersionStatus.pending_approval}),
    VersionStatus.pending_approval: frozenset({VersionStatus.pending_submit}),
    VersionStatus.rejected: frozenset(
        {VersionStatus.pending_submit, VersionStatus.pending_approval}
    ),
    VersionStatus.activated: frozenset({VersionStatus.not_activated}),
    VersionStatus.not_activated: frozenset({VersionStatus.activated}),
}


class ApprovalResult(StrEnum):
    PASS = "PASS"
    UN_PASS = "UN_PASS"


def check_move(label: str, current: VersionStatus, wanted: VersionStatus) -> None:
    """Refuse a status change the rules do not allow (400 naming `status`)."""
    if wanted == current:
        return
    if wanted not in MOVES[current]:
        hint = (
            " (a version under review is activated by its approval: POST .../approval)"
            if current is VersionStatus.pending_approval and wanted is VersionStatus.activated
            else ""
        )
        allowed = ", ".join(sorted(MOVES[current])) or "none"
        raise ValidationFailed.for_field(
            "status",
            f"version {label} is {current}: it can move to {allowed}, not {wanted}{hint}",
            wanted.value,
        )


def check_editable(label: str, current: VersionStatus, fields: list[str]) -> None:
    """Refuse changing the fields of a version past review (409 naming them)."""
    if fields and current not in EDITABLE:
        raise Conflict(
            f"{', '.join(fields)}: version {label} is {current}; only a draft "
            "(pending_submit) or a rejected version can change: create a new version"
        )


def check_deletable(label: str, current: VersionStatus) -> None:
    if current is VersionStatus.activated:
        raise Conflict(f"version {label} is activated and cannot be deleted")


def check_approvable(label: str, current: VersionStatus) -> None:
    if current is not VersionStatus.pending_approval:
        raise Conflict(
            f"version {label} is {current}: only a version pending approval can be approved"
        )
