"""Seed 003 and its reads: `~/soc/datapanel/{dataclass}/data-objects` (the SDK's
batch_create_datapanel_objects, list_datapanel_objects, show_datapanel_object), for every class
— Incident too — by any name of the class."""

from __future__ import annotations

from fastapi import APIRouter, Response

from socdesk.kit.conditions import SearchBody
from socdesk.kit.db import SessionDep
from socdesk.kit.errors import ValidationFailed
from socdesk.kit.params import DataPanelClassPath, DataPanelObjectIdPath
from socdesk.kit.routes import SecMasterRoute, reads_only, without_transaction
from socdesk.objects.changes import Batch
from socdesk.objects.panel import DataPanel
from socdesk.secmaster.objects import mapping
from socdesk.secmaster.objects.schemas import BatchCreate, CreatedRef, ObjectEnvelope, ObjectPage
from socdesk.secmaster.triggers import trigger_flag
from socdesk.workspaces.dependencies import SecMasterReader, SecMasterWriter

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc/datapanel/{dataclass}/data-objects",
    tags=["SecMaster: data panel"],
    route_class=SecMasterRoute,
)


@router.post(
    "/batch-create",
    summary="Create data objects of a class, all or none (seed 003)",
    response_model=list[CreatedRef],
)
async def batch_create_datapanel_objects(
    dataclass: DataPanelClassPath, body: BatchCreate, scope: SecMasterWriter, session: SessionDep
) -> Response:
    """A bare array of `{id, event_id}` in input order. Any invalid object makes the request
    400 with every problem of every object (`data.errors[]`: row = list index, field, value,
    message) and nothing is written. `event_id`: an incident's own id; for another class the
    incident its `incident_id` links it to, else null."""
    if body.data_object is not None and body.data_object_list is not None:
        raise ValidationFailed.for_field(
            "data_object_list", "send the objects once: data_object or data_object_list"
        )
    objects = body.data_object if body.data_object is not None else body.data_object_list
    if objects is None:
        raise ValidationFailed.for_field("data_object", "is required (or data_object_list)")
    panel = DataPanel(session, scope)
    data_class = await panel.data_class(dataclass)
    batch = Batch(body.name, body.type, trigger_flag(session, body.trigger_flag))
    created = await panel.batch_create(data_class, objects, batch)
    return Response(mapping.created_array(created), media_type="application/json")


@router.post("/search", summary="Search a class's data objects")
@reads_only
@without_transaction
async def list_datapanel_objects(
    dataclass: DataPanelClassPath, body: SearchBody, scope: SecMasterReader, session: SessionDep
) -> ObjectPage:
    panel = DataPanel(session, scope)
    data_class = await panel.data_class(dataclass)
    records, total = await panel.search(data_class, body)
    details = [mapping.detail(r, scope) for r in records]
    return ObjectPage(
        total=total, size=len(details), page=body.offset // body.limit + 1, data=details
    )


@router.get("/{dataobject_id}", summary="Show a data object of a class")
async def show_datapanel_object(
    dataclass: DataPanelClassPath,
    dataobject_id: DataPanelObjectIdPath,
    scope: SecMasterReader,
    session: SessionDep,
) -> ObjectEnvelope:
    panel = DataPanel(session, scope)
    data_class = await panel.data_class(dataclass)
    return ObjectEnvelope(data=mapping.detail(await panel.show(data_class, dataobject_id), scope))
