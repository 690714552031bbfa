"""The SDK's ListWorkspacesRequest filters, as one query dependency."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query
from pydantic import BeforeValidator

from socdesk.kit.clock import parse_time
from socdesk.kit.schemas import QueryText
from socdesk.workspaces.filters import WorkspaceFilter

# ISO 8601 with an offset, as the document's `date-time` says; lax Pydantic would also take
# a number as seconds since 1970.
IsoTime = Annotated[datetime, BeforeValidator(parse_time)]


def workspace_filter(
    region_id: Annotated[QueryText | None, Query(max_length=64, description="Exactly.")] = None,
    description: Annotated[
        QueryText | None, Query(max_length=1024, description="Part of the description.")
    ] = None,
    enterprise_project_id: Annotated[
        QueryText | None, Query(max_length=64, description="Exactly.")
    ] = None,
    is_view: Annotated[
        bool | None, Query(description="SOCdesk has no views: true lists none.")
    ] = None,
    create_time_start: Annotated[
        IsoTime | None, Query(description="Created at or after (ISO 8601 with offset).")
    ] = None,
    create_time_end: Annotated[
        IsoTime | None, Query(description="Created at or before (ISO 8601 with offset).")
    ] = None,
    view_bind_id: Annotated[
        QueryText | None, Query(max_length=64, description="Ignored: views are not supported.")
    ] = None,
    view_bind_name: Annotated[
        QueryText | None, Query(max_length=64, description="Ignored: views are not supported.")
    ] = None,
    normal_project_id: Annotated[
        QueryText | None, Query(max_length=64, description="Ignored: views are not supported.")
    ] = None,
) -> WorkspaceFilter:
    return WorkspaceFilter(
        region_id, description, enterprise_project_id, is_view, create_time_start, create_time_end
    )


WorkspaceFilterDep = Annotated[WorkspaceFilter, Depends(workspace_filter)]
