"""Workspace rules: who may see and create workspaces, and what role a caller has in one."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.iam.principal import Principal, WorkspaceAccess
from socdesk.iam.repository import ProjectUsers, WorkspaceMembers
from socdesk.kit.errors import Conflict, PermissionDenied, WorkspaceNotFound
from socdesk.models import Membership, Project, Role, User, Workspace
from socdesk.workspaces.filters import WorkspaceFilter
from socdesk.workspaces.repository import WorkspaceRepository
from socdesk.workspaces.scope import WorkspaceScope


@dataclass(frozen=True, slots=True)
class WorkspaceDraft:
    """A workspace to create."""

    name: str
    description: str = ""
    region_id: str = ""
    enterprise_project_id: str = ""
    enterprise_project_name: str = ""
    # Resource tags, [{key, value}], kept as sent.
    tags: Sequence[Mapping[str, str]] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class WorkspaceChange:
    """What an update changes: None leaves a field as it is."""

    name: str | None = None
    description: str | None = None


def _not_found(workspace_id: object) -> WorkspaceNotFound:
    return WorkspaceNotFound(f"workspace {workspace_id} does not exist or is not yours")


def _known_access(principal: Principal, workspace_id: uuid.UUID) -> WorkspaceAccess | None:
    """The access read with the caller's credential, if it is to `workspace_id`."""
    access = principal.access
    if access is None:
        return None
    named = access.workspace_id or principal.user.default_workspace_id
    return access if named == workspace_id else None


class WorkspaceService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def scope(
        self, principal: Principal, workspace_id: uuid.UUID, needed: Role
    ) -> WorkspaceScope:
        """The caller's scope in a workspace of their project: 403 SecMaster.20010001 when it is
        not theirs to see, 403 SecMaster.20010002 when their role is too weak for the action."""
        known = _known_access(principal, workspace_id)
        if known is not None:
            workspace, membership_role = known.workspace, known.membership_role
        else:
            workspace = await WorkspaceRepository(self.session, principal.project.id).get(
                workspace_id
            )
            membership_role = await self._membership_role(principal.user, workspace)
        if workspace is None:
            raise _not_found(workspace_id)
        # A project administrator administers every workspace of the project.
        role = Role.admin if principal.user.is_project_admin else membership_role
        if role is None:
            raise _not_found(workspace_id)
        if not role.allows(needed):
            raise PermissionDenied(
                f"your role in this workspace is {role.value}; this needs {needed.value}"
            )
        return WorkspaceScope(principal, workspace, role)

    async def _membership_role(self, user: User, workspace: Workspace | None) -> Role | None:
        if workspace is None or user.is_project_admin:
            return None
        membership = await WorkspaceMembers(self.session, workspace.id).of(user.id)
        return membership.role if membership else None

    async def create(self, principal: Principal, draft: WorkspaceDraft) -> Workspace:
        """A new workspace; only project administrators create them, and become its admin."""
        if not principal.user.is_project_admin:
            raise PermissionDenied("only project administrators create workspaces")
        name = draft.name.strip()
        await self._refuse_taken(principal.project.id, name)
        workspace = Workspace(
            project_id=principal.project.id,
            name=name,
            description=draft.description,
            region_id=draft.region_id,
            enterprise_project_id=draft.enterprise_project_id,
            enterprise_project_name=draft.enterprise_project_name,
            tags=[dict(tag) for tag in draft.tags],
            creator_id=principal.user.id,
            modifier_id=principal.user.id,
        )
        self.session.add(workspace)
        await self.session.flush()
        self.session.add(
            Membership(workspace_id=workspace.id, user_id=principal.user.id, role=Role.admin)
        )
        await self.session.flush()
        return workspace

    async def update(self, scope: WorkspaceScope, change: WorkspaceChange) -> Workspace:
        """Rename or re-describe a workspace (its admins only; the caller's scope says so)."""
        workspace = scope.workspace
        if change.name is not None and change.name.strip() != workspace.name:
            name = change.name.strip()
            await self._refuse_taken(workspace.project_id, name)
            workspace.name = name
        if change.description is not None:
            workspace.description = change.description
        workspace.modifier_id = scope.user.id
        await self.session.flush()
        return workspace

    async def _refuse_taken(self, project_id: uuid.UUID, name: str) -> None:
        if await WorkspaceRepository(self.session, project_id).named(name) is not None:
            raise Conflict(f"name: a workspace named {name!r} already exists")

    async def page(
        self,
        principal: Principal,
        *,
        name: str | None,
        ids: Sequence[uuid.UUID] | None,
        offset: int,
        limit: int,
        filters: WorkspaceFilter | None = None,
    ) -> tuple[Sequence[Workspace], int]:
        """The workspaces the caller may see: all of the project's for its administrators."""
        member = None if principal.user.is_project_admin else principal.user.id
        return await WorkspaceRepository(self.session, principal.project.id).offset_page(
            member, name=name, ids=ids, offset=offset, limit=limit, filters=filters
        )

    async def show(self, principal: Principal, workspace_id: uuid.UUID) -> Workspace:
        """A workspace the caller may see (any role)."""
        return (await self.scope(principal, workspace_id, Role.viewer)).workspace

    async def authors(
        self, project: Project, workspaces: Sequence[Workspace]
    ) -> dict[uuid.UUID, User]:
        """The users who created and last changed `workspaces`, by id, in one query."""
        ids = {uid for w in workspaces for uid in (w.creator_id, w.modifier_id) if uid}
        return await ProjectUsers(self.session, project.id).by_ids(ids)

    async def members(self, scope: WorkspaceScope) -> Sequence[User]:
        """The users who belong to the scope's workspace, by email."""
        return await WorkspaceMembers(self.session, scope.workspace_id).users()
