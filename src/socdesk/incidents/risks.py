"""Risks of a project, and which of them each incident is associated with."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.incidents.repository import select_in_chunks
from socdesk.incidents.service import IncidentService
from socdesk.kit.clock import utcnow
from socdesk.kit.db import add_or_refuse
from socdesk.kit.errors import Conflict, ErrorDetail, ValidationFailed, some_of
from socdesk.models import IncidentAction, IncidentRisk, Risk
from socdesk.register.incidents.ids import resolve_one
from socdesk.workspaces.scope import WorkspaceScope

FIELD = "risk_associations"


async def risk_ids_of(
    session: AsyncSession, workspace_id: uuid.UUID, incident_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    """Each incident's risk ids as sorted strings ([] for none), one query per chunk."""
    found: dict[uuid.UUID, list[str]] = {incident_id: [] for incident_id in incident_ids}
    statement = select(IncidentRisk.incident_id, IncidentRisk.risk_id).where(
        IncidentRisk.workspace_id == workspace_id
    )
    for incident_id, risk_id in await select_in_chunks(
        session, statement, IncidentRisk.incident_id, list(found)
    ):
        found[incident_id].append(str(risk_id))
    for ids in found.values():
        ids.sort()
    return found


class RiskService:
    """The project's risks (shared by its workspaces) and the workspace's associations."""

    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.incidents = IncidentService(session, scope)

    async def all(self) -> Sequence[Risk]:
        """The project's risks, by title."""
        return (
            await self.session.scalars(
                select(Risk)
                .where(Risk.project_id == self.scope.project.id)
                .order_by(Risk.title, Risk.id)
            )
        ).all()

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

    async def associate(self, incident_text: str, risk_ids: Sequence[uuid.UUID]) -> list[str]:
        """Make `risk_ids` the incident's whole set of risks; the set, as sorted strings.

        A change is audited and counts as an edit of the incident (version, update time and
        editor move on); sending the set it already has changes nothing."""
        incident_id = await resolve_one(self.session, self.scope.workspace_id, incident_text)
        wanted = list(dict.fromkeys(risk_ids))
        await self._check_risks(wanted)
        # Lock the incident first, so concurrent replacements queue instead of racing on the
        # association table (and each audits the set the other left).
        await self.incidents.repo.lock_existing([incident_id])
        before = (await risk_ids_of(self.session, self.scope.workspace_id, [incident_id]))[
            incident_id
        ]
        after = sorted(str(risk_id) for risk_id in wanted)
        if before == after:
            return after
        await self.session.execute(
            delete(IncidentRisk).where(
                IncidentRisk.workspace_id == self.scope.workspace_id,
                IncidentRisk.incident_id == incident_id,
            )
        )
        if wanted:
            await self.session.execute(
                insert(IncidentRisk),
                [
                    {
                        "workspace_id": self.scope.workspace_id,
                        "incident_id": incident_id,
                        "risk_id": risk_id,
                    }
                    for risk_id in wanted
                ],
            )
        await self._record_change(incident_id, before, after)
        return after

    async def _check_risks(self, risk_ids: Sequence[uuid.UUID]) -> None:
        """400 naming every id that is not a risk of the caller's project."""
        if not risk_ids:
            return
        known = set(
            await self.session.scalars(
                select(Risk.id).where(
                    Risk.project_id == self.scope.project.id, Risk.id.in_(risk_ids)
                )
            )
        )
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

    async def _record_change(
        self, incident_id: uuid.UUID, before: list[str], after: list[str]
    ) -> None:
        """Count the change as an edit of the incident, and audit it."""
        now = utcnow()
        await self.incidents.repo.update_many(
            [incident_id], {"update_time": now, "updated_by_id": self.scope.user.id}
        )
        changes = {FIELD: {"before": before, "after": after}}
        await self.incidents.repo.add_events(
            [self.incidents.audit_event(incident_id, IncidentAction.update, changes, at=now)]
        )
