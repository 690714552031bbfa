"""Register routes for comments: `GET|POST /v1/incidents/{id}/comments`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from socdesk.incidents.comments import CommentService
from socdesk.kit.db import SessionDep
from socdesk.kit.params import CursorQuery
from socdesk.kit.routes import RegisterRoute
from socdesk.register.comments.schemas import CommentCreate, CommentCreated, CommentPage
from socdesk.register.incidents.ids import IncidentIdPath
from socdesk.workspaces.dependencies import RegisterReader, RegisterWriter

router = APIRouter(prefix="/v1/incidents", tags=["Register: comments"], route_class=RegisterRoute)

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such incident in this workspace."}
}


@router.get(
    "/{incident_id}/comments", summary="An incident's comments, oldest first", responses=NOT_FOUND
)
async def list_comments(
    incident_id: IncidentIdPath,
    scope: RegisterReader,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000, description="Comments per page.")] = 100,
    cursor: CursorQuery = None,
) -> CommentPage:
    comments, next_cursor = await CommentService(session, scope).page(incident_id, limit, cursor)
    return CommentPage(comments=comments, next_cursor=next_cursor)


@router.post(
    "/{incident_id}/comments",
    status_code=status.HTTP_201_CREATED,
    summary="Comment on an incident",
    responses={**NOT_FOUND, 403: {"description": "Viewers may not comment."}},
)
async def add_comment(
    incident_id: IncidentIdPath, body: CommentCreate, scope: RegisterWriter, session: SessionDep
) -> CommentCreated:
    comment = await CommentService(session, scope).add(incident_id, body.content)
    return CommentCreated(comment=comment)
