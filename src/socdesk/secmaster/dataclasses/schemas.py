"""Data class bodies, key for key as the SecMaster SDK's DataClassResponseBody (also the body
of ShowDataClassInfoResponse), FieldResponseBody, the type models (CreateDataclassTypeRequestBody
and its response, DeleteDataclassTypeRequestBody, EnableDataclassTypeRequestBody), and SOCdesk's
extension bodies for a workspace's own classes and fields."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from socdesk.kit.schemas import RequestBody, ResponseBody

Name = Annotated[str, Field(max_length=128)]
Code = Annotated[str, Field(max_length=128)]
Description = Annotated[str, Field(max_length=1024)]
TypeIds = Annotated[
    list[Annotated[str, Field(max_length=64)]], Field(min_length=1, max_length=1000)
]


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
    type_num: int = Field(description="How many types (categories and sub-categories) it has.")
    route_name: str = Field(
        description="SOCdesk: the plural name its objects' routes use (`~/soc/{route_name}`)."
    )


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
        description="SecMaster's type: String, Integer, Long, Double, Numeric, Float, Boolean,"
        " Timestamp, Enum, List<String>, Object or List<Object>."
    )
    display_type: str = Field(
        description="SOCdesk's type: SecMaster's in lower case (datetime for Timestamp,"
        " string_list and array for the lists), and text for a String meant for prose."
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


class FieldCreate(RequestBody):
    """A field to add (SOCdesk extension)."""

    field_key: str = Field(
        max_length=260, description="Lower-case words and _, dotted under an Object field."
    )
    name: Name
    field_type: str = Field(max_length=16, description="One of SecMaster's twelve types.")
    display_type: str | None = Field(
        default=None, max_length=16, description="`text` for a String meant for prose."
    )
    description: Description = ""
    required: bool = False
    searchable: bool = True
    enum_values: list[Name] = Field(
        default_factory=list, max_length=100, description="An Enum field's values."
    )


class FieldsCreate(RequestBody):
    fields: list[FieldCreate] = Field(max_length=200)


class DataclassCreate(RequestBody):
    """A workspace's own data class (SOCdesk extension)."""

    name: str = Field(max_length=64)
    business_code: str = Field(max_length=64, description="Letters, digits and _.")
    description: Description = ""
    route_name: str | None = Field(
        default=None,
        max_length=64,
        description="Its objects' routes, `~/soc/{route_name}`; by default the business code"
        " in lower case, plural.",
    )
    fields: list[FieldCreate] = Field(max_length=200)


class TypeCreate(RequestBody):
    """SecMaster's CreateDataclassTypeRequestBody."""

    sub_category: Name | None = Field(default=None, description="Incident and Alert types.")
    sub_category_code: Code | None = Field(default=None, description="Incident and Alert types.")
    category: Name | None = Field(default=None, description="Every built-in class's types.")
    category_code: Code | None = Field(default=None, description="Every built-in class's types.")
    name: Name | None = Field(default=None, description="A workspace's own class's types.")
    business_code: Code | None = Field(default=None, description="A workspace's own class's types.")
    dataclass_business_code: Code | None = Field(
        default=None, description="A workspace's own class's types: the class's business code."
    )
    description: Description = ""
    level: int | None = Field(
        default=None, description="A workspace's own class's types: 1 a type, 2 a sub-type."
    )
    enabled: bool = True
    sla: int | None = Field(default=None, ge=0, le=2**31 - 1, description="Time to close.")


class TypeOut(ResponseBody):
    """SecMaster's CreateDataclassTypeResponse, also each item of a type list."""

    id: str
    dataclass_id: str
    domain_id: str
    project_id: str
    workspace_id: str
    region_id: str
    layout_id: str = Field(description="Always empty: SOCdesk has no layouts.")
    layout_name: str
    category: str
    category_code: str
    sub_category: str
    sub_category_code: str
    description: str
    enabled: bool
    level: int = Field(description="1 a category, 2 a sub-category.")
    is_built_in: bool
    sla: int | None
    creator_id: str
    creator_name: str
    modifier_id: str
    modifier_name: str
    create_time: str
    update_time: str
    dataclass_business_code: str
    sub_count: int = Field(description="A category's sub-categories.")


class TypeList(ResponseBody):
    """SOCdesk extension: the SDK has no call that lists types."""

    type_details: list[TypeOut]
    total: int


class TypeIdsBody(RequestBody):
    ids: TypeIds


class TypeDelete(TypeIdsBody):
    """SecMaster's DeleteDataclassTypeRequestBody."""

    is_delete: bool = Field(
        default=True, description="false: only report what uses the types, deleting nothing."
    )


class TypeEnable(TypeIdsBody):
    """SecMaster's EnableDataclassTypeRequestBody."""

    enable: bool


class RelatedObject(ResponseBody):
    name: str
    id: str


class RelatedResource(ResponseBody):
    """SecMaster's DeleteRelationResource: what uses the types being deleted."""

    type: str = Field(description="DATAOBJECT, ALERT_RULE or DPE.")
    count: int
    detail_url: str
    data: list[RelatedObject] = Field(description="The first 100 of them.")


class TypesEnabled(ResponseBody):
    """SecMaster's EnableDataclassTypeResponse."""

    code: str = "00000000"
    message: str = ""
    data: str = Field(description="The ids switched, comma-separated.")
    success: bool = True
