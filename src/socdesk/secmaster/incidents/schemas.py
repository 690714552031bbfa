"""SecMaster incident request and response bodies: the envelopes around the incident record."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from pydantic import (
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    model_validator,
)
from pydantic_core import InitErrorDetails

from socdesk.incidents.record import IncidentObject, Text255
from socdesk.kit.schemas import RequestBody, ResponseBody

# The SDK's generic data-object forms (DataObjectCreateForm, DataObjectBatchUpdateForm) reach
# the incident routes with these fields too; SOCdesk accepts them and (documented) ignores them.
TriggerFlag = Annotated[
    bool | None,
    Field(
        description="false: this write starts no playbook (absent or true: it starts those "
        "whose rule it matches)."
    ),
]


def _declare_what_a_create_needs(schema: dict[str, Any]) -> None:
    """The document says which fields a create must have (the catalogue's mandatory ones, which
    the service refuses to go without), so a client built from it sends them."""
    # Imported here: the catalogue and mapping are built on these schemas.
    from socdesk.incidents.mapping import REQUIRED_PARTS

    present = {"not": {"enum": [None, ""]}}  # what `missing_required` counts as absent
    parts: dict[str, dict[str, Any]] = {}
    for _key, top, child in REQUIRED_PARTS:
        part = parts.setdefault(top, dict(present))
        if child:
            part.setdefault("required", []).append(child)
            part.setdefault("properties", {})[child] = present
    schema["properties"]["data_object"] = {
        "allOf": [
            schema["properties"]["data_object"],
            {"required": list(parts), "properties": parts},
        ]
    }


class IncidentCreate(RequestBody):
    model_config = ConfigDict(json_schema_extra=_declare_what_a_create_needs)

    data_object: IncidentObject
    id: Annotated[str, Field(max_length=64)] | None = Field(
        default=None, description="Ignored: the server chooses the id (as data_object.id)."
    )
    format_version: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = Field(
        default=None, description="Accepted and ignored: SOCdesk has one format, 1."
    )
    name: Text255 | None = Field(default=None, description="Accepted and ignored.")
    type: Text255 | None = Field(default=None, description="Accepted and ignored.")
    trigger_flag: TriggerFlag = None

    @model_validator(mode="wrap")
    @classmethod
    def every_problem(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """A body that fails validation is told every problem it has (docs/errors.md): the
        mandatory fields it lacks as well as its invalid ones. (A valid body that lacks one is
        refused by the service, which lists them all too.)"""
        try:
            return handler(data)
        except ValidationError as failure:
            sent = data.get("data_object") if isinstance(data, dict) else None
            if not isinstance(sent, dict):
                raise
            # Imported here: the catalogue and mapping are built on these schemas.
            from socdesk.incidents.mapping import missing_required

            reported = [tuple(e["loc"]) for e in failure.errors()]
            lacking: list[InitErrorDetails] = []
            for key in missing_required(sent):
                loc = ("data_object", *key.split("."))
                if not _overlaps(loc, reported):
                    lacking.append({"type": "missing", "loc": loc, "input": sent})
            if not lacking:
                raise
            errors = [_init_details(e) for e in failure.errors()]
            raise ValidationError.from_exception_data(failure.title, errors + lacking) from None


def _overlaps(loc: tuple[str, ...], reported: list[tuple[Any, ...]]) -> bool:
    """Whether a problem is already reported at `loc`, inside it or around it."""
    return any(r[: len(loc)] == loc or loc[: len(r)] == r for r in reported)


def _init_details(error: Any) -> InitErrorDetails:
    """A reported error, as `ValidationError.from_exception_data` takes it back."""
    details: InitErrorDetails = {
        "type": error["type"],
        "loc": error["loc"],
        "input": error["input"],
    }
    if "ctx" in error:
        details["ctx"] = error["ctx"]
    return details


class IncidentChange(RequestBody):
    batch_ids: list[str] | None = Field(default=None, description="Ignored on PUT {id}.")
    trigger_flag: TriggerFlag = None
    data_object: IncidentObject


class IncidentBatchChange(RequestBody):
    batch_ids: list[str] = Field(min_length=1, max_length=10_000)
    data_object: IncidentObject


class BatchIds(RequestBody):
    batch_ids: list[Any] | None = Field(
        default=None,
        max_length=10_000,
        description="Ids to delete; unknown, malformed or repeated ids land in error_ids.",
    )


class DataclassRef(ResponseBody):
    id: str
    name: str


class IncidentDetail(ResponseBody):
    id: str
    project_id: str
    workspace_id: str
    create_time: str
    update_time: str
    version: int
    format_version: int
    dataclass_ref: DataclassRef
    type: str
    data_object: dict[str, Any]


class IncidentEnvelope(ResponseBody):
    code: str = "00000000"
    message: str = ""
    success: bool = Field(default=True, description="As the SDK's data-object responses carry.")
    data: IncidentDetail


class CreatedIncident(IncidentDetail):
    event_id: str = Field(description="The incident's id again (DataObjectCreateUpdateResponse).")


class CreatedEnvelope(IncidentEnvelope):
    data: CreatedIncident


class BatchChanged(IncidentDetail):
    """The SDK's ChangeIncidentsResponse reads one IncidentDetail: the first listed incident
    after the change. The ids changed come along."""

    success_ids: list[str]
    error_ids: list[str]


class BatchChangedEnvelope(ResponseBody):
    code: str = "00000000"
    message: str = ""
    data: BatchChanged


class BatchOutcome(ResponseBody):
    success_ids: list[str]
    error_ids: list[str]


class BatchEnvelope(ResponseBody):
    code: str = "00000000"
    message: str = ""
    data: BatchOutcome


class DeleteEnvelope(BatchEnvelope):
    """DELETE on the collection serves two SDK calls: delete_incident reads the ids under
    `data` (as seed 002's batch-delete answers), delete_dataobjects at the top level."""

    success_ids: list[str]
    error_ids: list[str]


class IncidentPage(ResponseBody):
    code: str = "00000000"
    message: str = ""
    total: int
    size: int
    page: int
    success: bool = True
    data: list[IncidentDetail]


class HistoryChange(ResponseBody):
    field: str
    before: Any
    after: Any


class HistoryEvent(ResponseBody):
    id: uuid.UUID
    action: str
    time: str
    actor_id: uuid.UUID | None
    actor: str
    request_id: str | None
    source: str | None = Field(description="The imported file, for action import.")
    changes: list[HistoryChange]
    snapshot: dict[str, Any] | None


class HistoryEnvelope(ResponseBody):
    code: str = "00000000"
    message: str = ""
    total: int
    data: list[HistoryEvent]
