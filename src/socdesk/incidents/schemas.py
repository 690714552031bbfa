"""Incident bodies in the SecMaster dialect, field for field as the SDK's `Incident` model."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    ValidationError,
    ValidatorFunctionWrapHandler,
    model_validator,
)
from pydantic_core import InitErrorDetails

from socdesk.incidents.times import parse_time
from socdesk.kit.clock import format_time
from socdesk.kit.schemas import RequestBody, ResponseBody

SecMasterTime = Annotated[
    datetime,
    BeforeValidator(parse_time),
    PlainSerializer(format_time, return_type=str),
]
# A JSON number that is a whole number; `true` is not 1 here (lax Pydantic would store it as 1).
WholeNumber = Annotated[int, Strict()]
Percent = Annotated[int, Strict(), Field(ge=0, le=100)]
Text255 = Annotated[str, Field(max_length=255)]
# A person, usually an email address (at most 254 characters, as the columns hold).
Person = Annotated[str, Field(max_length=254)]

SEVERITIES = ("Tips", "Low", "Medium", "High", "Fatal")
HANDLE_STATUSES = ("Open", "Block", "Closed")
VERIFICATION_STATES = ("Unknown", "True_Positive", "False_Positive")
IPDRR_PHASES = (
    "Preparation",
    "Detection and Analysis",
    "Contain，Eradication& Recovery",
    "Post-Incident-Activity",
)
CLOSE_REASONS = ("False detection", "Resolved", "Repeated", "Other")

SeverityName = Literal["Tips", "Low", "Medium", "High", "Fatal"]
HandleStatus = Literal["Open", "Block", "Closed"]
VerificationState = Literal["Unknown", "True_Positive", "False_Positive"]
IpdrrPhase = Literal[
    "Preparation",
    "Detection and Analysis",
    "Contain，Eradication& Recovery",
    "Post-Incident-Activity",
]
CloseReason = Literal["False detection", "Resolved", "Repeated", "Other"]


class Environment(RequestBody):
    vendor_type: Text255 | None = None
    domain_id: Text255 | None = None
    region_id: Text255 | None = None
    cross_workspace_id: Text255 | None = None
    project_id: Text255 | None = None


class DataSource(RequestBody):
    source_type: Literal[1, 2, 3] | None = Field(
        default=None, description="1 first-party product, 2 third-party product, 3 tenant-defined."
    )
    domain_id: Text255 | None = None
    project_id: Text255 | None = None
    region_id: Text255 | None = None
    company_name: Text255 | None = None
    product_name: Annotated[str, Field(max_length=128)] | None = None
    product_feature: Annotated[str, Field(max_length=128)] | None = None
    product_module: Text255 | None = None


class IncidentType(RequestBody):
    category: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    incident_type: Annotated[str, Field(min_length=1, max_length=128)] | None = None


class Geo(RequestBody):
    latitude: float | None = None
    longitude: float | None = None
    city_code: Text255 | None = None
    country_code: Text255 | None = None


class Network(RequestBody):
    direction: Text255 | None = None
    protocol: Text255 | None = None
    src_ip: Text255 | None = None
    src_port: WholeNumber | None = None
    src_domain: Text255 | None = None
    src_geo: Geo | None = None
    dest_ip: Text255 | None = None
    dest_port: Text255 | None = None
    dest_domain: Text255 | None = None
    dest_geo: Geo | None = None


class Resource(RequestBody):
    id: Text255 | None = None
    name: Text255 | None = None
    type: Text255 | None = None
    provider: Text255 | None = None
    region_id: Text255 | None = None
    domain_id: Text255 | None = None
    project_id: Text255 | None = None
    ep_id: Text255 | None = None
    ep_name: Text255 | None = None
    tags: Annotated[str, Field(max_length=1024)] | None = None


class Remediation(RequestBody):
    recommendation: Annotated[str, Field(max_length=2048)] | None = None
    url: Annotated[str, Field(max_length=1024)] | None = None


class Malware(RequestBody):
    malware_family: Text255 | None = None
    malware_class: Text255 | None = None


class Process(RequestBody):
    process_name: Text255 | None = None
    process_path: Annotated[str, Field(max_length=1024)] | None = None
    process_pid: WholeNumber | None = None
    process_uid: WholeNumber | None = None
    process_cmdline: Annotated[str, Field(max_length=4096)] | None = None
    process_parent_name: Text255 | None = None
    process_parent_path: Annotated[str, Field(max_length=1024)] | None = None
    process_parent_pid: WholeNumber | None = None
    process_parent_uid: WholeNumber | None = None
    process_parent_cmdline: Annotated[str, Field(max_length=4096)] | None = None
    process_child_name: Text255 | None = None
    process_child_path: Annotated[str, Field(max_length=1024)] | None = None
    process_child_pid: WholeNumber | None = None
    process_child_uid: WholeNumber | None = None
    process_child_cmdline: Annotated[str, Field(max_length=4096)] | None = None
    process_launche_time: Text255 | None = None
    process_terminate_time: Text255 | None = None


class UserInfo(RequestBody):
    user_id: Text255 | None = None
    user_name: Text255 | None = None


class FileInfo(RequestBody):
    file_path: Annotated[str, Field(max_length=1024)] | None = None
    file_content: Annotated[str, Field(max_length=4096)] | None = None
    file_new_path: Annotated[str, Field(max_length=1024)] | None = None
    file_hash: Text255 | None = None
    file_md5: Text255 | None = None
    file_sha256: Text255 | None = None
    file_attr: Text255 | None = None


class IncidentObject(RequestBody):
    """SecMaster's Incident `data_object`. Every field is optional here; which ones a create
    needs is the field catalogue's business (`incidents/catalog.py`)."""

    version: str | WholeNumber | None = Field(
        default=None, description="On PUT: the version you read; a stale one is 409."
    )
    id: str | None = Field(default=None, description="Ignored on create and update.")
    domain_id: str | None = None
    region_id: Text255 | None = None
    workspace_id: str | None = None
    labels: Annotated[str, Field(max_length=1024)] | None = None
    environment: Environment | None = None
    data_source: DataSource | None = None
    first_observed_time: SecMasterTime | None = None
    last_observed_time: SecMasterTime | None = None
    create_time: SecMasterTime | None = None
    arrive_time: SecMasterTime | None = None
    title: Annotated[str, Field(min_length=1, max_length=255)] | None = None
    description: Annotated[str, Field(max_length=1024)] | None = None
    source_url: Annotated[str, Field(max_length=1024)] | None = None
    count: Annotated[int, Strict(), Field(ge=0, le=2**31 - 1)] | None = None
    confidence: Percent | None = None
    severity: SeverityName | None = None
    criticality: Percent | None = None
    incident_type: IncidentType | None = None
    network_list: list[Network] | None = Field(default=None, max_length=1000)
    resource_list: list[Resource] | None = Field(default=None, max_length=1000)
    remediation: Remediation | None = None
    verification_state: VerificationState | None = None
    handle_status: HandleStatus | None = None
    sla: str | WholeNumber | None = None
    update_time: SecMasterTime | None = Field(default=None, description="Set by the server.")
    close_time: SecMasterTime | None = None
    ipdrr_phase: IpdrrPhase | None = None
    simulation: str | bool | None = None
    actor: Person | None = None
    owner: Person | None = None
    creator: Person | None = None
    close_reason: CloseReason | None = None
    close_comment: Annotated[str, Field(max_length=1024)] | None = None
    malware: Malware | None = None
    system_info: dict[str, Any] | None = None
    process: list[Process] | None = Field(default=None, max_length=1000)
    user_info: list[UserInfo] | None = Field(default=None, max_length=1000)
    file_info: list[FileInfo] | None = Field(default=None, max_length=1000)
    system_alert_table: dict[str, Any] | None = None
    extend_properties: dict[str, Any] | None = None
    ref_order_id: Text255 | None = None
    origin_id: Text255 | None = None


# The SDK's generic data-object forms (DataObjectCreateForm, DataObjectBatchUpdateForm) reach
# the incident routes with these fields too; SOCdesk accepts them and (documented) ignores them.
TriggerFlag = Annotated[
    bool | None,
    Field(description="Accepted and ignored: SOCdesk has no playbooks to trigger yet."),
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
