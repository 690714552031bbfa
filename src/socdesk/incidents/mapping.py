"""Between SecMaster's `data_object` and the canonical incident row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row

from socdesk.incidents.catalog import REQUIRED_ON_CREATE
from socdesk.incidents.record import IncidentObject
from socdesk.incidents.rules import StatusIntent
from socdesk.kit.clock import format_time
from socdesk.kit.errors import ErrorDetail, ValidationFailed
from socdesk.models import Incident, Severity, Status

SEVERITY_BY_NAME = {
    name: Severity[name.lower()] for name in ("Tips", "Low", "Medium", "High", "Fatal")
}
NAME_BY_SEVERITY = {rank: name for name, rank in SEVERITY_BY_NAME.items()}
HANDLE_STATUS_OF = {
    Status.new: "Open",
    Status.in_progress: "Open",
    Status.review: "Open",
    Status.blocked: "Block",
    Status.closed: "Closed",
}

# data_object fields stored in a column of the same name.
SCALAR_COLUMNS = (
    "title",
    "description",
    "verification_state",
    "ipdrr_phase",
    "close_reason",
    "close_comment",
    "confidence",
    "criticality",
    "count",
    "owner",
    "creator",
    "actor",
    "labels",
    "first_observed_time",
    "last_observed_time",
    "arrive_time",
    "create_time",
    "close_time",
)
# Columns copied out of nested objects, which are themselves kept whole in the document.
NESTED_COLUMNS = {
    ("incident_type", "category"): "incident_category",
    ("incident_type", "incident_type"): "incident_type_name",
    ("data_source", "source_type"): "source_type",
    ("data_source", "product_name"): "product_name",
    ("data_source", "product_feature"): "product_feature",
}
# Set by the server, never taken from a client.
SERVER_FIELDS = frozenset({"id", "version", "domain_id", "workspace_id", "update_time"})
HANDLED_APART = frozenset({"severity", "handle_status"})
DOCUMENT_FIELDS = tuple(
    name
    for name in IncidentObject.model_fields
    if name not in SERVER_FIELDS and name not in HANDLED_APART and name not in SCALAR_COLUMNS
)


# What a written handle_status asks of the status (incidents/rules.py says what it leads to).
INTENT_OF_HANDLE_STATUS = {
    "Open": StatusIntent.open,
    "Block": StatusIntent.blocked,
    "Closed": StatusIntent.closed,
}


def sent_fields(data: IncidentObject) -> dict[str, Any]:
    """The fields the client wrote (null included), as JSON-ready values, minus server fields."""
    sent = data.model_dump(mode="json", exclude_unset=True)
    return {k: v for k, v in sent.items() if k not in SERVER_FIELDS}


TIME_COLUMNS = frozenset(
    {"first_observed_time", "last_observed_time", "arrive_time", "create_time", "close_time"}
)


# Every column a client's fields can fill: a new row names them all (null when not sent), so
# rows written together always have the same columns.
CLIENT_COLUMNS = (*SCALAR_COLUMNS, "severity", "status", *NESTED_COLUMNS.values())


def column_values(sent: dict[str, Any]) -> dict[str, Any]:
    """Column values for the fields the client wrote (`sent_fields` output); the status is
    the rules' business (`status_intent`)."""
    values: dict[str, Any] = {}
    for name in SCALAR_COLUMNS:
        if name in sent:
            value = sent[name]
            # JSON-mode times are canonical UTC text; the columns take datetimes.
            values[name] = (
                datetime.fromisoformat(value) if name in TIME_COLUMNS and value else value
            )
    if "severity" in sent:
        severity = sent["severity"]
        values["severity"] = int(SEVERITY_BY_NAME[severity]) if severity else None
    for (parent, child), column in NESTED_COLUMNS.items():
        if parent in sent:
            nested = sent[parent]
            values[column] = nested.get(child) if nested is not None else None
    return values


def status_intent(sent: dict[str, Any]) -> StatusIntent | None:
    """What the written handle_status asks of the status; None when none is written."""
    status = sent.get("handle_status")
    return INTENT_OF_HANDLE_STATUS[status] if status else None


# (key, top-level field, sub-field or None) for each mandatory field.
REQUIRED_PARTS = tuple((key, *key.partition(".")[::2]) for key in REQUIRED_ON_CREATE)


def missing_required(sent: dict[str, Any], keys: frozenset[str] | None = None) -> list[str]:
    """The mandatory fields (of `keys`, or all) that are absent, null or empty in `sent`."""
    missing = []
    for key, top, child in REQUIRED_PARTS:
        if keys is not None and key not in keys:
            continue
        value = sent.get(top)
        if child:
            value = value.get(child) if type(value) is dict else None
        if value is None or value == "":
            missing.append(key)
    return missing


def refuse_missing(sent: dict[str, Any], *, only_sent: bool = False) -> None:
    """400 naming every mandatory field that is absent, null or empty. On a change
    (`only_sent`), only the mandatory fields the client wrote must not be emptied."""
    keys = None
    if only_sent:
        keys = frozenset(k for k in REQUIRED_ON_CREATE if k.split(".")[0] in sent)
    if only_sent and "create_time" in sent and not sent["create_time"]:
        # Every incident has a create time (a NOT NULL column): it can be moved, not removed.
        raise ValidationFailed.for_field("data_object.create_time", "cannot be removed")
    missing = missing_required(sent, keys)
    if missing:
        raise ValidationFailed(
            "required fields are missing or empty: "
            + ", ".join(f"data_object.{k}" for k in missing),
            details=[ErrorDetail(f"data_object.{k}", "required") for k in missing],
        )


# SecMaster's own fields of the record; any other key a record carries is a field the
# workspace added to the class (incidents/added_fields.py), kept in the document.
RECORD_FIELDS = frozenset(IncidentObject.model_fields)


def document_values(sent: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in sent.items() if k in DOCUMENT_FIELDS or k not in RECORD_FIELDS}


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_time(value)
    return value


def data_object(row: Incident | Row[Any], project_hex: str) -> dict[str, Any]:
    """The incident (an ORM object or a row of its columns) as SecMaster's `data_object`;
    fields never written are left out."""
    out: dict[str, Any] = {k: v for k, v in row.document.items() if v is not None}
    for name in SCALAR_COLUMNS:
        value = getattr(row, name)
        if value is not None:
            out[name] = _json_value(value)
    out.update(
        id=str(row.id),
        version=str(row.version),
        domain_id=project_hex,
        workspace_id=str(row.workspace_id),
        # The enums hash and compare as their values: the stored rank and text look them up.
        severity=NAME_BY_SEVERITY[row.severity],
        handle_status=HANDLE_STATUS_OF[row.status],
        update_time=format_time(row.update_time),
    )
    return out
