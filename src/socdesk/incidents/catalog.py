"""The Incident data class: every field, its type, whether a create needs it, its allowed values,
and which column (if any) makes it searchable. Validation, search, the data class routes and the
import template and export columns all read this one list."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from socdesk.incidents.record import (
    CLOSE_REASONS,
    HANDLE_STATUSES,
    IPDRR_PHASES,
    SEVERITIES,
    VERIFICATION_STATES,
)

INCIDENT_DATACLASS_ID = "c4b0f6a2-8f3e-4c55-9a4e-2d1f0b6e9a01"
INCIDENT_DATACLASS_NAME = "Incident"


class FieldType(StrEnum):
    string = "string"
    text = "text"
    integer = "integer"
    enum = "enum"
    datetime = "datetime"
    object = "object"
    array = "array"


@dataclass(frozen=True, slots=True)
class IncidentField:
    key: str
    name: str
    field_type: FieldType
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()
    # The incidents column behind the field; only these are searchable and sortable.
    column: str | None = None
    read_only: bool = False

    @property
    def searchable(self) -> bool:
        return self.column is not None


F = FieldType
INCIDENT_FIELDS: tuple[IncidentField, ...] = (
    IncidentField("id", "ID", F.string, "The incident's UUID.", column="id", read_only=True),
    IncidentField("version", "Version", F.integer, "Bumped on every change.", read_only=True),
    IncidentField("title", "Title", F.string, "Up to 255 characters.", True, column="title"),
    IncidentField(
        "description", "Description", F.text, "Up to 1024 characters.", True, column="description"
    ),
    IncidentField(
        "severity", "Severity", F.enum, "How grave it is.", True, SEVERITIES, column="severity"
    ),
    IncidentField(
        "handle_status",
        "Handle status",
        F.enum,
        "Open, Block or Closed; writing Open reopens a blocked or closed incident.",
        True,
        HANDLE_STATUSES,
        column="status",
    ),
    IncidentField("incident_type", "Incident type", F.object, "{category, incident_type}.", True),
    IncidentField(
        "incident_type.category",
        "Incident category",
        F.string,
        "The first-level type.",
        True,
        column="incident_category",
    ),
    IncidentField(
        "incident_type.incident_type",
        "Incident type name",
        F.string,
        "The second-level type.",
        True,
        column="incident_type_name",
    ),
    IncidentField("data_source", "Data source", F.object, "Where the incident came from.", True),
    IncidentField(
        "data_source.source_type",
        "Source type",
        F.enum,
        "1 first-party product, 2 third-party product, 3 tenant-defined.",
        True,
        ("1", "2", "3"),
        column="source_type",
    ),
    IncidentField(
        "data_source.product_name",
        "Product name",
        F.string,
        "The product that reported it.",
        True,
        column="product_name",
    ),
    IncidentField(
        "data_source.product_feature",
        "Product feature",
        F.string,
        "The product feature that reported it.",
        True,
        column="product_feature",
    ),
    IncidentField("data_source.domain_id", "Source domain ID", F.string, ""),
    IncidentField("data_source.project_id", "Source project ID", F.string, ""),
    IncidentField("data_source.region_id", "Source region ID", F.string, ""),
    IncidentField("data_source.company_name", "Company name", F.string, ""),
    IncidentField("data_source.product_module", "Product module", F.string, ""),
    IncidentField(
        "first_observed_time",
        "First observed",
        F.datetime,
        "When it was first seen.",
        True,
        column="first_observed_time",
    ),
    IncidentField(
        "last_observed_time", "Last observed", F.datetime, "", column="last_observed_time"
    ),
    IncidentField(
        "arrive_time", "Arrived", F.datetime, "When it reached the SOC.", column="arrive_time"
    ),
    IncidentField(
        "create_time",
        "Created",
        F.datetime,
        "Defaults to the time of creation.",
        column="create_time",
    ),
    IncidentField(
        "update_time",
        "Updated",
        F.datetime,
        "Set by the server.",
        column="update_time",
        read_only=True,
    ),
    IncidentField("close_time", "Closed", F.datetime, "Set when closed.", column="close_time"),
    IncidentField("confidence", "Confidence", F.integer, "0 to 100.", column="confidence"),
    IncidentField("criticality", "Criticality", F.integer, "0 to 100.", column="criticality"),
    IncidentField("count", "Count", F.integer, "How many times it occurred.", column="count"),
    IncidentField(
        "verification_state",
        "Verification state",
        F.enum,
        "",
        enum=VERIFICATION_STATES,
        column="verification_state",
    ),
    IncidentField(
        "ipdrr_phase", "IPDRR phase", F.enum, "", enum=IPDRR_PHASES, column="ipdrr_phase"
    ),
    IncidentField(
        "close_reason", "Close reason", F.enum, "", enum=CLOSE_REASONS, column="close_reason"
    ),
    IncidentField("close_comment", "Close comment", F.text, "Up to 1024 characters."),
    IncidentField(
        "owner", "Owner", F.string, "The responsible analyst; up to 254 characters.", column="owner"
    ),
    IncidentField(
        "creator",
        "Creator",
        F.string,
        "Defaults to the caller; up to 254 characters.",
        column="creator",
    ),
    IncidentField(
        "actor", "Actor", F.string, "Who is handling it; up to 254 characters.", column="actor"
    ),
    IncidentField("labels", "Labels", F.string, "Comma-separated labels.", column="labels"),
    IncidentField("source_url", "Source URL", F.string, ""),
    IncidentField("sla", "SLA", F.string, ""),
    IncidentField("simulation", "Simulation", F.string, "Whether it is a drill."),
    IncidentField("region_id", "Region ID", F.string, ""),
    IncidentField(
        "domain_id", "Domain ID", F.string, "The project, as 32 hex digits.", read_only=True
    ),
    IncidentField("workspace_id", "Workspace ID", F.string, "", read_only=True),
    IncidentField("ref_order_id", "Related order ID", F.string, ""),
    IncidentField("origin_id", "Origin ID", F.string, "The id in the reporting product."),
    IncidentField("environment", "Environment", F.object, "Where the incident happened."),
    IncidentField("environment.vendor_type", "Vendor type", F.string, ""),
    IncidentField("environment.domain_id", "Environment domain ID", F.string, ""),
    IncidentField("environment.region_id", "Environment region ID", F.string, ""),
    IncidentField("environment.cross_workspace_id", "Cross-workspace ID", F.string, ""),
    IncidentField("environment.project_id", "Environment project ID", F.string, ""),
    IncidentField("remediation", "Remediation", F.object, "How to fix it."),
    IncidentField("remediation.recommendation", "Recommendation", F.text, ""),
    IncidentField("remediation.url", "Remediation URL", F.string, ""),
    IncidentField("malware", "Malware", F.object, "The malware involved."),
    IncidentField("malware.malware_family", "Malware family", F.string, ""),
    IncidentField("malware.malware_class", "Malware class", F.string, ""),
    IncidentField("network_list", "Networks", F.array, "Network connections involved."),
    IncidentField("resource_list", "Resources", F.array, "Affected resources."),
    IncidentField("process", "Processes", F.array, "Processes involved."),
    IncidentField("user_info", "Users", F.array, "Users involved."),
    IncidentField("file_info", "Files", F.array, "Files involved."),
    IncidentField("system_info", "System info", F.object, "Free-form system details."),
    IncidentField("system_alert_table", "System alert table", F.object, "Free-form."),
    IncidentField("extend_properties", "Extended properties", F.object, "Free-form key/values."),
)

FIELDS_BY_KEY = {f.key: f for f in INCIDENT_FIELDS}
REQUIRED_ON_CREATE = tuple(f.key for f in INCIDENT_FIELDS if f.required)
SEARCHABLE = {f.key: f for f in INCIDENT_FIELDS if f.searchable}
