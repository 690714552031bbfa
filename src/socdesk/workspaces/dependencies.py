"""Dependencies that place a request in a project or workspace and check the caller's role."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends

from socdesk.iam.dependencies import PrincipalDep
from socdesk.iam.principal import Principal
from socdesk.kit.db import SessionDep
from socdesk.kit.errors import PermissionDenied, WorkspaceNotFound
from socdesk.kit.ids import parse_uuid
from socdesk.kit.openapi import may_answer
from socdesk.kit.params import ProjectIdPath, WorkspaceIdHeader
from socdesk.kit.params import WorkspaceIdPath as WorkspaceIdPath  # endpoints take it from here
from socdesk.models import Role
from socdesk.workspaces.scope import WorkspaceScope
from socdesk.workspaces.service import WorkspaceService


@may_answer(WorkspaceNotFound)
async def project_principal(project_id: ProjectIdPath, principal: PrincipalDep) -> Principal:
    """The caller, provided the path's project is theirs (403 SecMaster.20010001 otherwise)."""
    if parse_uuid(project_id, "project_id") != principal.project.id:
        raise WorkspaceNotFound(f"project {project_id} does not exist or is not yours")
    return principal


ProjectPrincipalDep = Annotated[Principal, Depends(project_principal)]


def secmaster_scope(needed: Role) -> Callable[..., Awaitable[WorkspaceScope]]:
    """A dependency for `~/...` routes: the path's workspace, with at least `needed` role."""

    @may_answer(WorkspaceNotFound, PermissionDenied)
    async def scope(
        workspace_id: WorkspaceIdPath, principal: ProjectPrincipalDep, session: SessionDep
    ) -> WorkspaceScope:
        target = parse_uuid(workspace_id, "workspace_id")
        return await WorkspaceService(session).scope(principal, target, needed)

    return scope


def register_scope(needed: Role) -> Callable[..., Awaitable[WorkspaceScope]]:
    """A dependency for register routes: the caller's default workspace, or the one named by
    `X-Workspace-Id` if the caller belongs to it."""

    @may_answer(WorkspaceNotFound, PermissionDenied)
    async def scope(
        principal: PrincipalDep, session: SessionDep, x_workspace_id: WorkspaceIdHeader = None
    ) -> WorkspaceScope:
        if x_workspace_id:
            target = parse_uuid(x_workspace_id, "X-Workspace-Id")
        elif principal.user.default_workspace_id is not None:
            target = principal.user.default_workspace_id
        else:
            raise WorkspaceNotFound("you have no default workspace: send X-Workspace-Id")
        return await WorkspaceService(session).scope(principal, target, needed)

    return scope


SecMasterReader = Annotated[WorkspaceScope, Depends(secmaster_scope(Role.viewer))]
SecMasterWriter = Annotated[WorkspaceScope, Depends(secmaster_scope(Role.analyst))]
SecMasterAdmin = Annotated[WorkspaceScope, Depends(secmaster_scope(Role.admin))]
RegisterReader = Annotated[WorkspaceScope, Depends(register_scope(Role.viewer))]
RegisterWriter = Annotated[WorkspaceScope, Depends(register_scope(Role.analyst))]
