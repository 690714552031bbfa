"""Register incidents: list by cursor, read, create, change and delete, over the one store."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.incidents.changes import IncidentChanges
from socdesk.incidents.listing import IncidentListing, ListFilters, Sort, SortKey
from socdesk.incidents.writes import UNSET
from socdesk.kit.errors import NotFound, ValidationFailed, some_of
from socdesk.kit.gc_pause import gc_paused
from socdesk.register.incidents import ids as incident_ids
from socdesk.register.incidents import mapping
from socdesk.register.incidents.mapping import REGISTER_SEVERITY, REGISTER_STATUS
from socdesk.register.incidents.rows import RowDict, RowReader
from socdesk.register.incidents.schemas import (
    IncidentPatch,
    RegisterIncidentCreate,
    RegisterSeverity,
    RegisterStatus,
)
from socdesk.workspaces.scope import WorkspaceScope

# Sort keys of GET /v1/incidents (prefix `-` for descending) and the domain's orders behind them.
SORT_KEYS = {
    "created_date": SortKey.create_time,
    "updated_date": SortKey.update_time,
    "occurred_date": SortKey.first_observed_time,
    "severity": SortKey.severity,
    "id": SortKey.number,
}
SORTS = {
    f"{sign}{name}": Sort(key, descending=sign == "-")
    for name, key in SORT_KEYS.items()
    for sign in ("", "-")
}


@dataclass(frozen=True)
class RegisterListQuery:
    """GET /v1/incidents's parameters, in the register's names."""

    statuses: Sequence[RegisterStatus] = ()
    severities: Sequence[RegisterSeverity] = ()
    source: str | None = None
    assigned_to: uuid.UUID | None = None
    tag: str | None = None
    text: str | None = None
    sort: str = "-created_date"
    limit: int = 50
    cursor: str | None = None


def _list_filters(query: RegisterListQuery) -> ListFilters:
    """The query's filters in the domain's terms: each register name stands for every
    canonical value shown by that name (In Progress is also blocked)."""
    return ListFilters(
        statuses={status for status, name in REGISTER_STATUS.items() if name in query.statuses},
        severities={rank for rank, name in REGISTER_SEVERITY.items() if name in query.severities},
        source=query.source,
        assignee_id=query.assigned_to,
        tag=query.tag,
        text=query.text,
    )


class RegisterIncidents:
    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.reader = RowReader(session, scope.workspace_id)

    @cached_property
    def changes(self) -> IncidentChanges:
        """The change path, built for writes only (a read needs none of its repositories)."""
        return IncidentChanges(self.session, self.scope)

    async def page(self, query: RegisterListQuery) -> dict[str, Any]:
        """One page of the listing, as register rows (a `RegisterPage`)."""
        sort = SORTS.get(query.sort)
        if sort is None:
            raise ValidationFailed.for_field(
                "sort", "must be one of " + ", ".join(SORTS), query.sort
            )
        found = await IncidentListing(self.session, self.scope).page(
            _list_filters(query), sort, query.limit, query.cursor
        )
        rows = await self.reader.rows([row.id for row in found.rows])
        return {"incidents": rows, "next_cursor": found.next_cursor}

    async def row(self, id_text: str) -> RowDict:
        """The register row of the incident `id_text` names (INC-00001 or UUID), read in one
        statement; 404 if none."""
        named = incident_ids.parse(id_text)
        row = await self.reader.row(named) if named is not None else None
        if row is None:
            raise NotFound(f"ids: no such incident in this workspace: {some_of([id_text])}")
        return row

    async def patch(self, id_texts: Sequence[str], change: IncidentPatch) -> list[RowDict]:
        """Apply `change` to the incidents named (INC-00001 or UUID), all or none; their rows.
        400 if the change is invalid, 404 if any id is unknown; then nothing is written."""
        writes = await self.changes.prepare(mapping.patch_change(change))
        # Up to 10,000 rows' short-lived values (relation diffs, answer rows), no cycles: the
        # collector would walk the heap again and again meanwhile (kit/gc_pause.py).
        with gc_paused():
            ids = await incident_ids.resolve(self.session, self.scope.workspace_id, id_texts)
            await self.changes.apply(await self.changes.lock_existing_ids(ids), writes)
            return await self.reader.rows_of(ids)

    async def create(self, body: RegisterIncidentCreate) -> RowDict:
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
