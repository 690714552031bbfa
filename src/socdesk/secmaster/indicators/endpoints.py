"""SecMaster's indicator routes in the SDK's own shapes (create_indicator, show_indicator_detail,
update_indicator, list_indicators, delete_indicator), over the data-object service. Declared
before the generic `~/soc/{dataclass_name}` router, whose calls on indicators (create_dataobject,
show_dataobject, ...) these answer too: their bodies are supersets of both."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from socdesk.classes.registry import INDICATOR
from socdesk.kit.db import SessionDep
from socdesk.kit.params import IndicatorIdPath
from socdesk.kit.routes import SecMasterRoute, reads_only, without_transaction
from socdesk.objects.changes import Batch
from socdesk.objects.service import DataObjectService
from socdesk.secmaster.incidents.schemas import BatchIds, BatchOutcome, DeleteEnvelope
from socdesk.secmaster.indicators import mapping
from socdesk.secmaster.indicators.schemas import (
    CreatedIndicator,
    CreatedIndicatorEnvelope,
    IndicatorEnvelope,
    IndicatorPage,
    IndicatorSearch,
)
from socdesk.secmaster.objects.schemas import ObjectChange, ObjectCreate
from socdesk.workspaces.dependencies import SecMasterReader, SecMasterWriter

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc/indicators",
    tags=["SecMaster: indicators"],
    route_class=SecMasterRoute,
)


@router.post("", summary="Create an indicator")
async def create_indicator(
    body: ObjectCreate, scope: SecMasterWriter, session: SessionDep
) -> CreatedIndicatorEnvelope:
    """The SDK's create_indicator reads the new indicator whole, its create_dataobject on the
    same route `{id, event_id}`: `data` answers both."""
    service = DataObjectService(session, scope)
    data_class = await service.by_route_name(INDICATOR.route_name)
    batch = Batch(body.name, body.type, bool(body.trigger_flag))
    record = await service.create(data_class, body.data_object, batch)
    linked = record.data_object.get("incident_id")
    shown = mapping.detail(record, scope)
    return CreatedIndicatorEnvelope(
        data=CreatedIndicator(**shown.model_dump(), event_id=linked or None)
    )


@router.post("/search", summary="Search indicators")
@reads_only
@without_transaction
async def list_indicators(
    body: IndicatorSearch, scope: SecMasterReader, session: SessionDep
) -> IndicatorPage:
    """The data-object search (conditions and logics on any searchable field, sorted, paged by
    offset, with the total), narrowed to `ids` when they are sent."""
    service = DataObjectService(session, scope)
    data_class = await service.by_route_name(INDICATOR.route_name)
    await service.same_class(data_class, body.dataclass_id, "dataclass_id")
    records, total = await service.search(data_class, body, ids=body.ids)
    details = [mapping.detail(r, scope) for r in records]
    page = body.offset // body.limit + 1
    return IndicatorPage(total=total, size=len(details), page=page, data=details)


@router.delete("", summary="Delete indicators; ids not deleted are reported")
async def delete_indicator(
    scope: SecMasterWriter,
    session: SessionDep,
    body: Annotated[BatchIds | None, Body()] = None,
) -> DeleteEnvelope:
    """The ids under `data` (the SDK's IndicatorBatchOperateResponse) and at the top level
    (delete_dataobjects). An indicator's links go with it."""
    service = DataObjectService(session, scope)
    data_class = await service.by_route_name(INDICATOR.route_name)
    result = await service.delete(data_class, body.batch_ids if body else None)
    outcome = BatchOutcome(success_ids=[str(i) for i in result.done], error_ids=result.refused)
    return DeleteEnvelope(data=outcome, **outcome.model_dump())


@router.get("/{indicator_id}", summary="Show an indicator")
async def show_indicator_detail(
    indicator_id: IndicatorIdPath, scope: SecMasterReader, session: SessionDep
) -> IndicatorEnvelope:
    service = DataObjectService(session, scope)
    data_class = await service.by_route_name(INDICATOR.route_name)
    return IndicatorEnvelope(
        data=mapping.detail(await service.show(data_class, indicator_id), scope)
    )


@router.put("/{indicator_id}", summary="Change the fields sent")
async def update_indicator(
    indicator_id: IndicatorIdPath, body: ObjectChange, scope: SecMasterWriter, session: SessionDep
) -> IndicatorEnvelope:
    """The indicator after the change is checked whole against its class (every problem in one
    400); its version moves on by one."""
    service = DataObjectService(session, scope)
    data_class = await service.by_route_name(INDICATOR.route_name)
    batch = Batch(trigger_flag=bool(body.trigger_flag))
    record = await service.change(data_class, indicator_id, body.data_object, batch)
    return IndicatorEnvelope(data=mapping.detail(record, scope))
