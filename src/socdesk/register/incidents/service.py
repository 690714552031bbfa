"""Register incidents: list by cursor, read, create, change and delete, over the one store."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, false, func, literal, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.incidents import mapping
from socdesk.incidents.record import IncidentObject
from socdesk.kit.clock import utcnow
from socdesk.kit.cursors import (
    bad_cursor,
    cursor_int,
    cursor_time,
    cursor_uuid,
    decode_cursor,
    encode_cursor,
)
from socdesk.kit.errors import Problems, ValidationFailed
from socdesk.models import Incident, IncidentTag, Severity, Status, User
from socdesk.register.incidents import ids as incident_ids
from socdesk.register.incidents.patch import RegisterPatch, link_key, objective_list, plain
from socdesk.register.incidents.rows import SEVERITY_OF, STATUS_OF, RowReader
from socdesk.register.incidents.schemas import (
    IncidentPatch,
    RegisterIncidentCreate,
    RegisterPage,
    RegisterRow,
    RegisterSeverity,
    RegisterStatus,
    TagOperation,
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
# What a register create fills SecMaster's mandatory fields with (docs/dialects.md).
DEFAULT_INCIDENT_TYPE = {"category": "Other", "incident_type": "Other"}
DEFAULT_SOURCE = "SOCdesk"
REGISTER_SOURCE_TYPE = 3
REGISTER_PRODUCT_FEATURE = "Register"


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
        self.patcher = RegisterPatch(session, scope)
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
        ids = await self.patcher.apply(id_texts, change)
        return await self.reader.rows_of(ids)

    async def create(self, body: RegisterIncidentCreate) -> RegisterRow:
        """A new incident opened by the caller. SecMaster's mandatory fields that the register
        does not have get documented defaults; the create's audit event lists the register's
        facts beside SecMaster's fields."""
        source, owner = DEFAULT_SOURCE, None
        problems = Problems()
        with problems.check():
            if body.source is not None:
                source = await self.patcher.known_source(body.source)
        with problems.check():
            owner = await self.patcher.assignee_email(body.assigned_to)
        problems.raise_any()
        status = STATUS_OF[body.status]
        optional = {"arrive_time": body.detected_date, "owner": owner}
        data = IncidentObject(
            title=body.title,
            description=body.description or body.title,
            severity=mapping.NAME_BY_SEVERITY[SEVERITY_OF[body.severity]],
            handle_status=mapping.HANDLE_STATUS_OF[status],
            incident_type=DEFAULT_INCIDENT_TYPE,
            data_source={
                "source_type": REGISTER_SOURCE_TYPE,
                "product_name": source,
                "product_feature": REGISTER_PRODUCT_FEATURE,
            },
            first_observed_time=body.occurred_date or utcnow(),
            **{k: v for k, v in optional.items() if v is not None},
        )
        register_facts = {
            "status": status.value,
            "severity_reasoning": body.severity_reasoning,
            "responded_date": body.responded_date,
            "contained_date": body.contained_date,
            "tags": sorted(set(body.tags)) or None,
            "threat_objectives": objective_list({link_key(t) for t in body.threat_objectives})
            or None,
        }
        (incident_id,) = await self.patcher.incidents.create_many(
            [data],
            extra_columns={
                "status": status.value,
                "severity_reasoning": body.severity_reasoning,
                "responded_time": body.responded_date,
                "contained_time": body.contained_date,
            },
            extra_changes={
                field: {"before": None, "after": plain(value)}
                for field, value in register_facts.items()
                if value is not None
            },
        )
        unaudited: dict[uuid.UUID, dict[str, Any]] = {incident_id: {}}  # in the create event
        await self.patcher.apply_tags([incident_id], body.tags, TagOperation.add, unaudited)
        await self.patcher.apply_objectives(
            [incident_id], body.threat_objectives, utcnow(), unaudited
        )
        (row,) = await self.reader.rows_of([incident_id])
        return row

    async def delete(self, id_text: str) -> None:
        incident_id = await incident_ids.resolve_one(self.session, self.scope.workspace_id, id_text)
        await self.patcher.incidents.batch_delete([str(incident_id)])
