"""`~/soc/dataclasses`: the data classes, their fields and types; a workspace's own classes and
fields (SOCdesk's extension, docs/dialects.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from socdesk.classes.definitions import NewClass, NewField
from socdesk.classes.service import DataClassService
from socdesk.classes.types import DataClassTypes, NewType
from socdesk.kit.db import SessionDep
from socdesk.kit.errors import Conflict
from socdesk.kit.openapi import may_answer
from socdesk.kit.params import DataclassRefPath, LimitQuery, OffsetQuery
from socdesk.kit.routes import SecMasterRoute
from socdesk.kit.schemas import QueryText
from socdesk.objects.type_use import TypeUseLookup
from socdesk.secmaster.dataclasses.mapping import class_out, field_out, type_out
from socdesk.secmaster.dataclasses.schemas import (
    DataclassCreate,
    DataclassList,
    DataclassOut,
    FieldCreate,
    FieldList,
    FieldsCreate,
    RelatedObject,
    RelatedResource,
    TypeCreate,
    TypeDelete,
    TypeEnable,
    TypeList,
    TypeOut,
    TypesEnabled,
)
from socdesk.workspaces.dependencies import SecMasterReader, SecMasterWriter

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc/dataclasses",
    tags=["SecMaster: data classes"],
    route_class=SecMasterRoute,
)
BuiltIn = Annotated[
    bool | None, Query(description="true: built-in ones only; false: user-defined ones only.")
]


def _has(text: str, part: str | None) -> bool:
    return part is None or part.lower() in text.lower()


def _new_field(body: FieldCreate) -> NewField:
    return NewField(
        field_key=body.field_key,
        name=body.name,
        field_type=body.field_type,
        description=body.description,
        required=body.required,
        searchable=body.searchable,
        enum_values=tuple(body.enum_values),
        display_type=body.display_type,
    )


@router.get("", summary="List data classes")
async def list_dataclasses(
    scope: SecMasterReader,
    session: SessionDep,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 10,
    name: Annotated[QueryText | None, Query(max_length=64, description="Part of the name.")] = None,
    business_code: Annotated[
        QueryText | None, Query(max_length=64, description="Part of the business code.")
    ] = None,
    description: Annotated[
        QueryText | None, Query(max_length=1024, description="Part of the description.")
    ] = None,
    is_built_in: BuiltIn = None,
) -> DataclassList:
    """The built-in classes, then the workspace's own."""
    counts = await DataClassTypes(session, scope).counts()
    classes = [
        c
        for c in await DataClassService(session, scope).classes()
        if _has(c.name, name)
        and _has(c.business_code, business_code)
        and _has(c.description, description)
        and is_built_in in (None, c.is_built_in)
    ]
    page = [class_out(c, scope, counts.get(c.id, 0)) for c in classes[offset : offset + limit]]
    return DataclassList(dataclass_details=page, total=len(classes))


@router.post("", summary="Define a data class of the workspace's own (SOCdesk extension)")
@may_answer(Conflict)
async def create_dataclass(
    body: DataclassCreate, scope: SecMasterWriter, session: SessionDep
) -> DataclassOut:
    """Its fields are checked all together (every problem in one 400); its names may be no
    built-in class's or route's, nor another class's of the workspace (409)."""
    new = NewClass(
        name=body.name,
        business_code=body.business_code,
        description=body.description,
        route_name=body.route_name,
        fields=[_new_field(f) for f in body.fields],
    )
    return class_out(await DataClassService(session, scope).create(new), scope)


@router.get("/{dataclass_id}", summary="Show a data class (by id, name or route name)")
async def show_dataclass(
    dataclass_id: DataclassRefPath, scope: SecMasterReader, session: SessionDep
) -> DataclassOut:
    """The class itself, with no envelope: the SDK's ShowDataClassInfoResponse reads the
    class's keys at the top level."""
    data_class = await DataClassService(session, scope).find(dataclass_id)
    counts = await DataClassTypes(session, scope).counts()
    return class_out(data_class, scope, counts.get(data_class.id, 0))


@router.get("/{dataclass_id}/fields", summary="List a data class's fields")
async def list_dataclass_fields(
    dataclass_id: DataclassRefPath,
    scope: SecMasterReader,
    session: SessionDep,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 1000,
    name: Annotated[
        QueryText | None, Query(max_length=64, description="Part of the field's name or key.")
    ] = None,
    is_built_in: BuiltIn = None,
    mapping: Annotated[
        bool | None, Query(description="Every field can be mapped: false lists none.")
    ] = None,
    field_category: Annotated[
        QueryText | None,
        Query(
            max_length=64, description="Accepted and ignored: SOCdesk's fields have no category."
        ),
    ] = None,
) -> FieldList:
    data_class = await DataClassService(session, scope).find(dataclass_id)
    fields = [
        field_out(data_class, f)
        for f in data_class.fields
        if (_has(f.name, name) or _has(f.key, name))
        and is_built_in in (None, f.is_built_in)
        and mapping in (None, True)
    ]
    return FieldList(field_details=fields[offset : offset + limit], total=len(fields))


@router.post("/{dataclass_id}/fields", summary="Add fields to a data class (SOCdesk extension)")
@may_answer(Conflict)
async def add_dataclass_fields(
    dataclass_id: DataclassRefPath,
    body: FieldsCreate,
    scope: SecMasterWriter,
    session: SessionDep,
) -> FieldList:
    """To a built-in class or the workspace's own, in this workspace only; the answer lists
    the fields the workspace added to the class, these last."""
    data_class = await DataClassService(session, scope).add_fields(
        dataclass_id, [_new_field(f) for f in body.fields]
    )
    own = [field_out(data_class, f) for f in data_class.fields if not f.is_built_in]
    return FieldList(field_details=own, total=len(own))


@router.get("/{dataclass_id}/types", summary="List a data class's types (SOCdesk extension)")
async def list_dataclass_types(
    dataclass_id: DataclassRefPath,
    scope: SecMasterReader,
    session: SessionDep,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 100,
    enabled: Annotated[bool | None, Query(description="Only enabled or disabled ones.")] = None,
) -> TypeList:
    """Categories before their sub-categories, by code."""
    data_class, rows, total, subs = await DataClassTypes(session, scope).page(
        dataclass_id, offset, limit, enabled
    )
    details = [type_out(data_class, r, scope, subs.get(r.category_code, 0)) for r in rows]
    return TypeList(type_details=details, total=total)


@router.post("/{dataclass_id}/types", summary="Add a type to a data class")
@may_answer(Conflict)
async def create_dataclass_type(
    dataclass_id: DataclassRefPath, body: TypeCreate, scope: SecMasterWriter, session: SessionDep
) -> TypeOut:
    """The type itself at the top level, as the SDK's CreateDataclassTypeResponse reads it."""
    new = NewType(**body.model_dump())
    data_class, row = await DataClassTypes(session, scope).create(dataclass_id, new)
    return type_out(data_class, row, scope)


@router.delete("/{dataclass_id}/types", summary="Delete types of a data class")
async def delete_dataclass_types(
    dataclass_id: DataclassRefPath,
    scope: SecMasterWriter,
    session: SessionDep,
    body: Annotated[TypeDelete, Body()],
) -> list[RelatedResource]:
    """A bare array (the SDK's DeleteDataclassTypeResponse): what uses the types, which
    `is_delete: false` asks without deleting them. All the ids or none."""
    uses = await DataClassTypes(session, scope).delete(
        dataclass_id, body.ids, body.is_delete, TypeUseLookup(session, scope)
    )
    return [
        RelatedResource(
            type=use.kind,
            count=use.count,
            detail_url="",
            data=[RelatedObject(name=name, id=i) for name, i in use.objects],
        )
        for use in uses
    ]


@router.post("/{dataclass_id}/types/enable", summary="Enable or disable types of a data class")
async def enable_dataclass_types(
    dataclass_id: DataclassRefPath, body: TypeEnable, scope: SecMasterWriter, session: SessionDep
) -> TypesEnabled:
    ids = await DataClassTypes(session, scope).enable(dataclass_id, body.ids, body.enable)
    return TypesEnabled(data=",".join(ids))
