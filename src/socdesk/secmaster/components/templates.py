"""`~/soc/components/template`: the workspace's component templates, saved parameter values
for a component's actions (automation/component_templates.py). Its own router, included before
the components' `~/soc/components/{component_id}`, which would match `template`."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from socdesk.automation.component_templates import ComponentTemplateService, NewTemplate
from socdesk.kit.clock import format_time
from socdesk.kit.db import SessionDep
from socdesk.kit.errors import Conflict, NotFound
from socdesk.kit.ids import hex_id
from socdesk.kit.openapi import may_answer
from socdesk.kit.params import LimitQuery, OffsetQuery, TemplateIdPath
from socdesk.kit.routes import SecMasterRoute
from socdesk.models import ComponentTemplate
from socdesk.secmaster.components.schemas import (
    TemplateEnvelope,
    TemplateIn,
    TemplateList,
    TemplateOut,
)
from socdesk.secmaster.workflows.schemas import Envelope
from socdesk.workspaces.dependencies import SecMasterReader, SecMasterWriter
from socdesk.workspaces.scope import WorkspaceScope

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc/components/template",
    tags=["SecMaster: components"],
    route_class=SecMasterRoute,
)


def template_out(row: ComponentTemplate, scope: WorkspaceScope) -> TemplateOut:
    return TemplateOut(
        id=str(row.id),
        component_id=str(row.component_id),
        template_name=row.template_name,
        task_config=row.task_config,
        create_time=format_time(row.created_at),
        update_time=format_time(row.updated_at),
        project_id=hex_id(scope.project.id),
    )


def _new(body: TemplateIn) -> NewTemplate:
    return NewTemplate(body.component_id, body.template_name, body.task_config)


@router.post("", summary="Create a component template")
@may_answer(Conflict)
async def create_component_template(
    body: TemplateIn, scope: SecMasterWriter, session: SessionDep
) -> TemplateEnvelope:
    """`component_id` is the component's id or name; `task_config` is checked as the
    component's service tasks are (docs/workflows.md)."""
    row = await ComponentTemplateService(session, scope).create(_new(body))
    return TemplateEnvelope(data=template_out(row, scope))


@router.get("", summary="List component templates")
async def list_component_templates(
    scope: SecMasterReader,
    session: SessionDep,
    search_value: Annotated[
        str | None, Query(max_length=64, description="A part of the template's name.")
    ] = None,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 10,
) -> TemplateList:
    """Newest first."""
    rows, total = await ComponentTemplateService(session, scope).page(search_value, offset, limit)
    page = [template_out(r, scope) for r in rows]
    return TemplateList(total=total, size=len(page), page=offset // limit + 1, data=page)


@router.get("/{template_id}", summary="Show a component template")
@may_answer(NotFound)
async def show_component_template(
    template_id: TemplateIdPath, scope: SecMasterReader, session: SessionDep
) -> TemplateEnvelope:
    row = await ComponentTemplateService(session, scope).find(uuid.UUID(template_id))
    return TemplateEnvelope(data=template_out(row, scope))


@router.put("/{template_id}", summary="Update a component template")
@may_answer(NotFound, Conflict)
async def update_component_template(
    template_id: TemplateIdPath, body: TemplateIn, scope: SecMasterWriter, session: SessionDep
) -> TemplateEnvelope:
    """The whole template is replaced (the SDK sends all of CreateTemplateReq)."""
    service = ComponentTemplateService(session, scope)
    row = await service.update(uuid.UUID(template_id), _new(body))
    return TemplateEnvelope(data=template_out(row, scope))


@router.delete("/{template_id}", summary="Delete a component template")
@may_answer(NotFound)
async def delete_component_template(
    template_id: TemplateIdPath, scope: SecMasterWriter, session: SessionDep
) -> Envelope:
    await ComponentTemplateService(session, scope).delete(uuid.UUID(template_id))
    return Envelope()
