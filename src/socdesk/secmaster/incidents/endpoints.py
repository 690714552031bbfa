"""SecMaster incident routes: `~/soc/incidents`, where `~` is a workspace's path."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from socdesk.incidents.search import SearchBody
from socdesk.incidents.service import IncidentService
from socdesk.kit.db import SessionDep
from socdesk.kit.errors import Conflict
from socdesk.kit.openapi import may_answer
from socdesk.kit.params import IncidentUuidPath as IncidentId
from socdesk.kit.routes import SecMasterRoute, reads_only
from socdesk.secmaster.incidents.schemas import (
    BatchChanged,
    BatchChangedEnvelope,
    BatchEnvelope,
    BatchIds,
    CreatedEnvelope,
    CreatedIncident,
    DeleteEnvelope,
    HistoryEnvelope,
    IncidentBatchChange,
    IncidentChange,
    IncidentCreate,
    IncidentEnvelope,
    IncidentPage,
)
from socdesk.workspaces.dependencies import SecMasterReader, SecMasterWriter

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc/incidents",
    tags=["SecMaster: incidents"],
    route_class=SecMasterRoute,
)


@router.post("", summary="Create an incident")
async def create_incident(
    body: IncidentCreate, scope: SecMasterWriter, session: SessionDep
) -> CreatedEnvelope:
    detail = await IncidentService(session, scope).create(body.data_object)
    return CreatedEnvelope(data=CreatedIncident(**detail.model_dump(), event_id=detail.id))


@router.post("/search", summary="Search incidents (conditions, sorting, paging, dates)")
@reads_only
async def search_incidents(
    body: SearchBody, scope: SecMasterReader, session: SessionDep
) -> IncidentPage:
    rows, total = await IncidentService(session, scope).search(body)
    return IncidentPage(total=total, size=len(rows), page=body.offset // body.limit + 1, data=rows)


@router.post("/batch-update", summary="Apply one change to many incidents, all or none")
async def batch_update_incidents(
    body: IncidentBatchChange, scope: SecMasterWriter, session: SessionDep
) -> BatchChangedEnvelope:
    """`data` is the first listed incident after the change (the SDK's ChangeIncidentsResponse
    reads one IncidentDetail), with `success_ids` and `error_ids`."""
    service = IncidentService(session, scope)
    ids = await service.batch_change(body.batch_ids, body.data_object)
    first = await service.fresh_detail(ids[0])
    return BatchChangedEnvelope(
        data=BatchChanged(**first.model_dump(), success_ids=ids, error_ids=[])
    )


OptionalBatchIds = Annotated[BatchIds | None, Body()]


@router.post("/batch-delete", summary="Delete incidents; ids that cannot be deleted are reported")
async def batch_delete_incidents(
    scope: SecMasterWriter, session: SessionDep, body: OptionalBatchIds = None
) -> BatchEnvelope:
    outcome = await IncidentService(session, scope).batch_delete(body.batch_ids if body else None)
    return BatchEnvelope(data=outcome)


@router.delete("", summary="Delete incidents (as batch-delete; the ids also at the top level)")
async def delete_incidents(
    scope: SecMasterWriter, session: SessionDep, body: OptionalBatchIds = None
) -> DeleteEnvelope:
    """Both SDK calls on this route parse their ids: delete_incident under `data`,
    delete_dataobjects at the top level."""
    outcome = await IncidentService(session, scope).batch_delete(body.batch_ids if body else None)
    return DeleteEnvelope(data=outcome, **outcome.model_dump())


@router.get("/{incident_id}", summary="Show an incident")
async def show_incident(
    incident_id: IncidentId, scope: SecMasterReader, session: SessionDep
) -> IncidentEnvelope:
    return IncidentEnvelope(data=await IncidentService(session, scope).show(incident_id))


@router.put("/{incident_id}", summary="Change the attributes sent (409 on a stale version)")
@may_answer(Conflict)
async def change_incident(
    incident_id: IncidentId, body: IncidentChange, scope: SecMasterWriter, session: SessionDep
) -> IncidentEnvelope:
    detail = await IncidentService(session, scope).change(incident_id, body.data_object)
    return IncidentEnvelope(data=detail)


@router.get("/{incident_id}/history", summary="The incident's audit trail, oldest first")
async def incident_history(
    incident_id: IncidentId, scope: SecMasterReader, session: SessionDep
) -> HistoryEnvelope:
    events = await IncidentService(session, scope).history(incident_id)
    return HistoryEnvelope(total=len(events), data=events)
