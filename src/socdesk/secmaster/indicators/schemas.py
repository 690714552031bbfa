"""SecMaster indicator request and response bodies (the SDK's IndicatorCreateRequest,
UpdateIndicatorRequestBody, IndicatorListSearchRequest, IndicatorDetail ...)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from socdesk.kit.conditions import SearchBody
from socdesk.kit.schemas import ResponseBody
from socdesk.secmaster.incidents.schemas import DataclassRef

MAX_SEARCH_IDS = 1000


class IndicatorSearch(SearchBody):
    """The SDK's IndicatorListSearchRequest: the data-object search body with `ids` (only
    these indicators) and `dataclass_id` (the Indicator class, by id or name)."""

    ids: list[Annotated[str, Field(max_length=64)]] | None = Field(
        default=None,
        max_length=MAX_SEARCH_IDS,
        description=f"Only these indicators (at most {MAX_SEARCH_IDS} ids).",
    )
    dataclass_id: Annotated[str, Field(max_length=64)] | None = Field(
        default=None, description="The Indicator class's id or name; any other class is a 400."
    )


class IndicatorDetail(ResponseBody):
    """The SDK's IndicatorDetail, with the generic DataObjectDetail's `version`,
    `format_version` and `type` (create_dataobject and show_dataobject read these routes too)."""

    id: str
    name: str = Field(description="The indicator's name (its data_object.name).")
    project_id: str
    workspace_id: str
    create_time: str
    update_time: str
    version: int
    format_version: int
    dataclass_ref: DataclassRef
    type: str = Field(description="MANUAL (through the API) or DATA_SOURCE (batch or import).")
    data_object: dict[str, Any]


class IndicatorEnvelope(ResponseBody):
    code: str = "00000000"
    message: str = ""
    success: bool = True
    data: IndicatorDetail


class CreatedIndicator(IndicatorDetail):
    event_id: str | None = Field(
        description="The incident the indicator is linked to (`data_object.incident_id`), else"
        " null (the generic create_dataobject's answer)."
    )


class CreatedIndicatorEnvelope(ResponseBody):
    code: str = "00000000"
    message: str = ""
    success: bool = True
    data: CreatedIndicator


class IndicatorPage(ResponseBody):
    code: str = "00000000"
    message: str = ""
    total: int
    size: int
    page: int
    success: bool = True
    data: list[IndicatorDetail]
