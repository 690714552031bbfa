"""The built-in Incident data class and its fields, as SecMaster's data-class routes show them."""

from __future__ import annotations

import json
import uuid

from socdesk.incidents.catalog import (
    INCIDENT_DATACLASS_ID,
    INCIDENT_DATACLASS_NAME,
    INCIDENT_FIELDS,
    FieldType,
    IncidentField,
)
from socdesk.kit.ids import hex_id
from socdesk.secmaster.dataclasses.schemas import DataclassOut, FieldOut
from socdesk.workspaces.scope import WorkspaceScope

# Built in, so the same for every workspace; the release date stands for create/update time.
BUILT_IN_TIME = "2026-11-24T00:00:00.000Z"
# Who made a built-in class or field: SOCdesk itself, which has no user id.
BUILT_IN_AUTHOR = "SOCdesk"
# SecMaster's field types (FieldResponseBody.field_type) for SOCdesk's finer ones, which stay in
# display_type.
SECMASTER_TYPES = {
    FieldType.string: "String",
    FieldType.text: "String",
    FieldType.integer: "Integer",
    FieldType.enum: "Enum",
    FieldType.datetime: "Timestamp",
    FieldType.object: "Object",
    FieldType.array: "List<Object>",
}
TEXT_TYPES = frozenset({FieldType.string, FieldType.text, FieldType.enum})


def incident_class(scope: WorkspaceScope) -> DataclassOut:
    return DataclassOut(
        id=INCIDENT_DATACLASS_ID,
        create_time=BUILT_IN_TIME,
        update_time=BUILT_IN_TIME,
        creator_id="",
        creator_name=BUILT_IN_AUTHOR,
        modifier_id="",
        modifier_name=BUILT_IN_AUTHOR,
        cloud_pack_version="",
        project_id=hex_id(scope.project.id),
        workspace_id=str(scope.workspace_id),
        domain_id=hex_id(scope.project.id),
        region_id=scope.workspace.region_id,
        name=INCIDENT_DATACLASS_NAME,
        business_code=INCIDENT_DATACLASS_NAME,
        description="Security incidents: the records a SOC investigates and closes.",
        is_built_in=True,
        parent_id="",
        type_num=0,
    )


def incident_field(f: IncidentField) -> FieldOut:
    return FieldOut(
        id=str(uuid.uuid5(uuid.UUID(INCIDENT_DATACLASS_ID), f.key)),
        cloud_pack_version="",
        business_id=INCIDENT_DATACLASS_ID,
        business_type="DataClass",
        business_code=INCIDENT_DATACLASS_NAME,
        dataclass_name=INCIDENT_DATACLASS_NAME,
        field_key=f.key,
        name=f.name,
        description=f.description,
        default_value="",
        field_type=SECMASTER_TYPES[f.field_type],
        display_type=f.field_type.value,
        enum_values=list(f.enum) or None,
        extra_json=json.dumps({"enum": list(f.enum)}, ensure_ascii=False) if f.enum else "",
        field_tooltip=f.description,
        iu_type="",
        used_by="",
        json_schema="",
        is_built_in=True,
        case_sensitive=f.field_type in TEXT_TYPES,
        required=f.required,
        searchable=f.searchable,
        read_only=f.read_only,
        creatable=not f.read_only,
        editable=not f.read_only,
        visible=True,
        maintainable=False,
        mapping=True,
        target_api="",
        creator_id="",
        creator_name=BUILT_IN_AUTHOR,
        modifier_id="",
        modifier_name=BUILT_IN_AUTHOR,
        create_time=BUILT_IN_TIME,
        update_time=BUILT_IN_TIME,
    )


INCIDENT_FIELD_LIST = tuple(incident_field(f) for f in INCIDENT_FIELDS)
