"""Data class bodies, as the SecMaster SDK's DataClassResponseBody and FieldResponseBody."""

from __future__ import annotations

from pydantic import Field

from socdesk.kit.schemas import ResponseBody


class DataclassOut(ResponseBody):
    id: str
    create_time: str
    update_time: str
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


class DataclassShown(ResponseBody):
    code: str = "00000000"
    message: str = ""
    data: DataclassOut


class FieldOut(ResponseBody):
    id: str
    business_code: str
    dataclass_name: str
    field_key: str
    name: str
    description: str
    field_type: str
    display_type: str
    enum_values: list[str] | None = Field(description="The allowed values of an enum field.")
    extra_json: str = Field(description='The same values as JSON: {"enum": [...]}.')
    is_built_in: bool
    required: bool
    searchable: bool
    read_only: bool
    creatable: bool
    editable: bool
    visible: bool


class FieldList(ResponseBody):
    field_details: list[FieldOut]
    total: int
