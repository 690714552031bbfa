"""Register incident routes (seed 004): `/v1/incidents` and `/v1/incidents/{id}`."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from socdesk.kit.db import SessionDep
from socdesk.kit.params import CursorQuery, WrittenInDigits
from socdesk.kit.routes import RegisterRoute
from socdesk.kit.schemas import QueryText
from socdesk.register.incidents.answers import json_answer
from socdesk.register.incidents.ids import IncidentIdPath
from socdesk.register.incidents.schemas import (
    BulkIncidentPatch,
    IncidentPatch,
    RegisterIncidentCreate,
    RegisterPage,
    RegisterRow,
    RegisterRows,
    RegisterSeverity,
    RegisterStatus,
)
from socdesk.register.incidents.service import SORTS, RegisterIncidents, RegisterListQuery
from socdesk.workspaces.dependencies import RegisterReader, RegisterWriter

router = APIRouter(prefix="/v1/incidents", tags=["Register: incidents"], route_class=RegisterRoute)


@router.get(
    "", summary="List incidents, newest first, a page at a time", response_model=RegisterPage
)
async def list_incidents(
    scope: RegisterReader,
    session: SessionDep,
    status_: Annotated[
        list[RegisterStatus] | None, Query(alias="status", description="Repeat for several.")
    ] = None,
    severity: Annotated[list[RegisterSeverity] | None, Query()] = None,
    source: Annotated[QueryText | None, Query(max_length=128)] = None,
    assigned_to: Annotated[uuid.UUID | None, Query(description="A user id.")] = None,
    tag: Annotated[QueryText | None, Query(max_length=128)] = None,
    text: Annotated[
        QueryText | None, Query(max_length=255, description="Found in the title or description.")
    ] = None,
    sort: Annotated[
        QueryText,
        Query(
            max_length=32,
            description="A column; `-` first for descending.",
            json_schema_extra={"enum": list(SORTS)},
        ),
    ] = "-created_date",
    limit: Annotated[int, Query(ge=1, le=200), WrittenInDigits] = 50,
    cursor: CursorQuery = None,
) -> Response:
    query = RegisterListQuery(
        statuses=status_ or (),
        severities=severity or (),
        source=source,
        assigned_to=assigned_to,
        tag=tag,
        text=text,
        sort=sort,
        limit=limit,
        cursor=cursor,
    )
    return json_answer(await RegisterIncidents(session, scope).page(query))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Open an incident",
    response_model=RegisterRow,
)
async def create_incident(
    body: RegisterIncidentCreate, scope: RegisterWriter, session: SessionDep
) -> Response:
    row = await RegisterIncidents(session, scope).create(body)
    return json_answer(row, status.HTTP_201_CREATED)


# Seed 004's texts, word for word.
PATCH_ANSWERS: dict[int | str, dict[str, Any]] = {
    400: {
        "description": "Validation failed (e.g. empty payload, unknown source, inactive assignee)"
    },
    404: {"description": "Not found"},
}


@router.patch(
    "",
    summary="Update many incident's editable fields, given a list of incident IDs",
    response_description="Incidents updated",
    responses=PATCH_ANSWERS,
    response_model=RegisterRows,
)
async def patch_incidents(
    body: BulkIncidentPatch, scope: RegisterWriter, session: SessionDep
) -> Response:
    rows = await RegisterIncidents(session, scope).patch(body.ids, body)
    return json_answer({"incidents": rows})


@router.get("/{incident_id}", summary="One incident's register row", response_model=RegisterRow)
async def get_incident(
    incident_id: IncidentIdPath, scope: RegisterReader, session: SessionDep
) -> Response:
    return json_answer(await RegisterIncidents(session, scope).row(incident_id))


@router.patch(
    "/{incident_id}",
    summary="Update one incident's editable fields",
    response_description="Incident updated",
    responses=PATCH_ANSWERS,
    response_model=RegisterRow,
)
async def patch_incident(
    incident_id: IncidentIdPath, body: IncidentPatch, scope: RegisterWriter, session: SessionDep
) -> Response:
    (row,) = await RegisterIncidents(session, scope).patch([incident_id], body)
    return json_answer(row)


@router.delete(
    "/{incident_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete an incident"
)
async def delete_incident(
    incident_id: IncidentIdPath, scope: RegisterWriter, session: SessionDep
) -> Response:
    await RegisterIncidents(session, scope).delete(incident_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
