"""Risks of a project, and which of them each incident is associated with."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.incidents.changes import IncidentChanges
from socdesk.incidents.relations import RiskLinkRepository
from socdesk.incidents.writes import IncidentChange
from socdesk.kit.db import add_or_refuse
from socdesk.kit.errors import Conflict, ErrorDetail, ValidationFailed, some_of
from socdesk.kit.repository import ProjectScoped
from socdesk.models import Risk
from socdesk.workspaces.scope import WorkspaceScope


class RiskRepository(ProjectScoped[Risk]):
    """The risks a project's workspaces share."""

    model = Risk

    async def by_title(self) -> Sequence[Risk]:
        return (await self.session.scalars(self.select().order_by(Risk.title, Risk.id))).all()

    async def known(self, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Which of `ids` are risks of the project."""
        return set(await self.scalars_in_chunks(self.select(Risk.id), Risk.id, ids))


async def risk_ids_of(
    session: AsyncSession, workspace_id: uuid.UUID, incident_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    """Each incident's risk ids as sorted strings ([] for none)."""
    return await RiskLinkRepository(session, workspace_id).ids_of(incident_ids)


class RiskService:
    """The project's risks (shared by its workspaces) and the workspace's associations."""

    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.risks = RiskRepository(session, scope.project.id)
        self.links = RiskLinkRepository(session, scope.workspace_id)
        self.changes = IncidentChanges(session, scope)

    async def all(self) -> Sequence[Risk]:
        """The project's risks, by title."""
        return await self.risks.by_title()

    async def add(self, title: str, description: str) -> Risk:
        """A new risk; 409 if the project has one with that title."""
        risk = Risk(
            project_id=self.scope.project.id,
            title=title,
            description=description,
            creator_id=self.scope.user.id,
        )
        conflict = Conflict(f"title: the risk {title!r} already exists")
        await add_or_refuse(self.session, risk, conflict)
        return risk

    async def associate(self, incident_id: uuid.UUID, risk_ids: Sequence[uuid.UUID]) -> list[str]:
        """Make `risk_ids` the incident's whole set of risks; the set, as sorted strings.

        A change is an edit of the incident, made (and audited) by the change path; sending the
        set it already has changes nothing."""
        wanted = list(dict.fromkeys(risk_ids))
        await self._check_risks(wanted)
        # Locked first, so concurrent replacements queue (and each sees the set the other left).
        ids = await self.changes.lock_existing_ids([incident_id])
        after = sorted(str(risk_id) for risk_id in wanted)
        if (await self.links.ids_of([incident_id]))[incident_id] == after:
            return after
        await self.changes.apply(ids, await self.changes.prepare(IncidentChange(risks=wanted)))
        return after

    async def _check_risks(self, risk_ids: Sequence[uuid.UUID]) -> None:
        """400 naming every id that is not a risk of the caller's project."""
        if not risk_ids:
            return
        known = await self.risks.known(risk_ids)
        unknown = [str(risk_id) for risk_id in risk_ids if risk_id not in known]
        if unknown:
            raise ValidationFailed(
                f"risk_ids: not risks of this project: {some_of(unknown)}",
                details=[
                    ErrorDetail(
                        "risk_ids", f"{risk_id} is not a risk of this project", value=risk_id
                    )
                    for risk_id in unknown
                ],
            )
