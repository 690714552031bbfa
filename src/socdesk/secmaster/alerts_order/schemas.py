"""The SDK's OrderAlert body and its BatchOperateAlertResult answer."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from socdesk.kit.schemas import RequestBody, ResponseBody
from socdesk.relations.ordering import MAX_ORDERED
from socdesk.secmaster.incidents.schemas import BatchOutcome

Name = Annotated[str, Field(min_length=1, max_length=128)]

# An id as sent: one that names nothing lands in error_ids.
IdText = Annotated[str, Field(max_length=100)]


class OrderIncidentType(RequestBody):
    id: Annotated[str, Field(max_length=64)] | None = Field(default=None, description="Ignored.")
    category: Name
    incident_type: Name


class OrderIncidentContent(RequestBody):
    title: Annotated[str, Field(min_length=1, max_length=255)]
    incident_type: OrderIncidentType


class OrderAlert(RequestBody):
    ids: list[IdText] = Field(
        min_length=1,
        max_length=MAX_ORDERED,
        description="The alerts; malformed, unknown, other workspaces' and closed ones land "
        "in error_ids. At most SOCDESK_ALERTS_ORDER_MAX_IDS (10,000 by default) are taken.",
    )
    incident_content: OrderIncidentContent


class OrderEnvelope(ResponseBody):
    code: str = "00000000"
    message: str = ""
    data: BatchOutcome
