"""Register incidents: list by cursor, read, create, change and delete, over the one store."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, false, func, literal, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.incidents.changes import IncidentChanges
from socdesk.incidents.writes import UNSET
from socdesk.kit.cursors import (
    bad_cursor,
    cursor_int,
    cursor_time,
    cursor_uuid,
    decode_cursor,
    encode_cursor,
)
from socdesk.kit.errors import ValidationFailed
from socdesk.models import Incident, IncidentTag, Severity, Status, User
from socdesk.register.incidents import ids as incident_ids
from socdesk.register.incidents import mapping
from socdesk.register.incidents.mapping import SEVERITY_OF, STATUS_OF
from socdesk.register.incidents.rows import RowReader
from socdesk.register.incidents.schemas import (
    IncidentPatch,
    RegisterIncidentCreate,
    RegisterPage,
    RegisterRow,
    RegisterSeverity,
    RegisterStatus,
)
from socdesk.workspaces.scope import WorkspaceScope

# Sort keys of GET /v1/incidents (prefix `-` for descending) and the columns behind them.
SORT_COLUMNS: dict[str, Any] = {
    "created_date": Incident.create_time,
    "updated_date": Incident.update_time,
    "occurred_date": Incident.first_observed_time,
    "severity": Incident.severity,
    "id": Incident.number,
}
SORTS = tuple(f"{sign}{key}" for key in SORT_COLUMNS for sign in ("", "-"))


@dataclass(frozen=True)
class ListFilters:
    statuses: Sequence[RegisterStatus] = ()
    severities: Sequence[RegisterSeverity] = ()
    source: str | None = None
    assigned_to: uuid.UUID | None = None
    tag: str | None = None
    text: str | None = None
    sort: str = "-created_date"
    limit: int = 50
    cursor: str | None = None


def _encode_cursor(sort: str, value: Any, incident_id: uuid.UUID) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    return encode_cursor(sort, value, str(incident_id))


def _decode_cursor(cursor: str, sort: str) -> tuple[Any, uuid.UUID]:
    """The last row's sort value and id; 400 for a cursor this listing did not hand out (or
    handed out for another sort)."""
    saved_sort, value, last_id = decode_cursor(cursor, 3)
    key = sort.lstrip("-")
    try:
        if saved_sort != sort:
            raise ValueError("another sort")
        if key == "severity":
            value = cursor_int(value, min(Severity), max(Severity))
        elif key == "id":
            value = cursor_int(value, 1, incident_ids.LARGEST_NUMBER)
        else:
            value = cursor_time(value)
        return value, cursor_uuid(last_id)
    except ValueError:
        raise bad_cursor(cursor) from None


class RegisterIncidents:
    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.changes = IncidentChanges(session, scope)
        self.reader = RowReader(session, scope.workspace_id, scope.project.id)

    async def page(self, filters: ListFilters) -> RegisterPage:
        """One page by keyset: the cursor carries the last row's sort value and id, so every
        page costs the same however deep it is."""
        if filters.sort not in SORTS:
            raise ValidationFailed.for_field(
                "sort", "must be one of " + ", ".join(SORTS), filters.sort
            )
        column = SORT_COLUMNS[filters.sort.lstrip("-")]
        descending = filters.sort.startswith("-")
        where = [Incident.workspace_id == self.scope.workspace_id, *await self._where(filters)]
        if filters.cursor:
            value, last_id = _decode_cursor(filters.cursor, filters.sort)
            # A row comparison, which the (workspace_id, column, id) indexes answer directly.
            after = tuple_(column, Incident.id)
            position = tuple_(literal(value, column.type), literal(last_id, Incident.id.type))
            where.append(after < position if descending else after > position)
        order = (column.desc(), Incident.id.desc()) if descending else (column, Incident.id)
        rows = (
            await self.session.scalars(
                select(Incident).where(*where).order_by(*order).limit(filters.limit + 1)
            )
        ).all()
        more = len(rows) > filters.limit
        rows = rows[: filters.limit]
        next_cursor = None
        if more:
            last = rows[-1]
            next_cursor = _encode_cursor(filters.sort, getattr(last, column.key), last.id)
        return RegisterPage(incidents=await self.reader.rows(rows), next_cursor=next_cursor)

    async def _where(self, filters: ListFilters) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if filters.statuses:
            statuses = {STATUS_OF[s].value for s in filters.statuses}
            if Status.in_progress.value in statuses:
                statuses.add(Status.blocked.value)  # blocked reads as In Progress
            where.append(Incident.status.in_(statuses))
        if filters.severities:
            where.append(Incident.severity.in_([int(SEVERITY_OF[s]) for s in filters.severities]))
        if filters.source is not None:
            where.append(Incident.product_name == filters.source)
        if filters.assigned_to is not None:
            email = await self.session.scalar(
                select(User.email).where(
                    User.id == filters.assigned_to, User.project_id == self.scope.project.id
                )
            )
            where.append(func.lower(Incident.owner) == email.lower() if email else false())
        if filters.tag is not None:
            where.append(
                exists().where(
                    IncidentTag.workspace_id == Incident.workspace_id,
                    IncidentTag.incident_id == Incident.id,
                    IncidentTag.content == filters.tag,
                )
            )
        if filters.text:
            where.append(
                or_(
                    Incident.title.icontains(filters.text, autoescape=True),
                    Incident.description.icontains(filters.text, autoescape=True),
                )
            )
        return where

    async def row(self, id_text: str) -> RegisterRow:
        incident_id = await incident_ids.resolve_one(self.session, self.scope.workspace_id, id_text)
        (row,) = await self.reader.rows_of([incident_id])
        return row

    async def patch(self, id_texts: Sequence[str], change: IncidentPatch) -> list[RegisterRow]:
        """Apply `change` to the incidents named (INC-00001 or UUID), all or none; their rows.
        400 if the change is invalid, 404 if any id is unknown; then nothing is written."""
        writes = await self.changes.prepare(mapping.patch_change(change))
        ids = await incident_ids.resolve(self.session, self.scope.workspace_id, id_texts)
        await self.changes.apply(await self.changes.lock_existing(ids), writes)
        return await self.reader.rows_of(ids)

    async def create(self, body: RegisterIncidentCreate) -> RegisterRow:
        """A new incident opened by the caller; SecMaster's mandatory fields that the register
        does not have get documented defaults (`mapping.new_incident`)."""
        source = body.source if body.source is not None else UNSET
        found = await self.changes.resolved(source=source, assignee=body.assigned_to)
        new = mapping.new_incident(
            body, found.get("product_name", mapping.DEFAULT_SOURCE), found["owner"]
        )
        (incident_id,) = await self.changes.create([new])
        (row,) = await self.reader.rows_of([incident_id])
        return row

    async def delete(self, id_text: str) -> None:
        incident_id = await incident_ids.resolve_one(self.session, self.scope.workspace_id, id_text)
        await self.changes.delete([incident_id])
