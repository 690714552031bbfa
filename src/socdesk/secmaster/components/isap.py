"""`~/components` (not under /soc): SOCdesk's system components seen from the operations
side, as the SDK's ISAP component methods show them — the components that run a workflow's
actions, and each one's templates (docs/workflows.md "ISAP components"). Their configurations
and running nodes are isap_configurations.py's."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from socdesk.automation.component_templates import ComponentTemplateService
from socdesk.automation.components import COMPONENTS, component
from socdesk.kit.db import SessionDep
from socdesk.kit.errors import NotFound
from socdesk.kit.openapi import may_answer
from socdesk.kit.params import ComponentRefPath, LimitQuery, OffsetQuery
from socdesk.kit.routes import SecMasterRoute
from socdesk.models import ComponentTemplate
from socdesk.secmaster.components.isap_mapping import detail_out, template_file_out
from socdesk.secmaster.components.isap_schemas import (
    ComponentDetailList,
    ComponentDetailOut,
    ComponentTemplateFileList,
    FileType,
)
from socdesk.workspaces.dependencies import SecMasterReader

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/components",
    tags=["SecMaster: ISAP components"],
    route_class=SecMasterRoute,
)

SortDir = Annotated[
    Literal["asc", "desc", "ASC", "DESC"] | None,
    Query(description="`asc` (the default) or `desc`."),
]
Ignored = Annotated[
    str | None, Query(max_length=64, description="Accepted for the SDK; a component is one.")
]


def descending(sort_dir: str | None) -> bool:
    return (sort_dir or "asc").lower() == "desc"


@router.get("", summary="List ISAP components")
async def list_isap_components(scope: SecMasterReader) -> ComponentDetailList:
    """Every system component, in the catalogue's order (the SDK's method pages nothing)."""
    return ComponentDetailList(count=len(COMPONENTS), records=[detail_out(c) for c in COMPONENTS])


@router.get("/{component_id}", summary="Show an ISAP component (by id or name)")
@may_answer(NotFound)
async def show_isap_component(
    component_id: ComponentRefPath,
    scope: SecMasterReader,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 10,
    sort_key: Ignored = None,
    sort_dir: SortDir = None,
) -> ComponentDetailOut:
    """`offset`, `limit` and the sort are accepted as the SDK sends them; one component
    answers."""
    return detail_out(component(component_id))


TemplateSort = Annotated[
    Literal["create_time", "update_time", "template_name"] | None,
    Query(description="By creation (the default), last change or name."),
]
_TEMPLATE_ORDER = {
    "create_time": ComponentTemplate.created_at,
    "update_time": ComponentTemplate.updated_at,
    "template_name": ComponentTemplate.template_name,
}


@router.get("/{component_id}/templates", summary="List an ISAP component's templates")
@may_answer(NotFound)
async def list_component_template(
    component_id: ComponentRefPath,
    scope: SecMasterReader,
    session: SessionDep,
    file_type: Annotated[
        FileType | None,
        Query(description="Templates are `YML` files (JSON, which YAML reads): others none."),
    ] = None,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 10,
    sort_key: TemplateSort = None,
    sort_dir: SortDir = None,
) -> ComponentTemplateFileList:
    """The workspace's component templates of the component (`~/soc/components/template`):
    `file_name` is the template's name, `param` its task_config, `file_path` where its own
    routes find it."""
    of = component(component_id)
    if file_type not in (None, "YML"):
        return ComponentTemplateFileList(count=0, records=[])
    column = _TEMPLATE_ORDER[sort_key or "create_time"]
    order = [column.desc() if descending(sort_dir) else column.asc()]
    rows, total = await ComponentTemplateService(session, scope).page_of(of, offset, limit, order)
    return ComponentTemplateFileList(count=total, records=[template_file_out(of, r) for r in rows])
