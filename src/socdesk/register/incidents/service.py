"""Register incidents: list by cursor, read, create, change and delete, over the one store."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.incidents import mapping
from socdesk.incidents.listing import IncidentListing, ListFilters, Sort, SortKey
from socdesk.incidents.record import IncidentObject
from socdesk.kit.clock import utcnow
from socdesk.kit.errors import Problems, ValidationFailed
from socdesk.register.incidents import ids as incident_ids
from socdesk.register.incidents.patch import RegisterPatch, link_key, objective_list, plain
from socdesk.register.incidents.rows import (
    REGISTER_SEVERITY,
    REGISTER_STATUS,
    SEVERITY_OF,
    STATUS_OF,
    RowReader,
)
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
# What a register create fills SecMaster's mandatory fields with (docs/dialects.md).
DEFAULT_INCIDENT_TYPE = {"category": "Other", "incident_type": "Other"}
DEFAULT_SOURCE = "SOCdesk"
REGISTER_SOURCE_TYPE = 3
REGISTER_PRODUCT_FEATURE = "Register"


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
        self.patcher = RegisterPatch(session, scope)
        self.reader = RowReader(session, scope.workspace_id, scope.project.id)

    async def page(self, query: RegisterListQuery) -> RegisterPage:
        """One page of the listing, as register rows."""
        sort = SORTS.get(query.sort)
        if sort is None:
            raise ValidationFailed.for_field(
                "sort", "must be one of " + ", ".join(SORTS), query.sort
            )
        found = await IncidentListing(self.session, self.scope).page(
            _list_filters(query), sort, query.limit, query.cursor
        )
        return RegisterPage(
            incidents=await self.reader.rows(found.rows), next_cursor=found.next_cursor
        )

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
