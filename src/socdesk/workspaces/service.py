"""Workspace rules: who may see and create workspaces, and what role a caller has in one."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.iam.principal import Principal
from socdesk.kit.clock import format_time
from socdesk.kit.errors import Conflict, PermissionDenied, WorkspaceNotFound
from socdesk.kit.ids import hex_id
from socdesk.models import Membership, Project, Role, User, Workspace
from socdesk.secmaster.workspaces.schemas import WorkspaceCreate, WorkspaceOut, WorkspaceUpdate
from socdesk.workspaces.filters import WorkspaceFilter
from socdesk.workspaces.repository import WorkspaceRepository
from socdesk.workspaces.scope import WorkspaceScope


def _not_found(workspace_id: object) -> WorkspaceNotFound:
    return WorkspaceNotFound(f"workspace {workspace_id} does not exist or is not yours")


class WorkspaceService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = WorkspaceRepository(session)

    async def scope(
        self, principal: Principal, workspace_id: uuid.UUID, needed: Role
    ) -> WorkspaceScope:
        """The caller's scope in a workspace of their project: 403 SecMaster.20010001 when it is
        not theirs to see, 403 SecMaster.20010002 when their role is too weak for the action."""
        workspace = await self.repo.get(principal.project.id, workspace_id)
        if workspace is None:
            raise _not_found(workspace_id)
        role = await self._role_in(principal.user, workspace)
        if role is None:
            raise _not_found(workspace_id)
        if not role.allows(needed):
            raise PermissionDenied(
                f"your role in this workspace is {role.value}; this needs {needed.value}"
            )
        return WorkspaceScope(principal, workspace, role)

    async def _role_in(self, user: User, workspace: Workspace) -> Role | None:
        # A project administrator administers every workspace of the project.
        if user.is_project_admin:
            return Role.admin
        membership = await self.session.get(Membership, (workspace.id, user.id))
        return membership.role if membership else None

    async def create(self, principal: Principal, body: WorkspaceCreate) -> WorkspaceOut:
        """A new workspace; only project administrators create them, and become its admin."""
        if not principal.user.is_project_admin:
            raise PermissionDenied("only project administrators create workspaces")
        name = body.name.strip()
        if await self.repo.name_taken(principal.project.id, name):
            raise Conflict(f"name: a workspace named {name!r} already exists")
        workspace = Workspace(
            project_id=principal.project.id,
            name=name,
            description=body.description,
            region_id=body.region_id,
            enterprise_project_id=body.enterprise_project_id,
            enterprise_project_name=body.enterprise_project_name,
            tags=[tag.model_dump() for tag in body.tags],
            creator_id=principal.user.id,
            modifier_id=principal.user.id,
        )
        self.session.add(workspace)
        await self.session.flush()
        self.session.add(
            Membership(workspace_id=workspace.id, user_id=principal.user.id, role=Role.admin)
        )
        await self.session.flush()
        return (await self.describe(principal.project, [workspace]))[0]

    async def update(self, scope: WorkspaceScope, body: WorkspaceUpdate) -> WorkspaceOut:
        """Rename or re-describe a workspace (its admins only; the caller's scope says so)."""
        workspace = scope.workspace
        if body.name is not None and body.name.strip() != workspace.name:
            name = body.name.strip()
            if await self.repo.name_taken(workspace.project_id, name):
                raise Conflict(f"name: a workspace named {name!r} already exists")
            workspace.name = name
        if body.description is not None:
            workspace.description = body.description
        workspace.modifier_id = scope.user.id
        await self.session.flush()
        return (await self.describe(scope.project, [workspace]))[0]

    async def page(
        self,
        principal: Principal,
        *,
        name: str | None,
        ids: Sequence[uuid.UUID] | None,
        offset: int,
        limit: int,
        filters: WorkspaceFilter | None = None,
    ) -> tuple[list[WorkspaceOut], int]:
        """The workspaces the caller may see: all of the project's for its administrators."""
        member = None if principal.user.is_project_admin else principal.user.id
        rows, total = await self.repo.page(
            principal.project.id,
            member,
            name=name,
            ids=ids,
            offset=offset,
            limit=limit,
            filters=filters,
        )
        return await self.describe(principal.project, rows), total

    async def show(self, principal: Principal, workspace_id: uuid.UUID) -> WorkspaceOut:
        scope = await self.scope(principal, workspace_id, Role.viewer)
        return (await self.describe(principal.project, [scope.workspace]))[0]

    async def describe(
        self, project: Project, workspaces: Sequence[Workspace]
    ) -> list[WorkspaceOut]:
        """Workspaces in SecMaster's shape, with creator and modifier names in one query."""
        people = await self.repo.users_by_id(
            {uid for w in workspaces for uid in (w.creator_id, w.modifier_id) if uid}
        )

        def name_of(user_id: uuid.UUID | None) -> str:
            user = people.get(user_id) if user_id else None
            return user.display_name if user else ""

        return [
            WorkspaceOut(
                id=str(w.id),
                create_time=format_time(w.created_at),
                update_time=format_time(w.updated_at),
                name=w.name,
                description=w.description,
                creator_id=str(w.creator_id or ""),
                creator_name=name_of(w.creator_id),
                modifier_id=str(w.modifier_id or ""),
                modifier_name=name_of(w.modifier_id),
                project_id=hex_id(project.id),
                project_name=project.name,
                domain_id=hex_id(project.id),
                domain_name=project.name,
                enterprise_project_id=w.enterprise_project_id,
                enterprise_project_name=w.enterprise_project_name,
                is_view=False,
                region_id=w.region_id,
                view_bind_id="",
                view_bind_name="",
                workspace_agency_list=[],
            )
            for w in workspaces
        ]
