"""Putting many incidents into a workspace at once, through the incident service."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.iam.principal import AuthMethod, Principal
from socdesk.incidents.record import IncidentObject
from socdesk.incidents.service import IncidentService
from socdesk.models import Project, Role, User, Workspace
from socdesk.workspaces.scope import WorkspaceScope
from tests.factories import TenantInfo
from tests.secmaster.incidents.payloads import incident_object


async def scope_of(session: AsyncSession, tenant: TenantInfo) -> WorkspaceScope:
    """The tenant's workspace as its administrator acts in it."""
    user = await session.get(User, tenant.admin_id)
    project = await session.get(Project, tenant.project_id)
    workspace = await session.get(Workspace, tenant.workspace_id)
    assert user is not None
    assert project is not None
    assert workspace is not None
    return WorkspaceScope(Principal(user, project, AuthMethod.token), workspace, Role.admin)


async def seed_incidents(
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    objects: Sequence[dict[str, Any]] | int,
) -> list[str]:
    """Create incidents (`objects` data_objects, or that many default ones); their ids."""
    if isinstance(objects, int):
        objects = [incident_object(title=f"incident {i}") for i in range(objects)]
    async with sessions.begin() as session:
        ids = await IncidentService(session, await scope_of(session, tenant)).create_many(
            [IncidentObject.model_validate(o) for o in objects]
        )
    return [str(i) for i in ids]
