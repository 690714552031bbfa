"""The fields a workspace added to the Incident class (`POST ~/soc/dataclasses/{id}/fields`):
an incident carries them in its `data_object` beside SecMaster's own, kept in its document, and
they are checked by the class rule every other class's fields are checked by
(classes/validation.py: type, enum values, required). SecMaster's own fields keep their own
checks (incidents/record.py); a key that is neither is refused, naming it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.classes.registry import INCIDENT, DataClass
from socdesk.classes.service import DataClassService
from socdesk.classes.validation import check_data_object
from socdesk.incidents import mapping
from socdesk.kit.errors import ErrorDetail, ValidationFailed
from socdesk.kit.schemas import unstorable
from socdesk.workspaces.scope import WorkspaceScope

# The Incident class of a workspace that added no field: every key beyond SecMaster's is
# unknown to it.
NONE_ADDED = replace(INCIDENT, fields=(), promoted=())


def added_values(record: Mapping[str, Any]) -> dict[str, Any]:
    """The values of `record` (a document or `mapping.sent_fields` form) that are no field of
    SecMaster's Incident."""
    return {k: v for k, v in record.items() if k not in mapping.RECORD_FIELDS}


def problems_of(
    data_class: DataClass, values: dict[str, Any], row: int | None, *, partial: bool = False
) -> list[ErrorDetail]:
    """The class rule's problems with a record's added `values` (`data_class`: `added_class`'s
    answer, or NONE_ADDED), and text or numbers in them no store can hold (SecMaster's own
    fields are held to that by the record's model, which does not see these)."""
    problems = check_data_object(data_class, values, row=row, partial=partial)
    for key, value in values.items():
        reason = unstorable({key: value})
        if reason is not None:
            problems.append(ErrorDetail(key, reason, row))
    return problems


async def added_class(session: AsyncSession, scope: WorkspaceScope) -> DataClass | None:
    """The Incident class reduced to the fields the workspace added (None when it added
    none): what the class rule checks an incident's added values against. Read through the
    workspace's configuration memo, so a write pays no query for it."""
    incident = await DataClassService(session, scope).find(INCIDENT.id)
    added = incident.fields[len(INCIDENT.fields) :]
    return replace(INCIDENT, fields=added, promoted=()) if added else None


async def refuse_unfit(
    session: AsyncSession,
    scope: WorkspaceScope,
    records: Sequence[Mapping[str, Any]],
    *,
    partial: bool,
) -> None:
    """400 listing every problem of the records' added values (each with its list index as
    `row` when there are several): a key the workspace did not add, a value of the wrong
    type, and, on a create (not `partial`), a required added field missing or, on a change,
    emptied. A change that carries no added value looks nothing up; otherwise the class comes
    from the workspace's configuration memo (no query while the configuration holds)."""
    values = [added_values(record) for record in records]
    if not any(values) and partial:
        return
    data_class = await added_class(session, scope)
    if data_class is None:
        if not any(values):
            return
        data_class = NONE_ADDED
    several = len(records) > 1
    problems = [
        ErrorDetail(f"data_object.{p.field}", p.message, p.row, p.value)
        for row, data in enumerate(values)
        for p in problems_of(data_class, data, row if several else None, partial=partial)
    ]
    if problems:
        shown = "; ".join(f"{p.field}: {p.message}" for p in problems[:5])
        more = f" and {len(problems) - 5} more" if len(problems) > 5 else ""
        raise ValidationFailed(f"invalid data_object: {shown}{more}", details=problems)
