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
from socdesk.kit.routes import SecMasterRoute, reads_only, without_transaction
from socdesk.secmaster.incidents import mapping
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
from socdesk.secmaster.triggers import trigger_flag
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
    trigger_flag(session, body.trigger_flag)
    detail = mapping.detail(await IncidentService(session, scope).create(body.data_object), scope)
    return CreatedEnvelope(data=CreatedIncident(**detail.model_dump(), event_id=detail.id))


@router.post("/search", summary="Search incidents (conditions, sorting, paging, dates)")
@reads_only
@without_transaction
async def search_incidents(
    body: SearchBody, scope: SecMasterReader, session: SessionDep
) -> IncidentPage:
    rows, total = await IncidentService(session, scope).search(body)
    details = [mapping.detail(row, scope) for row in rows]
    page = body.offset // body.limit + 1
    return IncidentPage(total=total, size=len(details), page=page, data=details)


@router.post("/batch-update", summary="Apply one change to many incidents, all or none")
async def batch_update_incidents(
    body: IncidentBatchChange, scope: SecMasterWriter, session: SessionDep
) -> BatchChangedEnvelope:
    """`data` is the first listed incident after the change (the SDK's ChangeIncidentsResponse
    reads one IncidentDetail), with `success_ids` and `error_ids`."""
    service = IncidentService(session, scope)
    ids = await service.batch_change(body.batch_ids, body.data_object)
    first = mapping.detail(await service.fresh(ids[0]), scope)
    return BatchChangedEnvelope(
        data=BatchChanged(**first.model_dump(), success_ids=ids, error_ids=[])
    )


OptionalBatchIds = Annotated[BatchIds | None, Body()]


@router.post("/batch-delete", summary="Delete incidents; ids that cannot be deleted are reported")
async def batch_delete_incidents(
    scope: SecMasterWriter, session: SessionDep, body: OptionalBatchIds = None
) -> BatchEnvelope:
    result = await IncidentService(session, scope).batch_delete(body.batch_ids if body else None)
    return BatchEnvelope(data=mapping.batch_outcome(result))


@router.delete("", summary="Delete incidents (as batch-delete; the ids also at the top level)")
async def delete_incidents(
    scope: SecMasterWriter, session: SessionDep, body: OptionalBatchIds = None
) -> DeleteEnvelope:
    """Both SDK calls on this route parse their ids: delete_incident under `data`,
    delete_dataobjects at the top level."""
    result = await IncidentService(session, scope).batch_delete(body.batch_ids if body else None)
    outcome = mapping.batch_outcome(result)
    return DeleteEnvelope(data=outcome, **outcome.model_dump())


@router.get("/{incident_id}", summary="Show an incident")
async def show_incident(
    incident_id: IncidentId, scope: SecMasterReader, session: SessionDep
) -> IncidentEnvelope:
    row = await IncidentService(session, scope).show(incident_id)
    return IncidentEnvelope(data=mapping.detail(row, scope))


@router.put("/{incident_id}", summary="Change the attributes sent (409 on a stale version)")
@may_answer(Conflict)
async def change_incident(
    incident_id: IncidentId, body: IncidentChange, scope: SecMasterWriter, session: SessionDep
) -> IncidentEnvelope:
    trigger_flag(session, body.trigger_flag)
    row = await IncidentService(session, scope).change(incident_id, body.data_object)
    return IncidentEnvelope(data=mapping.detail(row, scope))


@router.get("/{incident_id}/history", summary="The incident's audit trail, oldest first")
async def incident_history(
    incident_id: IncidentId, scope: SecMasterReader, session: SessionDep
) -> HistoryEnvelope:
    events = mapping.history(await IncidentService(session, scope).history(incident_id))
    return HistoryEnvelope(total=len(events), data=events)
