"""The columns of the incident template, import files and exports, from the field catalogue.

A column is a leaf field: a top-level scalar, one sub-field of a nested object
(`data_source.product_name`), or a list or free-form object written as a JSON cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from socdesk.incidents.catalog import INCIDENT_FIELDS, FieldType, IncidentField

# Server-kept fields that a file can neither set nor usefully carry.
NOT_IN_FILES = frozenset({"version", "update_time", "domain_id", "workspace_id"})


class CellKind(StrEnum):
    text = "text"
    integer = "integer"
    enum = "enum"
    time = "time"
    json = "json"
    # Kinds only other classes' fields have (classes/fields.py); the incident columns never do.
    number = "number"
    boolean = "boolean"


@dataclass(frozen=True, slots=True)
class Column:
    field: IncidentField
    kind: CellKind

    @property
    def key(self) -> str:
        return self.field.key

    @property
    def label(self) -> str:
        return self.field.name + (" *" if self.field.required else "")


def _kind(field: IncidentField) -> CellKind:
    if field.field_type in (FieldType.array, FieldType.object):
        return CellKind.json
    if field.field_type is FieldType.integer:
        return CellKind.integer
    if field.field_type is FieldType.enum:
        return CellKind.enum
    if field.field_type is FieldType.datetime:
        return CellKind.time
    return CellKind.text


def _leaf_columns() -> tuple[Column, ...]:
    parents = {f.key.split(".")[0] for f in INCIDENT_FIELDS if "." in f.key}
    return tuple(
        Column(f, _kind(f))
        for f in INCIDENT_FIELDS
        if f.key not in parents and f.key not in NOT_IN_FILES
    )


COLUMNS: tuple[Column, ...] = _leaf_columns()
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
# Header cells match a column by key or by label, with or without the mandatory mark.
COLUMNS_BY_HEADER = {
    name.casefold(): column
    for column in COLUMNS
    for name in (column.key, column.label, column.field.name)
}


def column_for_header(header: str) -> Column | None:
    text = header.strip()
    if text.endswith("*"):
        text = text[:-1].rstrip()
    return COLUMNS_BY_HEADER.get(text.casefold())


SAMPLE_ROW: dict[str, object] = {
    "title": "Brute-force logins on bastion host",
    "description": "Hundreds of failed SSH logins from one address in ten minutes.",
    "severity": "High",
    "handle_status": "Open",
    "incident_type.category": "Intrusion",
    "incident_type.incident_type": "Brute force",
    "data_source.source_type": 3,
    "data_source.product_name": "HSS",
    "data_source.product_feature": "Login protection",
    "first_observed_time": "2026-11-24T06:33:00.000Z",
    "confidence": 80,
    "criticality": 70,
    "verification_state": "Unknown",
    "ipdrr_phase": "Detection and Analysis",
    "labels": "ssh,bastion",
    "network_list": '[{"direction": "IN", "src_ip": "203.0.113.7", "dest_port": "22"}]',
    "resource_list": '[{"id": "vm-1", "name": "bastion", "type": "ecs"}]',
}
