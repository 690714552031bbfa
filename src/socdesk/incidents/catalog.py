"""The Incident data class seen from the incident domain: its fields, which a create needs, and
which are searchable through a column of the incidents table. The list itself is the registry's
(`socdesk/classes/`), one field-list machinery for every class; these names are views of it for
the incident modules, search and transfer."""

from __future__ import annotations

from socdesk.classes.fields import ClassField, FieldType
from socdesk.classes.registry import INCIDENT

__all__ = [
    "FIELDS_BY_KEY",
    "INCIDENT_DATACLASS_ID",
    "INCIDENT_DATACLASS_NAME",
    "INCIDENT_FIELDS",
    "REQUIRED_ON_CREATE",
    "SEARCHABLE",
    "FieldType",
    "IncidentField",
]

INCIDENT_DATACLASS_ID = INCIDENT.id
INCIDENT_DATACLASS_NAME = INCIDENT.name
# An incident's field is a data-class field like any other.
IncidentField = ClassField
INCIDENT_FIELDS: tuple[ClassField, ...] = INCIDENT.fields
FIELDS_BY_KEY = INCIDENT.by_key
REQUIRED_ON_CREATE = INCIDENT.required_keys
# Searchable through their column (search.py queries the column).
SEARCHABLE = {f.key: f for f in INCIDENT_FIELDS if f.column is not None}
