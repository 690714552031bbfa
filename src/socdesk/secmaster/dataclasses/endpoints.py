"""`~/soc/dataclasses`: the built-in Incident data class and its fields."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from socdesk.incidents.catalog import INCIDENT_DATACLASS_ID, INCIDENT_DATACLASS_NAME
from socdesk.kit.errors import NotFound
from socdesk.kit.params import DataclassRefPath
from socdesk.kit.routes import SecMasterRoute
from socdesk.kit.schemas import QueryText
from socdesk.secmaster.dataclasses.built_in import INCIDENT_FIELD_LIST, incident_class
from socdesk.secmaster.dataclasses.schemas import DataclassList, DataclassOut, FieldList
from socdesk.workspaces.dependencies import SecMasterReader

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc/dataclasses",
    tags=["SecMaster: data classes"],
    route_class=SecMasterRoute,
)
Offset = Annotated[int, Query(ge=0)]
BuiltIn = Annotated[
    bool | None, Query(description="true: built-in ones only; false: user-defined ones only.")
]


def _known(dataclass_id: str) -> None:
    if dataclass_id not in (INCIDENT_DATACLASS_ID, INCIDENT_DATACLASS_NAME):
        raise NotFound(f"dataclass_id: no data class {dataclass_id!r}")


def _has(text: str, part: str | None) -> bool:
    return part is None or part.lower() in text.lower()


@router.get("", summary="List data classes")
async def list_dataclasses(
    scope: SecMasterReader,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 10,
    name: Annotated[QueryText | None, Query(max_length=64, description="Part of the name.")] = None,
    business_code: Annotated[
        QueryText | None, Query(max_length=64, description="Part of the business code.")
    ] = None,
    description: Annotated[
        QueryText | None, Query(max_length=1024, description="Part of the description.")
    ] = None,
    is_built_in: BuiltIn = None,
) -> DataclassList:
    classes = [
        c
        for c in [incident_class(scope)]
        if _has(c.name, name)
        and _has(c.business_code, business_code)
        and _has(c.description, description)
        and is_built_in in (None, c.is_built_in)
    ]
    return DataclassList(dataclass_details=classes[offset : offset + limit], total=len(classes))


@router.get("/{dataclass_id}", summary="Show a data class (by id or name)")
async def show_dataclass(dataclass_id: DataclassRefPath, scope: SecMasterReader) -> DataclassOut:
    """The class itself, with no envelope: the SDK's ShowDataClassInfoResponse reads the
    class's keys at the top level."""
    _known(dataclass_id)
    return incident_class(scope)


@router.get("/{dataclass_id}/fields", summary="List a data class's fields")
async def list_dataclass_fields(
    dataclass_id: DataclassRefPath,
    scope: SecMasterReader,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
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
    _known(dataclass_id)
    fields = [
        f
        for f in INCIDENT_FIELD_LIST
        if (_has(f.name, name) or _has(f.field_key, name))
        and is_built_in in (None, f.is_built_in)
        and mapping in (None, f.mapping)
    ]
    return FieldList(field_details=fields[offset : offset + limit], total=len(fields))
