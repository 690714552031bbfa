"""The built-in Incident class's fields: SecMaster's Incident `data_object`, with the column of
the incidents table behind each searchable one."""

from __future__ import annotations

from socdesk.classes.fields import ClassField, FieldType
from socdesk.classes.values import (
    CLOSE_REASONS,
    HANDLE_STATUSES,
    IPDRR_PHASES,
    SEVERITIES,
    SOURCE_TYPES,
    VERIFICATION_STATES,
)

F = FieldType
INCIDENT_FIELDS: tuple[ClassField, ...] = (
    ClassField("id", "ID", F.string, "The incident's UUID.", column="id", read_only=True),
    ClassField("version", "Version", F.integer, "Bumped on every change.", read_only=True),
    ClassField("title", "Title", F.string, "Up to 255 characters.", True, column="title"),
    ClassField(
        "description", "Description", F.text, "Up to 1024 characters.", True, column="description"
    ),
    ClassField(
        "severity", "Severity", F.enum, "How grave it is.", True, SEVERITIES, column="severity"
    ),
    ClassField(
        "handle_status",
        "Handle status",
        F.enum,
        "Open, Block or Closed; writing Open reopens a blocked or closed incident.",
        True,
        HANDLE_STATUSES,
        column="status",
    ),
    ClassField("incident_type", "Incident type", F.object, "{category, incident_type}.", True),
    ClassField(
        "incident_type.category",
        "Incident category",
        F.string,
        "The first-level type.",
        True,
        column="incident_category",
    ),
    ClassField(
        "incident_type.incident_type",
        "Incident type name",
        F.string,
        "The second-level type.",
        True,
        column="incident_type_name",
    ),
    ClassField("data_source", "Data source", F.object, "Where the incident came from.", True),
    ClassField(
        "data_source.source_type",
        "Source type",
        F.enum,
        "1 first-party product, 2 third-party product, 3 tenant-defined.",
        True,
        SOURCE_TYPES,
        column="source_type",
    ),
    ClassField(
        "data_source.product_name",
        "Product name",
        F.string,
        "The product that reported it.",
        True,
        column="product_name",
    ),
    ClassField(
        "data_source.product_feature",
        "Product feature",
        F.string,
        "The product feature that reported it.",
        True,
        column="product_feature",
    ),
    ClassField("data_source.domain_id", "Source domain ID", F.string, ""),
    ClassField("data_source.project_id", "Source project ID", F.string, ""),
    ClassField("data_source.region_id", "Source region ID", F.string, ""),
    ClassField("data_source.company_name", "Company name", F.string, ""),
    ClassField("data_source.product_module", "Product module", F.string, ""),
    ClassField(
        "first_observed_time",
        "First observed",
        F.datetime,
        "When it was first seen.",
        True,
        column="first_observed_time",
    ),
    ClassField("last_observed_time", "Last observed", F.datetime, "", column="last_observed_time"),
    ClassField(
        "arrive_time", "Arrived", F.datetime, "When it reached the SOC.", column="arrive_time"
    ),
    ClassField(
        "create_time",
        "Created",
        F.datetime,
        "Defaults to the time of creation.",
        column="create_time",
    ),
    ClassField(
        "update_time",
        "Updated",
        F.datetime,
        "Set by the server.",
        column="update_time",
        read_only=True,
    ),
    ClassField("close_time", "Closed", F.datetime, "Set when closed.", column="close_time"),
    ClassField("confidence", "Confidence", F.integer, "0 to 100.", column="confidence"),
    ClassField("criticality", "Criticality", F.integer, "0 to 100.", column="criticality"),
    ClassField("count", "Count", F.integer, "How many times it occurred.", column="count"),
    ClassField(
        "verification_state",
        "Verification state",
        F.enum,
        "",
        enum=VERIFICATION_STATES,
        column="verification_state",
    ),
    ClassField("ipdrr_phase", "IPDRR phase", F.enum, "", enum=IPDRR_PHASES, column="ipdrr_phase"),
    ClassField(
        "close_reason", "Close reason", F.enum, "", enum=CLOSE_REASONS, column="close_reason"
    ),
    ClassField("close_comment", "Close comment", F.text, "Up to 1024 characters."),
    ClassField(
        "owner", "Owner", F.string, "The responsible analyst; up to 254 characters.", column="owner"
    ),
    ClassField(
        "creator",
        "Creator",
        F.string,
        "Defaults to the caller; up to 254 characters.",
        column="creator",
    ),
    ClassField(
        "actor", "Actor", F.string, "Who is handling it; up to 254 characters.", column="actor"
    ),
    ClassField("labels", "Labels", F.string, "Comma-separated labels.", column="labels"),
    ClassField("source_url", "Source URL", F.string, ""),
    ClassField("sla", "SLA", F.string, ""),
    ClassField("simulation", "Simulation", F.string, "Whether it is a drill."),
    ClassField("region_id", "Region ID", F.string, ""),
    ClassField(
        "domain_id", "Domain ID", F.string, "The project, as 32 hex digits.", read_only=True
    ),
    ClassField("workspace_id", "Workspace ID", F.string, "", read_only=True),
    ClassField("ref_order_id", "Related order ID", F.string, ""),
    ClassField("origin_id", "Origin ID", F.string, "The id in the reporting product."),
    ClassField("environment", "Environment", F.object, "Where the incident happened."),
    ClassField("environment.vendor_type", "Vendor type", F.string, ""),
    ClassField("environment.domain_id", "Environment domain ID", F.string, ""),
    ClassField("environment.region_id", "Environment region ID", F.string, ""),
    ClassField("environment.cross_workspace_id", "Cross-workspace ID", F.string, ""),
    ClassField("environment.project_id", "Environment project ID", F.string, ""),
    ClassField("remediation", "Remediation", F.object, "How to fix it."),
    ClassField("remediation.recommendation", "Recommendation", F.text, ""),
    ClassField("remediation.url", "Remediation URL", F.string, ""),
    ClassField("malware", "Malware", F.object, "The malware involved."),
    ClassField("malware.malware_family", "Malware family", F.string, ""),
    ClassField("malware.malware_class", "Malware class", F.string, ""),
    ClassField("network_list", "Networks", F.array, "Network connections involved."),
    ClassField("resource_list", "Resources", F.array, "Affected resources."),
    ClassField("process", "Processes", F.array, "Processes involved."),
    ClassField("user_info", "Users", F.array, "Users involved."),
    ClassField("file_info", "Files", F.array, "Files involved."),
    ClassField("system_info", "System info", F.object, "Free-form system details."),
    ClassField("system_alert_table", "System alert table", F.object, "Free-form."),
    ClassField("extend_properties", "Extended properties", F.object, "Free-form key/values."),
)
