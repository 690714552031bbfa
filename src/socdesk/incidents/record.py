"""The incident record: every field of SecMaster's Incident `data_object`, typed and bounded.

The store keeps incidents in this shape, whichever dialect wrote them (the canonical record)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
)

from socdesk.kit.clock import format_time, parse_time
from socdesk.kit.schemas import RequestBody

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

# The values as types; socdesk/classes/values.py lists them for the field catalogue.
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
    needs is the field catalogue's business (`incidents/catalog.py`). A key that is none of
    these is kept (`model_extra`): it may be a field the workspace added to the Incident class,
    which the change path checks against the workspace's class (`incidents/added_fields.py`)
    and refuses otherwise."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=False)

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
