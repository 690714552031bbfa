"""Workspace bodies, field for field as the SecMaster SDK's v1 workspace models."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from socdesk.kit.schemas import RequestBody, ResponseBody


class WorkspaceTag(RequestBody):
    key: str = Field(min_length=1, max_length=128)
    value: str = Field(default="", max_length=255)


class WorkspaceCreate(RequestBody):
    name: str = Field(min_length=1, max_length=64)
    description: str = Field(default="", max_length=1024)
    region_id: str = Field(default="", max_length=64)
    enterprise_project_id: str = Field(default="", max_length=64)
    enterprise_project_name: str = Field(default="", max_length=128)
    # SecMaster "views" aggregate other workspaces; SOCdesk has none, so only false is accepted.
    is_view: Literal[False] = Field(default=False, description="Views are not supported.")
    view_bind_id: str | None = Field(default=None, description="Ignored: views are not supported.")
    project_name: str = Field(default="", max_length=64, description="Ignored: the path names it.")
    tags: list[WorkspaceTag] = Field(default_factory=list, max_length=20)


class WorkspaceUpdate(RequestBody):
    name: str | None = Field(default=None, min_length=1, max_length=64)
    description: str | None = Field(default=None, max_length=1024)
    view_bind_id: str | None = Field(default=None, description="Ignored: views are not supported.")


class WorkspaceAgency(ResponseBody):
    """An IAM agency bound to a workspace (the SDK's WorkspaceAgencyList); SOCdesk binds none,
    so the list is always empty."""

    project_id: str
    id: str
    name: str
    region_id: str
    workspace_attribution: str
    agency_version: str
    domain_id: str
    domain_name: str
    iam_agency_id: str
    iam_agency_name: str
    resource_spec_code: list[str]
    selected: bool


class WorkspaceOut(ResponseBody):
    id: str
    create_time: str
    update_time: str
    name: str
    description: str
    creator_id: str
    creator_name: str
    modifier_id: str
    modifier_name: str
    project_id: str = Field(description="The project, as 32 hex digits.")
    project_name: str
    domain_id: str = Field(description="SOCdesk's domain is the project: same id.")
    domain_name: str
    enterprise_project_id: str
    enterprise_project_name: str
    is_view: bool
    region_id: str
    view_bind_id: str
    view_bind_name: str
    workspace_agency_list: list[WorkspaceAgency] = Field(description="Always empty.")


class WorkspaceList(ResponseBody):
    workspaces: list[WorkspaceOut]
    count: int


class WorkspaceShown(ResponseBody):
    workspace: WorkspaceOut
