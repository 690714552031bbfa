"""Data classes, their fields and types as SecMaster's data-class bodies show them."""

from __future__ import annotations

import json
import uuid

from socdesk.classes.fields import TEXT_TYPES, ClassField
from socdesk.classes.registry import DataClass
from socdesk.kit.clock import format_time
from socdesk.kit.ids import hex_id
from socdesk.models import DataClassType
from socdesk.secmaster.dataclasses.schemas import DataclassOut, FieldOut, TypeOut
from socdesk.workspaces.scope import WorkspaceScope


def class_out(data_class: DataClass, scope: WorkspaceScope, type_num: int = 0) -> DataclassOut:
    return DataclassOut(
        id=data_class.id,
        create_time=format_time(data_class.create_time),
        update_time=format_time(data_class.update_time),
        creator_id=data_class.creator_id,
        creator_name=data_class.creator_name,
        modifier_id=data_class.creator_id,
        modifier_name=data_class.creator_name,
        cloud_pack_version="",
        project_id=hex_id(scope.project.id),
        workspace_id=str(scope.workspace_id),
        domain_id=hex_id(scope.project.id),
        region_id=scope.workspace.region_id,
        name=data_class.name,
        business_code=data_class.business_code,
        description=data_class.description,
        is_built_in=data_class.is_built_in,
        parent_id="",
        type_num=type_num,
        route_name=data_class.route_name,
    )


def field_out(data_class: DataClass, f: ClassField) -> FieldOut:
    created = format_time(f.create_time)
    return FieldOut(
        # Stable for every field: the same key of the same class has the same id.
        id=str(uuid.uuid5(uuid.UUID(data_class.id), f.key)),
        cloud_pack_version="",
        business_id=data_class.id,
        business_type="DataClass",
        business_code=data_class.business_code,
        dataclass_name=data_class.name,
        field_key=f.key,
        name=f.name,
        description=f.description,
        default_value="",
        field_type=f.field_type.secmaster_name,
        display_type=f.field_type.value,
        enum_values=list(f.enum) or None,
        extra_json=json.dumps({"enum": list(f.enum)}, ensure_ascii=False) if f.enum else "",
        field_tooltip=f.description,
        iu_type="",
        used_by="",
        json_schema="",
        is_built_in=f.is_built_in,
        case_sensitive=f.field_type in TEXT_TYPES,
        required=f.required,
        searchable=f.searchable,
        read_only=f.read_only,
        creatable=not f.read_only,
        editable=not f.read_only,
        visible=True,
        maintainable=not f.is_built_in,
        mapping=True,
        target_api="",
        creator_id=f.creator_id,
        creator_name=f.creator_name,
        modifier_id=f.creator_id,
        modifier_name=f.creator_name,
        create_time=created,
        update_time=created,
    )


def type_out(
    data_class: DataClass, row: DataClassType, scope: WorkspaceScope, sub_count: int = 0
) -> TypeOut:
    creator = str(row.creator_id or "")
    return TypeOut(
        id=str(row.id),
        dataclass_id=data_class.id,
        domain_id=hex_id(scope.project.id),
        project_id=hex_id(scope.project.id),
        workspace_id=str(scope.workspace_id),
        region_id=scope.workspace.region_id,
        layout_id="",
        layout_name="",
        category=row.category,
        category_code=row.category_code,
        sub_category=row.sub_category,
        sub_category_code=row.sub_category_code,
        description=row.description,
        enabled=row.enabled,
        level=row.level,
        is_built_in=False,
        sla=row.sla,
        creator_id=creator,
        creator_name=row.creator_name,
        modifier_id=creator,
        modifier_name=row.creator_name,
        create_time=format_time(row.created_at),
        update_time=format_time(row.updated_at),
        dataclass_business_code=data_class.business_code,
        sub_count=sub_count if row.level == 1 else 0,
    )
