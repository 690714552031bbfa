"""Register routes for comments: `GET|POST /v1/incidents/{id}/comments`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from socdesk.incidents.comments import CommentService
from socdesk.kit.db import SessionDep
from socdesk.kit.params import CursorQuery, WrittenInDigits
from socdesk.kit.routes import RegisterRoute
from socdesk.register.comments.schemas import (
    CommentCreate,
    CommentCreated,
    CommentOut,
    CommentPage,
)
from socdesk.register.incidents.ids import IncidentIdPath, resolve_one
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
    limit: Annotated[
        int, Query(ge=1, le=1000, description="Comments per page."), WrittenInDigits
    ] = 100,
    cursor: CursorQuery = None,
) -> CommentPage:
    found = await resolve_one(session, scope.workspace_id, incident_id)
    page = await CommentService(session, scope).page(found, limit, cursor)
    return CommentPage(
        comments=[CommentOut.of(c) for c in page.comments], next_cursor=page.next_cursor
    )


@router.post(
    "/{incident_id}/comments",
    status_code=status.HTTP_201_CREATED,
    summary="Comment on an incident",
    responses={**NOT_FOUND, 403: {"description": "Viewers may not comment."}},
)
async def add_comment(
    incident_id: IncidentIdPath, body: CommentCreate, scope: RegisterWriter, session: SessionDep
) -> CommentCreated:
    found = await resolve_one(session, scope.workspace_id, incident_id)
    comment = await CommentService(session, scope).add(found, body.content)
    return CommentCreated(comment=CommentOut.of(comment))
