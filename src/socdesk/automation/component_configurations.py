"""A workspace's component configurations (SecMaster's ISAP component configuration): saved
versions of a component's settings (component_settings.py), one of them applied — the one the
workspace's runs use from their next step on (docs/workflows.md "Component configuration").

A save writes a new version and changes nothing the runs do; applying makes a version the one
runs use. Versions are never changed, so the history is every version ever saved. Runs read
the applied settings through the workspace config memo (workspaces/config_memo.py): the
table is one of those whose writes bump `workspaces.config_revision` (migration 0019), so an
apply reaches every runner's next step, in every process, and costs the runs no query while
nothing changes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.automation.components import Component
from socdesk.kit.clock import utcnow
from socdesk.kit.db import add_or_refuse
from socdesk.kit.errors import Conflict, ValidationFailed
from socdesk.kit.repository import WorkspaceScoped
from socdesk.models import ComponentConfiguration
from socdesk.workspaces.config_memo import recall
from socdesk.workspaces.scope import WorkspaceScope


class ComponentConfigurationRepository(WorkspaceScoped[ComponentConfiguration]):
    model = ComponentConfiguration

    async def newest(self, component_id: uuid.UUID) -> ComponentConfiguration | None:
        found: ComponentConfiguration | None = await self.session.scalar(
            self.select()
            .where(ComponentConfiguration.component_id == component_id)
            .order_by(ComponentConfiguration.version.desc())
            .limit(1)
        )
        return found

    async def applied(self, component_id: uuid.UUID) -> ComponentConfiguration | None:
        """The version applied last (None: none ever was)."""
        found: ComponentConfiguration | None = await self.session.scalar(
            self.select()
            .where(
                ComponentConfiguration.component_id == component_id,
                ComponentConfiguration.applied_at.is_not(None),
            )
            .order_by(
                ComponentConfiguration.applied_at.desc(), ComponentConfiguration.version.desc()
            )
            .limit(1)
        )
        return found

    async def versions(
        self, component_id: uuid.UUID, offset: int, limit: int, newest_first: bool
    ) -> tuple[Sequence[ComponentConfiguration], int]:
        criteria = ComponentConfiguration.component_id == component_id
        total = await self.session.scalar(self.select(func.count()).where(criteria))
        order = ComponentConfiguration.version
        rows = await self.session.scalars(
            self.select()
            .where(criteria)
            .order_by(order.desc() if newest_first else order.asc())
            .offset(offset)
            .limit(limit)
        )
        return rows.all(), total or 0


class ComponentConfigurationService:
    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.workspace_id = scope.workspace_id
        self.configurations = ComponentConfigurationRepository(session, scope.workspace_id)

    async def save(self, of: Component, settings: str) -> ComponentConfiguration:
        """A new version of `of`'s settings (checked text), not applied."""
        newest = await self.configurations.newest(uuid.UUID(of.id))
        row = ComponentConfiguration(
            id=uuid.uuid4(),
            workspace_id=self.workspace_id,
            component_id=uuid.UUID(of.id),
            version=(newest.version + 1) if newest is not None else 1,
            settings=settings,
            created_at=utcnow(),
            applied_at=None,
        )
        refusal = Conflict(f"configuration: another save of {of.name} came first; try again")
        await add_or_refuse(self.session, row, refusal)
        return row

    async def apply(self, of: Component, settings: str | None) -> ComponentConfiguration:
        """Make `settings` (saved as a new version first) or, when None, the newest saved
        version the one runs use; the version applied."""
        if settings is not None:
            row = await self.save(of, settings)
        else:
            newest = await self.configurations.newest(uuid.UUID(of.id))
            if newest is None:
                raise ValidationFailed.for_field(
                    "configuration", f"{of.name} has no saved configuration to apply"
                )
            row = newest
        row.applied_at = utcnow()
        await self.session.flush()
        return row

    async def state(
        self, of: Component
    ) -> tuple[ComponentConfiguration | None, ComponentConfiguration | None]:
        """The applied version and the newest saved one (either None when there is none)."""
        component_id = uuid.UUID(of.id)
        return (
            await self.configurations.applied(component_id),
            await self.configurations.newest(component_id),
        )

    async def history(
        self, of: Component, offset: int, limit: int, newest_first: bool
    ) -> tuple[Sequence[ComponentConfiguration], int]:
        return await self.configurations.versions(uuid.UUID(of.id), offset, limit, newest_first)


async def applied_settings(
    session: AsyncSession, scope: WorkspaceScope, of: Component
) -> str | None:
    """The settings text of `of`'s applied version in the scope's workspace (None: none
    applied), kept per workspace configuration revision: a run's step asks at no cost."""

    async def load() -> str | None:
        row = await ComponentConfigurationRepository(session, scope.workspace_id).applied(
            uuid.UUID(of.id)
        )
        return row.settings if row is not None else None

    return await recall(session, scope.workspace, ("component_settings", of.id), load)
