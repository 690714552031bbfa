"""SecMaster workspace routes: `/v1/{project_id}/workspaces`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from socdesk.kit.db import SessionDep
from socdesk.kit.errors import Conflict, PermissionDenied
from socdesk.kit.ids import parse_uuid
from socdesk.kit.openapi import may_answer
from socdesk.kit.params import UUID_LIST_PATTERN, LimitQuery, OffsetQuery
from socdesk.kit.routes import SecMasterRoute
from socdesk.kit.schemas import QueryText
from socdesk.secmaster.workspaces.filters import WorkspaceFilterDep
from socdesk.secmaster.workspaces.mapping import change_of, describe, describe_one, draft_of
from socdesk.secmaster.workspaces.schemas import (
    WorkspaceCreate,
    WorkspaceList,
    WorkspaceOut,
    WorkspaceShown,
    WorkspaceUpdate,
)
from socdesk.workspaces.dependencies import (
    ProjectPrincipalDep,
    SecMasterAdmin,
    WorkspaceIdPath,
)
from socdesk.workspaces.service import WorkspaceService

router = APIRouter(
    prefix="/v1/{project_id}/workspaces", tags=["SecMaster: workspaces"], route_class=SecMasterRoute
)


@router.post("", summary="Create a workspace (project administrators)")
@may_answer(PermissionDenied, Conflict)
async def create_workspace(
    body: WorkspaceCreate, principal: ProjectPrincipalDep, session: SessionDep
) -> WorkspaceOut:
    service = WorkspaceService(session)
    workspace = await service.create(principal, draft_of(body))
    return await describe_one(service, principal.project, workspace)


@router.get("", summary="List the workspaces you may see")
async def list_workspaces(
    principal: ProjectPrincipalDep,
    session: SessionDep,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 10,
    name: Annotated[QueryText | None, Query(max_length=64, description="Part of the name.")] = None,
    ids: Annotated[
        QueryText | None,
        Query(
            max_length=37 * 100,
            pattern=UUID_LIST_PATTERN,
            # FastAPI enforces `pattern` but leaves it out of the schema of an Annotated type.
            json_schema_extra={"pattern": UUID_LIST_PATTERN},
            description="Comma-separated workspace ids (at most 100).",
        ),
    ] = None,
    *,
    filters: WorkspaceFilterDep,
) -> WorkspaceList:
    wanted = [parse_uuid(i.strip(), "ids") for i in ids.split(",") if i.strip()] if ids else None
    service = WorkspaceService(session)
    rows, total = await service.page(
        principal, name=name, ids=wanted, offset=offset, limit=limit, filters=filters
    )
    return WorkspaceList(workspaces=await describe(service, principal.project, rows), count=total)


@router.get("/{workspace_id}", summary="Show a workspace")
async def show_workspace(
    workspace_id: WorkspaceIdPath, principal: ProjectPrincipalDep, session: SessionDep
) -> WorkspaceShown:
    target = parse_uuid(workspace_id, "workspace_id")
    service = WorkspaceService(session)
    workspace = await service.show(principal, target)
    return WorkspaceShown(workspace=await describe_one(service, principal.project, workspace))


@router.put("/{workspace_id}", summary="Rename or re-describe a workspace (its admins)")
@may_answer(Conflict)
async def update_workspace(
    body: WorkspaceUpdate, scope: SecMasterAdmin, session: SessionDep
) -> WorkspaceOut:
    service = WorkspaceService(session)
    workspace = await service.update(scope, change_of(body))
    return await describe_one(service, scope.project, workspace)
