"""The SDK's workspace calls get every key of their response models, populated."""

from __future__ import annotations

from huaweicloudsdksecmaster.v1 import (
    CreateWorkspaceRequest,
    CreateWorkspaceRequestBody,
    CreateWorkspaceResponse,
    ListWorkspacesRequest,
    ListWorkspacesResponse,
    ShowWorkspaceRequest,
    ShowWorkspaceResponse,
    TagsPojo,
    UpdateWorkspaceRequest,
    UpdateWorkspaceRequestBody,
    UpdateWorkspaceResponse,
)

from tests.conftest import AdminSdk
from tests.sdk_models import raw_body, unanswered


async def test_the_sdk_creates_lists_shows_and_updates_a_workspace(admin_sdk: AdminSdk) -> None:
    client, project = admin_sdk.client, admin_sdk.where["project_id"]

    created = client.create_workspace(
        CreateWorkspaceRequest(
            project_id=project,
            body=CreateWorkspaceRequestBody(
                name="blue team",
                description="defence",
                region_id="cn-north-4",
                enterprise_project_id="0",
                enterprise_project_name="default",
                is_view=False,
                view_bind_id="",
                project_name="ignored",
                tags=[TagsPojo(key="team", value="blue")],
            ),
        )
    )
    listed = client.list_workspaces(
        ListWorkspacesRequest(project_id=project, name="blue", limit=5, offset=0)
    )
    by_region = client.list_workspaces(
        ListWorkspacesRequest(
            project_id=project,
            region_id="cn-north-4",
            description="fence",
            enterprise_project_id="0",
            is_view=False,
            create_time_start="2000-01-01T00:00:00Z",
            create_time_end="2999-01-01T00:00:00+08:00",
            view_bind_id="",
        )
    )
    elsewhere = client.list_workspaces(ListWorkspacesRequest(project_id=project, region_id="x"))
    views = client.list_workspaces(ListWorkspacesRequest(project_id=project, is_view=True))
    later = client.list_workspaces(
        ListWorkspacesRequest(project_id=project, create_time_start="2999-01-01T00:00:00Z")
    )
    shown = client.show_workspace(ShowWorkspaceRequest(project_id=project, workspace_id=created.id))
    updated = client.update_workspace(
        UpdateWorkspaceRequest(
            project_id=project,
            workspace_id=created.id,
            body=UpdateWorkspaceRequestBody(name="blue team 2", description="d", view_bind_id=""),
        )
    )

    assert unanswered(CreateWorkspaceResponse, raw_body(created)) == []
    assert unanswered(ListWorkspacesResponse, raw_body(listed)) == []
    assert unanswered(ShowWorkspaceResponse, raw_body(shown)) == []
    assert unanswered(UpdateWorkspaceResponse, raw_body(updated)) == []
    assert (created.name, created.region_id, created.project_id) == (
        "blue team",
        "cn-north-4",
        project,
    )
    assert [w.id for w in listed.workspaces] == [created.id]
    assert listed.count == 1
    assert [w.id for w in by_region.workspaces] == [created.id]
    assert elsewhere.count == views.count == later.count == 0
    assert shown.workspace.id == created.id
    assert (updated.id, updated.name) == (created.id, "blue team 2")
