"""SecMaster's alert routes where the SDK's shapes differ from the generic `~/soc/{name}` ones
(secmaster/objects/), over the same data-object service: create answering the whole alert,
batch-update and batch-delete. Declared before the generic router, which serves the rest of
the SDK's alert calls as they are (show_alert, change_alert, list_alerts). `DELETE ~/soc/alerts`
(delete_alert) is declared here too, so the path's document lists every method it serves."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from socdesk.classes.registry import ALERT
from socdesk.kit.db import SessionDep
from socdesk.kit.routes import SecMasterRoute
from socdesk.objects.changes import Batch
from socdesk.objects.service import DataObjectService
from socdesk.secmaster.alerts.schemas import (
    AlertsChange,
    AlertsChangedEnvelope,
    CreatedAlert,
    CreatedAlertEnvelope,
)
from socdesk.secmaster.incidents.schemas import BatchIds, BatchOutcome, DeleteEnvelope
from socdesk.secmaster.objects import mapping
from socdesk.secmaster.objects.schemas import ObjectCreate
from socdesk.secmaster.triggers import trigger_flag
from socdesk.workspaces.dependencies import SecMasterWriter

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc/alerts",
    tags=["SecMaster: alerts"],
    route_class=SecMasterRoute,
)


@router.post("", summary="Create an alert")
async def create_alert(
    body: ObjectCreate, scope: SecMasterWriter, session: SessionDep
) -> CreatedAlertEnvelope:
    """The SDK's create_alert reads the new alert whole (its `type` MANUAL), its
    create_dataobject on the same route `{id, event_id}`: `data` answers both."""
    service = DataObjectService(session, scope)
    data_class = await service.by_route_name(ALERT.route_name)
    batch = Batch(body.name, body.type, trigger_flag(session, body.trigger_flag))
    record = await service.create(data_class, body.data_object, batch)
    linked = record.data_object.get("incident_id")
    fields = mapping.detail_fields(record, scope)
    return CreatedAlertEnvelope(data=CreatedAlert(**fields, event_id=linked or None))


@router.post("/batch-update", summary="Write the same fields over several alerts")
async def change_alerts(
    body: AlertsChange, scope: SecMasterWriter, session: SessionDep
) -> AlertsChangedEnvelope:
    """All or none: every changed alert is checked whole, any problem is one 400 listing them
    all and nothing is written. `data` is the changed alert first by id (the SDK answers one)."""
    service = DataObjectService(session, scope)
    data_class = await service.by_route_name(ALERT.route_name)
    batch = Batch(trigger_flag=trigger_flag(session, body.trigger_flag))
    result = await service.change_many(data_class, body.batch_ids, body.data_object, batch)
    return AlertsChangedEnvelope(
        data=mapping.detail(result.done[0], scope),
        success_ids=[str(r.id) for r in result.done],
        error_ids=result.refused,
    )


@router.delete("", summary="Delete alerts; ids not deleted are reported")
async def delete_alert(
    scope: SecMasterWriter,
    session: SessionDep,
    body: Annotated[BatchIds | None, Body()] = None,
) -> DeleteEnvelope:
    """The SDK's delete_alert (and delete_dataobjects): the ids under `data` and at the top
    level."""
    return await delete_alerts(scope, session, body)


@router.post("/batch-delete", summary="Delete alerts; ids not deleted are reported")
async def delete_alerts(
    scope: SecMasterWriter,
    session: SessionDep,
    body: Annotated[BatchIds | None, Body()] = None,
) -> DeleteEnvelope:
    """The SDK's delete_alerts, as `DELETE ~/soc/alerts` (delete_alert) does it."""
    service = DataObjectService(session, scope)
    data_class = await service.by_route_name(ALERT.route_name)
    result = await service.delete(data_class, body.batch_ids if body else None)
    outcome = BatchOutcome(success_ids=[str(i) for i in result.done], error_ids=result.refused)
    return DeleteEnvelope(data=outcome, **outcome.model_dump())
