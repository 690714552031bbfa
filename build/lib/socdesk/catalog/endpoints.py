"""`~/soc/dataclasses`: the built-in Incident data class and its fields."""

from __future__ import annotations

import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from socdesk.catalog.schemas import DataclassList, DataclassOut, DataclassShown, FieldList, FieldOut
from socdesk.incidents.catalog import (
    INCIDENT_DATACLASS_ID,
    INCIDENT_DATACLASS_NAME,
    INCIDENT_FIELDS,
)
from socdesk.kit.errors import NotFound
from socdesk.kit.ids import hex_id
from socdesk.kit.params import DataclassRefPath
from socdesk.workspaces.dependencies import SecMasterReader
from socdesk.workspaces.service import WorkspaceScope

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc/dataclasses",
    tags=["SecMaster: data classes"],
)
# Built in, so the same for every workspace; the release date stands for create/update time.
BUILT_IN_TIME = "2026-11-24T00:00:00.000Z"


def _incident_class(scope: WorkspaceScope) -> DataclassOut:
    return DataclassOut(
        id=INCIDENT_DATACLASS_ID,
        create_time=BUILT_IN_TIME,
        update_time=BUILT_IN_TIME,
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


def _known(dataclass_id: str) -> None:
    if dataclass_id not in (INCIDENT_DATACLASS_ID, INCIDENT_DATACLASS_NAME):
        raise NotFound(f"dataclass_id: no data class {dataclass_id!r}")


@router.get("", summary="List data classes")
async def list_dataclasses(
    scope: SecMasterReader,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 10,
    name: Annotated[str | None, Query(max_length=64)] = None,
) -> DataclassList:
    classes = [_incident_class(scope)]
    if name:
        classes = [c for c in classes if name.lower() in c.name.lower()]
    return DataclassList(dataclass_details=classes[offset : offset + limit], total=len(classes))


@router.get("/{dataclass_id}", summary="Show a data class (by id or name)")
async def show_dataclass(dataclass_id: DataclassRefPath, scope: SecMasterReader) -> DataclassShown:
    _known(dataclass_id)
    return DataclassShown(data=_incident_class(scope))


@router.get("/{dataclass_id}/fields", summary="List a data class's fields")
async def list_dataclass_fields(
    dataclass_id: DataclassRefPath,
    scope: SecMasterReader,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
) -> FieldList:
    _known(dataclass_id)
    fields = [
        FieldOut(
            id=str(uuid.uuid5(uuid.UUID(INCIDENT_DATACLASS_ID), f.key)),
            business_code=INCIDENT_DATACLASS_NAME,
            dataclass_name=INCIDENT_DATACLASS_NAME,
            field_key=f.key,
            name=f.name,
            description=f.description,
            field_type=f.field_type.value,
            display_type=f.field_type.value,
            enum_values=list(f.enum) or None,
            extra_json=json.dumps({"enum": list(f.enum)}, ensure_ascii=False) if f.enum else "",
            is_built_in=True,
            required=f.required,
            searchable=f.searchable,
            read_only=f.read_only,
            creatable=not f.read_only,
            editable=not f.read_only,
            visible=True,
        )
        for f in INCIDENT_FIELDS
    ]
    return FieldList(field_details=fields[offset : offset + limit], total=len(fields))
