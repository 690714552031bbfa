"""Data class bodies, key for key as the SecMaster SDK's DataClassResponseBody (also the body
of ShowDataClassInfoResponse) and FieldResponseBody."""

from __future__ import annotations

from pydantic import Field

from socdesk.kit.schemas import ResponseBody


class DataclassOut(ResponseBody):
    id: str
    create_time: str
    update_time: str
    creator_id: str = Field(description="Empty for a built-in class.")
    creator_name: str = Field(description="SOCdesk for a built-in class.")
    modifier_id: str
    modifier_name: str
    cloud_pack_version: str = Field(description="Always empty: SOCdesk has no cloud packs.")
    project_id: str
    workspace_id: str
    domain_id: str
    region_id: str
    name: str
    business_code: str
    description: str
    is_built_in: bool
    parent_id: str
    type_num: int


class DataclassList(ResponseBody):
    dataclass_details: list[DataclassOut]
    total: int


class FieldOut(ResponseBody):
    id: str
    cloud_pack_version: str
    business_id: str = Field(description="The data class's id.")
    business_type: str = Field(description="Always DataClass.")
    business_code: str
    dataclass_name: str
    field_key: str
    name: str
    description: str
    default_value: str
    field_type: str = Field(
        description="SecMaster's type: String, Integer, Enum, Timestamp, Object or List<Object>."
    )
    display_type: str = Field(
        description="SOCdesk's finer type: string, text, integer, enum, datetime, object, array."
    )
    enum_values: list[str] | None = Field(description="The allowed values of an enum field.")
    extra_json: str = Field(description='The same values as JSON: {"enum": [...]}.')
    field_tooltip: str
    iu_type: str
    used_by: str
    json_schema: str
    is_built_in: bool
    case_sensitive: bool = Field(description="Whether = compares text exactly (contains never).")
    required: bool
    searchable: bool
    read_only: bool
    creatable: bool
    editable: bool
    visible: bool
    maintainable: bool = Field(description="Whether the field's definition may be changed.")
    mapping: bool
    target_api: str
    creator_id: str
    creator_name: str
    modifier_id: str
    modifier_name: str
    create_time: str
    update_time: str


class FieldList(ResponseBody):
    field_details: list[FieldOut]
    total: int
