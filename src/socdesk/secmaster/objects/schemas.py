"""SecMaster data-object request and response bodies (the SDK's DataObjectCreateForm,
DataObjectBatchUpdateForm, DataObjectBatchCreateForm, DataObjectDetail ...)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, field_validator

from socdesk.kit.schemas import RequestBody, ResponseBody
from socdesk.objects.service import MAX_BATCH
from socdesk.secmaster.incidents.schemas import DataclassRef

Label = Annotated[str, Field(max_length=255)]
FormatVersion = Annotated[
    int | None,
    Field(description="The object format's version: 1 (the default), the only one there is."),
]


def _only_version_one(value: int | None) -> int | None:
    if value not in (None, 1):
        raise ValueError("only format_version 1 exists")
    return value


class ObjectCreate(RequestBody):
    id: Annotated[str, Field(max_length=64)] | None = Field(
        default=None, description="Ignored: the server chooses the id (as data_object.id)."
    )
    format_version: FormatVersion = None
    name: Label | None = Field(default=None, description="Labels the write in its audit event.")
    type: Label | None = Field(default=None, description="Labels the write in its audit event.")
    trigger_flag: bool | None = Field(
        default=None, description="false: this write starts no playbook. Kept with the audit event."
    )
    data_object: dict[str, Any] = Field(
        description="The object, as its class's fields (GET ~/soc/dataclasses/{id}/fields)."
    )

    _version = field_validator("format_version")(_only_version_one)


class ObjectChange(RequestBody):
    batch_ids: list[Annotated[str, Field(max_length=64)]] | None = Field(
        default=None, max_length=10_000, description="Ignored on PUT {id}."
    )
    trigger_flag: bool | None = Field(
        default=None, description="false: this write starts no playbook. Kept with the audit event."
    )
    data_object: dict[str, Any] = Field(
        description="The fields to write over the object's; a field sent as null is removed."
    )


class BatchCreate(RequestBody):
    """Seed 003's body. The SDK sends the list as `data_object_list`: both names are taken."""

    id: Annotated[str, Field(max_length=64)] | None = Field(default=None, description="Ignored.")
    format_version: FormatVersion = None
    name: Label | None = Field(default=None, description="Labels the batch in its audit events.")
    type: Label | None = Field(default=None, description="Labels the batch in its audit events.")
    trigger_flag: bool | None = Field(
        default=None,
        description="false: these writes start no playbook. Kept with the audit events.",
    )
    data_object: list[Any] | None = Field(
        default=None, max_length=MAX_BATCH, description=f"The objects, at most {MAX_BATCH}."
    )
    data_object_list: list[Any] | None = Field(
        default=None, max_length=MAX_BATCH, description="The same list, as the SDK names it."
    )

    _version = field_validator("format_version")(_only_version_one)


class ObjectDetail(ResponseBody):
    id: str
    project_id: str
    workspace_id: str
    create_time: str
    update_time: str
    version: int
    format_version: int
    dataclass_ref: DataclassRef
    type: str = Field(
        description="How the object came in: MANUAL (created one at a time through the API) or"
        " DATA_SOURCE (a batch-create or an import)."
    )
    data_object: dict[str, Any]


class ObjectEnvelope(ResponseBody):
    code: str = "00000000"
    message: str = ""
    success: bool = True
    data: ObjectDetail


class CreatedRef(ResponseBody):
    """The SDK's DataObjectCreateUpdateResponse."""

    id: str
    event_id: str | None = Field(
        description="The incident the object belongs to: an incident's own id; for another"
        " class the incident its `incident_id` links it to, else null."
    )


class CreatedEnvelope(ResponseBody):
    code: str = "00000000"
    message: str = ""
    success: bool = True
    data: CreatedRef


class ObjectPage(ResponseBody):
    code: str = "00000000"
    message: str = ""
    total: int
    size: int
    page: int
    success: bool = True
    data: list[ObjectDetail]
