"""`~/soc/components`: SOCdesk's system components and their actions (listing only), the
actions a workflow's service tasks name (docs/workflows.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from socdesk.automation.components import COMPONENTS, component
from socdesk.kit.errors import NotFound
from socdesk.kit.openapi import may_answer
from socdesk.kit.params import ActionRefPath, ComponentRefPath, LimitQuery, OffsetQuery
from socdesk.kit.routes import SecMasterRoute
from socdesk.secmaster.components.mapping import action_out, component_out
from socdesk.secmaster.components.schemas import (
    ActionEnvelope,
    ActionList,
    ComponentEnvelope,
    ComponentList,
)
from socdesk.workspaces.dependencies import SecMasterReader

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc/components",
    tags=["SecMaster: components"],
    route_class=SecMasterRoute,
)
Enabled = Annotated[
    bool | None, Query(description="System actions are always enabled: false lists none.")
]


@router.get("", summary="List components")
async def list_components(
    scope: SecMasterReader, offset: OffsetQuery = 0, limit: LimitQuery = 10
) -> ComponentList:
    page = [component_out(c) for c in COMPONENTS[offset : offset + limit]]
    return ComponentList(total=len(COMPONENTS), size=len(page), page=offset // limit + 1, data=page)


@router.get("/{component_id}", summary="Show a component (by id or name)")
@may_answer(NotFound)
async def show_component(
    component_id: ComponentRefPath, scope: SecMasterReader
) -> ComponentEnvelope:
    return ComponentEnvelope(data=component_out(component(component_id)))


@router.get("/{component_id}/action", summary="List a component's actions")
@may_answer(NotFound)
async def list_component_actions(
    component_id: ComponentRefPath,
    scope: SecMasterReader,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 100,
    enabled: Enabled = None,
) -> ActionList:
    actions = component(component_id).actions if enabled in (None, True) else ()
    page = [action_out(a) for a in actions[offset : offset + limit]]
    return ActionList(total=len(actions), size=len(page), page=offset // limit + 1, data=page)


@router.get("/{component_id}/action/{action_id}", summary="Show a component's action")
@may_answer(NotFound)
async def show_component_action(
    component_id: ComponentRefPath,
    action_id: ActionRefPath,
    scope: SecMasterReader,
    enabled: Enabled = None,
) -> ActionEnvelope:
    """`action_id` is the action's id or its name (`add_tag`), as service tasks name it."""
    action = component(component_id).action(action_id)
    if enabled is False:
        raise NotFound(f"action_id: action {action.name} is enabled")
    return ActionEnvelope(data=action_out(action))
