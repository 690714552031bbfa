"""SecMaster alert bodies where they differ from the generic data-object ones (the SDK's
BatchChangeAlertRequestBody, ChangeAlertsResponse)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from socdesk.kit.schemas import RequestBody, ResponseBody
from socdesk.secmaster.objects.schemas import ObjectDetail


class AlertsChange(RequestBody):
    batch_ids: list[Annotated[str, Field(max_length=64)]] = Field(
        max_length=10_000,
        description="The alerts to change; unknown, malformed or repeated ids land in error_ids.",
    )
    trigger_flag: bool | None = Field(
        default=None,
        description="false: these writes start no playbook. Kept with the audit events.",
    )
    data_object: dict[str, Any] = Field(
        description="The fields to write over every listed alert's; a field sent as null is"
        " removed."
    )


class CreatedAlert(ObjectDetail):
    """The new alert whole (the SDK's create_alert reads an AlertDetail) and its `event_id`
    (create_dataobject, whose route is the same, reads `{id, event_id}`)."""

    event_id: str | None = Field(
        description="The incident the alert is linked to (`data_object.incident_id`), else null."
    )


class CreatedAlertEnvelope(ResponseBody):
    code: str = "00000000"
    message: str = ""
    success: bool = True
    data: CreatedAlert


class AlertsChangedEnvelope(ResponseBody):
    """The SDK's ChangeAlertsResponse answers one AlertDetail: the changed alert first by id. Which
    alerts were changed and which not are at the top level (SOCdesk extension)."""

    code: str = "00000000"
    message: str = ""
    success: bool = True
    data: ObjectDetail
    success_ids: list[str]
    error_ids: list[str]
