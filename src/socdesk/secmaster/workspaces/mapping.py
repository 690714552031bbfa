"""Workspaces in SecMaster's shape, and SecMaster's bodies as the domain's values."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from socdesk.kit.clock import format_time
from socdesk.kit.ids import hex_id
from socdesk.models import Project, Workspace
from socdesk.secmaster.workspaces.schemas import WorkspaceCreate, WorkspaceOut, WorkspaceUpdate
from socdesk.workspaces.service import WorkspaceChange, WorkspaceDraft, WorkspaceService


def draft_of(body: WorkspaceCreate) -> WorkspaceDraft:
    return WorkspaceDraft(
        name=body.name,
        description=body.description,
        region_id=body.region_id,
        enterprise_project_id=body.enterprise_project_id,
        enterprise_project_name=body.enterprise_project_name,
        tags=[tag.model_dump() for tag in body.tags],
    )


def change_of(body: WorkspaceUpdate) -> WorkspaceChange:
    return WorkspaceChange(name=body.name, description=body.description)


async def describe(
    service: WorkspaceService, project: Project, workspaces: Sequence[Workspace]
) -> list[WorkspaceOut]:
    """Workspaces in SecMaster's shape, with creator and modifier names in one query."""
    people = await service.authors(project, workspaces)

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


async def describe_one(
    service: WorkspaceService, project: Project, workspace: Workspace
) -> WorkspaceOut:
    (out,) = await describe(service, project, [workspace])
    return out
