"""The built-in Alert class's fields: SecMaster's Alert `data_object` (the SDK's `Alert`).

An alert carries the same facts as an incident under the same keys (an incident is what alerts
are converted into), so those fields are the Incident catalogue's definitions; what is the
alert's own (its `alert_type`, its format `version`) is defined here."""

from __future__ import annotations

from dataclasses import replace

from socdesk.classes.fields import ClassField, FieldType
from socdesk.classes.incident import INCIDENT_FIELDS

F = FieldType
_INCIDENT = {f.key: f for f in INCIDENT_FIELDS}


def _as_incident(key: str) -> ClassField:
    """Incident's definition of `key`, without its incidents-table column (alerts have their
    own store; the field stays as searchable as it is on incidents)."""
    return replace(_INCIDENT[key], column=None)


def _shared(*keys: str) -> tuple[ClassField, ...]:
    return tuple(_as_incident(key) for key in keys)


ALERT_FIELDS: tuple[ClassField, ...] = (
    ClassField(
        "version", "Format version", F.string, "The SecMaster alert format version, e.g. 1.0."
    ),
    replace(_as_incident("id"), description="The alert's UUID."),
    *_shared("domain_id", "region_id", "workspace_id", "labels"),
    *_shared(
        "environment",
        "environment.vendor_type",
        "environment.domain_id",
        "environment.region_id",
        "environment.project_id",
    ),
    *_shared(
        "data_source",
        "data_source.source_type",
        "data_source.domain_id",
        "data_source.project_id",
        "data_source.region_id",
        "data_source.company_name",
        "data_source.product_name",
        "data_source.product_feature",
        "data_source.product_module",
    ),
    *_shared("first_observed_time", "last_observed_time", "create_time", "arrive_time"),
    *_shared("title", "description", "source_url", "count", "confidence", "severity"),
    _as_incident("criticality"),
    ClassField("alert_type", "Alert type", F.object, "{category, alert_type}.", True),
    ClassField(
        "alert_type.category",
        "Alert category",
        F.string,
        "The first-level type.",
        True,
        searchable=True,
    ),
    ClassField(
        "alert_type.alert_type",
        "Alert type name",
        F.string,
        "The second-level type.",
        True,
        searchable=True,
    ),
    *_shared("network_list", "resource_list"),
    *_shared("remediation", "remediation.recommendation", "remediation.url"),
    *_shared("verification_state", "handle_status", "sla", "update_time", "close_time"),
    *_shared("ipdrr_phase", "simulation", "actor", "owner", "creator"),
    *_shared("close_reason", "close_comment"),
    *_shared("malware", "malware.malware_family", "malware.malware_class"),
    *_shared("system_info", "process", "user_info", "file_info", "system_alert_table"),
)
