"""`POST ~/soc/alerts/batch-order` (the SDK's create_batch_order_alerts). Declared before the
generic data-object routes."""

from __future__ import annotations

from fastapi import APIRouter

from socdesk.kit.db import SessionDep
from socdesk.kit.routes import SecMasterRoute
from socdesk.relations.ordering import AlertOrdering, OrderContent
from socdesk.secmaster.alerts_order.schemas import OrderAlert, OrderEnvelope
from socdesk.secmaster.incidents.schemas import BatchOutcome
from socdesk.settings import SettingsDep
from socdesk.workspaces.dependencies import SecMasterWriter

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc/alerts",
    tags=["SecMaster: alerts"],
    route_class=SecMasterRoute,
)


@router.post("/batch-order", summary="Make alerts into one incident")
async def create_batch_order_alerts(
    body: OrderAlert, scope: SecMasterWriter, session: SessionDep, settings: SettingsDep
) -> OrderEnvelope:
    """One incident from the open alerts listed (the highest severity among them, their
    observed times spanned); each is linked to it and closed (handle_status `Closed`,
    close_reason `Other`, `incident_id` the new incident). `success_ids`: the alerts ordered.
    At most SOCDESK_ALERTS_ORDER_MAX_IDS ids (10,000 by default): more is a 400 naming `ids`."""
    content = body.incident_content
    order = OrderContent(
        content.title, content.incident_type.category, content.incident_type.incident_type
    )
    ordering = AlertOrdering(session, scope, settings.alerts_order_max_ids)
    outcome = await ordering.order(body.ids, order)
    return OrderEnvelope(
        data=BatchOutcome(success_ids=outcome.success_ids, error_ids=outcome.error_ids)
    )
