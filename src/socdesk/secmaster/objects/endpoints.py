"""SecMaster generic data-object routes, `~/soc/{dataclass_name}` (the SDK's create_dataobject,
show_dataobject, update_dataobject, delete_dataobjects, list_dataobjects), for every class by
its plural route name. Incidents have routes of their own (secmaster/incidents/), which are
declared first and so are never shadowed by these."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from socdesk.kit.conditions import SearchBody
from socdesk.kit.db import SessionDep
from socdesk.kit.params import DataclassNamePath, DataObjectIdPath
from socdesk.kit.routes import SecMasterRoute, reads_only, without_transaction
from socdesk.objects.changes import Batch
from socdesk.objects.service import DataObjectService
from socdesk.secmaster.incidents.schemas import (
    BatchIds,
    BatchOutcome,
    DeleteEnvelope,
    HistoryEnvelope,
)
from socdesk.secmaster.objects import mapping
from socdesk.secmaster.objects.schemas import (
    CreatedEnvelope,
    ObjectChange,
    ObjectCreate,
    ObjectEnvelope,
    ObjectPage,
)
from socdesk.secmaster.triggers import trigger_flag
from socdesk.workspaces.dependencies import SecMasterReader, SecMasterWriter

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc",
    tags=["SecMaster: data objects"],
    route_class=SecMasterRoute,
)


@router.post("/{dataclass_name}", summary="Create a data object of a class")
async def create_dataobject(
    dataclass_name: DataclassNamePath,
    body: ObjectCreate,
    scope: SecMasterWriter,
    session: SessionDep,
) -> CreatedEnvelope:
    """`data.event_id` is the incident the object is linked to (`data_object.incident_id`),
    else null."""
    service = DataObjectService(session, scope)
    data_class = await service.by_route_name(dataclass_name)
    batch = Batch(body.name, body.type, trigger_flag(session, body.trigger_flag))
    record = await service.create(data_class, body.data_object, batch)
    linked = record.data_object.get("incident_id")
    return CreatedEnvelope(data={"id": str(record.id), "event_id": linked or None})


@router.post("/{dataclass_name}/search", summary="Search a class's data objects")
@reads_only
@without_transaction
async def list_dataobjects(
    dataclass_name: DataclassNamePath, body: SearchBody, scope: SecMasterReader, session: SessionDep
) -> ObjectPage:
    """The incident search's conditions and logics on any searchable field of the class
    (dotted paths included), sorted by any of them, paged by offset, with the total."""
    service = DataObjectService(session, scope)
    data_class = await service.by_route_name(dataclass_name)
    records, total = await service.search(data_class, body)
    details = [mapping.detail(r, scope) for r in records]
    page = body.offset // body.limit + 1
    return ObjectPage(total=total, size=len(details), page=page, data=details)


@router.delete("/{dataclass_name}", summary="Delete data objects; ids not deleted are reported")
async def delete_dataobjects(
    dataclass_name: DataclassNamePath,
    scope: SecMasterWriter,
    session: SessionDep,
    body: Annotated[BatchIds | None, Body()] = None,
) -> DeleteEnvelope:
    """The ids at the top level (the SDK's DeleteDataobjectsResponse) and under `data`."""
    service = DataObjectService(session, scope)
    data_class = await service.by_route_name(dataclass_name)
    result = await service.delete(data_class, body.batch_ids if body else None)
    outcome = BatchOutcome(success_ids=[str(i) for i in result.done], error_ids=result.refused)
    return DeleteEnvelope(data=outcome, **outcome.model_dump())


@router.get("/{dataclass_name}/{data_object_id}", summary="Show a data object")
async def show_dataobject(
    dataclass_name: DataclassNamePath,
    data_object_id: DataObjectIdPath,
    scope: SecMasterReader,
    session: SessionDep,
) -> ObjectEnvelope:
    service = DataObjectService(session, scope)
    data_class = await service.by_route_name(dataclass_name)
    return ObjectEnvelope(
        data=mapping.detail(await service.show(data_class, data_object_id), scope)
    )


@router.put("/{dataclass_name}/{data_object_id}", summary="Change the fields sent")
async def update_dataobject(
    dataclass_name: DataclassNamePath,
    data_object_id: DataObjectIdPath,
    body: ObjectChange,
    scope: SecMasterWriter,
    session: SessionDep,
) -> ObjectEnvelope:
    """The object after the change is checked whole against its class (every problem in one
    400); its version moves on by one."""
    service = DataObjectService(session, scope)
    data_class = await service.by_route_name(dataclass_name)
    batch = Batch(trigger_flag=trigger_flag(session, body.trigger_flag))
    record = await service.change(data_class, data_object_id, body.data_object, batch)
    return ObjectEnvelope(data=mapping.detail(record, scope))


@router.get(
    "/{dataclass_name}/{data_object_id}/history",
    summary="A data object's audit trail, oldest first",
)
async def dataobject_history(
    dataclass_name: DataclassNamePath,
    data_object_id: DataObjectIdPath,
    scope: SecMasterReader,
    session: SessionDep,
) -> HistoryEnvelope:
    """Who created, changed and deleted it, when, in which request (SOCdesk extension)."""
    service = DataObjectService(session, scope)
    data_class = await service.by_route_name(dataclass_name)
    events = mapping.history(await service.history(data_class, data_object_id))
    return HistoryEnvelope(total=len(events), data=events)
