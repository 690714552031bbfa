"""The rules of a playbook version's status (SecMaster's review), written once.

    EDITING --submit--> APPROVING --PASS--> PUBLISHED (read-only)
       ^                 |    \\--UN_PASS--> UNPASSED --resubmit--> APPROVING
       '----withdraw-----'                      '--edit again--> EDITING

A version's fields, rule and actions change only while it is EDITING or UNPASSED. Approval is
always a step of its own; only where the workspace's automation setting asks for it
(`approval_by_another`, shared with workflows) must the approver be another person.
"""

from __future__ import annotations

from enum import StrEnum

from socdesk.kit.errors import Conflict, ValidationFailed
from socdesk.models import PlaybookStatus

EDITABLE = frozenset({PlaybookStatus.EDITING, PlaybookStatus.UNPASSED})

# Status changes a version update may ask for; publishing is the approval's.
MOVES: dict[PlaybookStatus, frozenset[PlaybookStatus]] = {
    PlaybookStatus.EDITING: frozenset({PlaybookStatus.APPROVING}),
    PlaybookStatus.APPROVING: frozenset({PlaybookStatus.EDITING}),
    PlaybookStatus.UNPASSED: frozenset({PlaybookStatus.EDITING, PlaybookStatus.APPROVING}),
    PlaybookStatus.PUBLISHED: frozenset(),
}


class ApprovalResult(StrEnum):
    PASS = "PASS"
    UN_PASS = "UN_PASS"


def check_move(label: str, current: PlaybookStatus, wanted: PlaybookStatus) -> None:
    """Refuse a status change the rules do not allow (400 naming `status`)."""
    if wanted == current:
        return
    if wanted not in MOVES[current]:
        hint = (
            " (a version under review is published by its approval: POST .../approval)"
            if wanted is PlaybookStatus.PUBLISHED
            else ""
        )
        allowed = ", ".join(sorted(MOVES[current])) or "none (it is read-only)"
        raise ValidationFailed.for_field(
            "status",
            f"version {label} is {current}: it can move to {allowed}, not {wanted}{hint}",
            wanted.value,
        )


def check_editable(label: str, current: PlaybookStatus, what: list[str]) -> None:
    """Refuse changing a version past editing (409 naming what was to change)."""
    if what and current not in EDITABLE:
        raise Conflict(
            f"{', '.join(what)}: version {label} is {current}; only an EDITING or UNPASSED "
            "version can change: clone it into a new one"
        )


def check_approvable(label: str, current: PlaybookStatus) -> None:
    if current is not PlaybookStatus.APPROVING:
        raise Conflict(f"version {label} is {current}: only an APPROVING version can be approved")
