"""The incident listing: a workspace's incidents, narrowed by filters, a keyset page at a time.

Every dialect or page that lists incidents by cursor calls this; it speaks the domain's terms
(canonical `Status` and `Severity`, the incident's own columns) and a dialect maps its names to
them. Each order is one `Keyset` over a column that a (workspace_id, column, id) index ends
with, so a page after a cursor is one index range, however deep it is.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, false, func, or_
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.iam.repository import ProjectUsers
from socdesk.incidents.repository import IncidentRepository
from socdesk.incidents.search import INT32_MAX
from socdesk.kit.clock import parse_time
from socdesk.kit.keyset import Keyset, KeysetPage, int_value
from socdesk.models import Incident, IncidentTag, Severity, Status
from socdesk.workspaces.scope import WorkspaceScope


class SortKey(StrEnum):
    """The columns incidents can be listed in the order of."""

    create_time = "create_time"
    update_time = "update_time"
    first_observed_time = "first_observed_time"
    severity = "severity"
    number = "number"


@dataclass(frozen=True, slots=True)
class Sort:
    key: SortKey
    descending: bool = False


_COLUMNS: dict[SortKey, tuple[Any, Any]] = {
    SortKey.create_time: (Incident.create_time, parse_time),
    SortKey.update_time: (Incident.update_time, parse_time),
    SortKey.first_observed_time: (Incident.first_observed_time, parse_time),
    SortKey.severity: (Incident.severity, int_value(min(Severity), max(Severity))),
    # The column is a 32-bit integer on PostgreSQL.
    SortKey.number: (Incident.number, int_value(1, INT32_MAX)),
}
# One keyset per order; its name ("-create_time") goes into the cursor, so a cursor made for
# one order is refused by every other.
KEYSETS: dict[Sort, Keyset] = {
    Sort(key, descending): Keyset(
        ("-" if descending else "") + key.value, column, Incident.id, descending, parse
    )
    for key, (column, parse) in _COLUMNS.items()
    for descending in (False, True)
}


@dataclass(frozen=True, slots=True)
class ListFilters:
    """What a listing keeps: every filter given must hold (an empty collection or None is no
    filter)."""

    statuses: Collection[Status] = ()
    severities: Collection[Severity] = ()
    # The incident's source: its product name, exactly.
    source: str | None = None
    # The user the incident is assigned to (its owner is their email, in any case).
    assignee_id: uuid.UUID | None = None
    tag: str | None = None
    # Found in the title or the description, in any case.
    text: str | None = None


class IncidentListing:
    """The incidents of the scope's workspace, as filtered pages."""

    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.incidents = IncidentRepository(session, scope.workspace_id)
        self.users = ProjectUsers(session, scope.project.id)

    async def page(
        self, filters: ListFilters, sort: Sort, limit: int, cursor: str | None
    ) -> KeysetPage[Incident]:
        """The `limit` incidents after `cursor` (from the start without one) in `sort` order,
        and the cursor of the next page; 400 naming `cursor` for one this order did not give
        out."""
        return await self.incidents.page(await self.query(filters), KEYSETS[sort], limit, cursor)

    async def query(self, filters: ListFilters) -> Select[Any]:
        """The workspace's incidents that `filters` keep, in no order."""
        return self.incidents.select().where(*await self._where(filters))

    async def _where(self, filters: ListFilters) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if filters.statuses:
            where.append(Incident.status.in_([status.value for status in filters.statuses]))
        if filters.severities:
            where.append(Incident.severity.in_([int(rank) for rank in filters.severities]))
        if filters.source is not None:
            where.append(Incident.product_name == filters.source)
        if filters.assignee_id is not None:
            email = await self.users.email_of(filters.assignee_id)
            where.append(func.lower(Incident.owner) == email.lower() if email else false())
        if filters.tag is not None:
            where.append(
                exists().where(
                    self.incidents.owned(IncidentTag),
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
