"""Register rows: an incident with its users, tags, threat objectives, risks and comment count,
read for a whole page in a fixed number of queries (one per table, per chunk of ids)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.iam.repository import ProjectUsers
from socdesk.incidents.comments import CommentRepository
from socdesk.incidents.relations import ObjectiveRepository, RiskLinkRepository, TagRepository
from socdesk.incidents.repository import IncidentRepository
from socdesk.kit.errors import NotFound, some_of
from socdesk.models import Incident, Severity, Status, User
from socdesk.register.incidents.ids import format_number
from socdesk.register.incidents.mapping import REGISTER_SEVERITY, REGISTER_STATUS
from socdesk.register.incidents.schemas import (
    RegisterIncident,
    RegisterRow,
    TagOut,
    ThreatObjectiveOut,
)
from socdesk.register.users.schemas import RegisterUser

# An incident as an ORM object or as a row of its columns: both have its columns' names.
IncidentColumns = Incident | Row[Any]


class People:
    """The project's users that a set of incidents names, by id and by email."""

    def __init__(self, users: Sequence[User]) -> None:
        self.by_id = {u.id: RegisterUser.of(u) for u in users}
        self.by_email = {u.email.lower(): self.by_id[u.id] for u in users}

    @classmethod
    async def load(cls, people: ProjectUsers, incidents: Sequence[IncidentColumns]) -> People:
        ids = {i for row in incidents for i in (row.opened_by_id, row.updated_by_id) if i}
        emails = {e.lower() for row in incidents for e in (row.creator, row.owner) if e}
        return cls(await people.named(ids, emails))

    def named(self, email: str | None) -> RegisterUser | None:
        return self.by_email.get(email.lower()) if email else None

    def opener(self, row: IncidentColumns) -> RegisterUser:
        """The creator's user when its email is a user's, else whoever opened the incident."""
        return (
            self.named(row.creator)
            or self._by_id(row.opened_by_id)
            or _unknown_user(row.opened_by_id, row.creator)
        )

    def updater(self, row: IncidentColumns) -> RegisterUser:
        return self._by_id(row.updated_by_id) or self.opener(row)

    def _by_id(self, user_id: uuid.UUID | None) -> RegisterUser | None:
        return self.by_id.get(user_id) if user_id else None


def _unknown_user(user_id: uuid.UUID | None, email: str | None) -> RegisterUser:
    """A user who no longer exists (or never did, for an imported creator), as the register
    must still show someone."""
    return RegisterUser(
        id=user_id or uuid.UUID(int=0), email=email or "", first_name="", last_name="", icon=None
    )


def register_incident(row: IncidentColumns, people: People) -> RegisterIncident:
    return RegisterIncident(
        assigned_to=people.named(row.owner),
        contained_date=row.contained_time,
        created_date=row.create_time,
        description=row.description,
        # A register incident always has a detection time: before one is known, its creation.
        detected_date=row.arrive_time or row.create_time,
        id=format_number(row.number),
        occurred_date=row.first_observed_time,
        opened_by=people.opener(row),
        responded_date=row.responded_time,
        severity=REGISTER_SEVERITY[Severity(row.severity)],
        severity_reasoning=row.severity_reasoning,
        source=row.product_name or None,
        status=REGISTER_STATUS[Status(row.status)],
        title=row.title,
        updated_by=people.updater(row),
        updated_date=row.update_time,
    )


class RowReader:
    """Register rows of one workspace's incidents, read through the domain's repositories."""

    def __init__(self, session: AsyncSession, workspace_id: uuid.UUID, project_id: uuid.UUID):
        self.incidents = IncidentRepository(session, workspace_id)
        self.tags = TagRepository(session, workspace_id)
        self.objectives = ObjectiveRepository(session, workspace_id)
        self.risks = RiskLinkRepository(session, workspace_id)
        self.comments = CommentRepository(session, workspace_id)
        self.people = ProjectUsers(session, project_id)

    async def rows(self, incidents: Sequence[IncidentColumns]) -> list[RegisterRow]:
        """The register rows of `incidents` (ORM objects or rows of their columns), in their
        order."""
        ids = [row.id for row in incidents]
        people = await People.load(self.people, incidents)
        tags = await self.tags.of(ids)
        objectives = await self.objectives.of(ids)
        counts = await self.comments.counts(ids)
        risks = await self.risks.ids_of(ids)
        return [
            RegisterRow(
                comment_count=counts.get(row.id, 0),
                incident=register_incident(row, people),
                risk_associations=risks.get(row.id, []),
                tags=[TagOut.model_validate(tag) for tag in tags.get(row.id, [])],
                threat_objectives=[
                    ThreatObjectiveOut.model_validate(link) for link in objectives.get(row.id, [])
                ],
            )
            for row in incidents
        ]

    async def rows_of(self, ids: Sequence[uuid.UUID]) -> list[RegisterRow]:
        """The register rows of the incidents `ids` (all of this workspace), in that order."""
        found = await self.incidents.rows(ids)
        gone = [str(i) for i in ids if i not in found]
        if gone:  # deleted by another request since the ids were looked up
            raise NotFound(f"ids: deleted meanwhile: {some_of(gone)}")
        return await self.rows([found[i] for i in ids])
