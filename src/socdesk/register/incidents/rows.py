"""Register rows: an incident with its users, tags, threat objectives, risks and comment count,
read for a whole page in a fixed number of queries (one per table, per chunk of ids)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.incidents.comments import comment_counts
from socdesk.incidents.repository import select_in_chunks
from socdesk.incidents.risks import risk_ids_of
from socdesk.kit.errors import NotFound, some_of
from socdesk.models import (
    Incident,
    IncidentTag,
    IncidentThreatObjective,
    Severity,
    Status,
    User,
)
from socdesk.register.incidents.ids import format_number
from socdesk.register.incidents.schemas import (
    RegisterIncident,
    RegisterRow,
    RegisterSeverity,
    RegisterStatus,
    TagOut,
    ThreatObjectiveOut,
)
from socdesk.register.users.schemas import RegisterUser

REGISTER_SEVERITY = {
    Severity.tips: RegisterSeverity.informational,
    Severity.low: RegisterSeverity.low,
    Severity.medium: RegisterSeverity.medium,
    Severity.high: RegisterSeverity.high,
    Severity.fatal: RegisterSeverity.critical,
}
SEVERITY_OF = {name: rank for rank, name in REGISTER_SEVERITY.items()}
# Blocked has no register name: it reads as In Progress.
REGISTER_STATUS = {
    Status.new: RegisterStatus.new,
    Status.in_progress: RegisterStatus.in_progress,
    Status.blocked: RegisterStatus.in_progress,
    Status.review: RegisterStatus.review,
    Status.closed: RegisterStatus.closed,
}
STATUS_OF = {
    RegisterStatus.new: Status.new,
    RegisterStatus.in_progress: Status.in_progress,
    RegisterStatus.review: Status.review,
    RegisterStatus.closed: Status.closed,
}


class People:
    """The project's users that a set of incidents names, by id and by email."""

    def __init__(self, users: Sequence[User]) -> None:
        self.by_id = {u.id: RegisterUser.of(u) for u in users}
        self.by_email = {u.email.lower(): self.by_id[u.id] for u in users}

    @classmethod
    async def load(
        cls, session: AsyncSession, project_id: uuid.UUID, incidents: Sequence[Incident]
    ) -> People:
        ids = {i for row in incidents for i in (row.opened_by_id, row.updated_by_id) if i}
        emails = {e.lower() for row in incidents for e in (row.creator, row.owner) if e}
        if not ids and not emails:
            return cls([])
        users = await session.scalars(
            select(User).where(
                User.project_id == project_id,
                or_(User.id.in_(ids), func.lower(User.email).in_(emails)),
            )
        )
        return cls(users.all())

    def named(self, email: str | None) -> RegisterUser | None:
        return self.by_email.get(email.lower()) if email else None

    def opener(self, row: Incident) -> RegisterUser:
        """The creator's user when its email is a user's, else whoever opened the incident."""
        return (
            self.named(row.creator)
            or self._by_id(row.opened_by_id)
            or _unknown_user(row.opened_by_id, row.creator)
        )

    def updater(self, row: Incident) -> RegisterUser:
        return self._by_id(row.updated_by_id) or self.opener(row)

    def _by_id(self, user_id: uuid.UUID | None) -> RegisterUser | None:
        return self.by_id.get(user_id) if user_id else None


def _unknown_user(user_id: uuid.UUID | None, email: str | None) -> RegisterUser:
    """A user who no longer exists (or never did, for an imported creator), as the register
    must still show someone."""
    return RegisterUser(
        id=user_id or uuid.UUID(int=0), email=email or "", first_name="", last_name="", icon=None
    )


def register_incident(row: Incident, people: People) -> RegisterIncident:
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
    def __init__(self, session: AsyncSession, workspace_id: uuid.UUID, project_id: uuid.UUID):
        self.session = session
        self.workspace_id = workspace_id
        self.project_id = project_id

    async def tags(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[IncidentTag]]:
        statement = (
            select(IncidentTag)
            .where(IncidentTag.workspace_id == self.workspace_id)
            .order_by(IncidentTag.content)
        )
        by_incident: dict[uuid.UUID, list[IncidentTag]] = defaultdict(list)
        for (tag,) in await select_in_chunks(self.session, statement, IncidentTag.incident_id, ids):
            by_incident[tag.incident_id].append(tag)
        return by_incident

    async def threat_objectives(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[IncidentThreatObjective]]:
        statement = (
            select(IncidentThreatObjective)
            .where(IncidentThreatObjective.workspace_id == self.workspace_id)
            .order_by(IncidentThreatObjective.threat_objective)
        )
        by_incident: dict[uuid.UUID, list[IncidentThreatObjective]] = defaultdict(list)
        for (link,) in await select_in_chunks(
            self.session, statement, IncidentThreatObjective.incident_id, ids
        ):
            by_incident[link.incident_id].append(link)
        return by_incident

    async def incidents(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Incident]:
        # Fresh from the database: the session may hold these rows from before a bulk UPDATE.
        statement = (
            select(Incident)
            .where(Incident.workspace_id == self.workspace_id)
            .execution_options(populate_existing=True)
        )
        return {
            row.id: row
            for (row,) in await select_in_chunks(self.session, statement, Incident.id, ids)
        }

    async def rows(self, incidents: Sequence[Incident]) -> list[RegisterRow]:
        """The register rows of `incidents`, in their order."""
        ids = [row.id for row in incidents]
        people = await People.load(self.session, self.project_id, incidents)
        tags = await self.tags(ids)
        objectives = await self.threat_objectives(ids)
        counts = await comment_counts(self.session, self.workspace_id, ids)
        risks = await risk_ids_of(self.session, self.workspace_id, ids)
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
        found = await self.incidents(ids)
        gone = [str(i) for i in ids if i not in found]
        if gone:  # deleted by another request since the ids were looked up
            raise NotFound(f"ids: deleted meanwhile: {some_of(gone)}")
        return await self.rows([found[i] for i in ids])
