"""`~/soc/tasks`: the to-dos a run's user tasks open; CONTINUE or TERMINATE answers one and the
run goes on or ends (docs/workflows.md, "To-dos")."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query

from socdesk.automation.runs.service import TodoService
from socdesk.kit.clock import format_time
from socdesk.kit.db import SessionDep
from socdesk.kit.errors import Conflict, NotFound
from socdesk.kit.openapi import may_answer
from socdesk.kit.params import LimitQuery, OffsetQuery, TimeQuery, TodoIdPath
from socdesk.kit.routes import SecMasterRoute
from socdesk.models import WorkflowTodo
from socdesk.secmaster.todos.schemas import (
    TodoComment,
    TodoEnvelope,
    TodoList,
    TodoModify,
    TodoOut,
)
from socdesk.workspaces.dependencies import SecMasterReader, SecMasterWriter
from socdesk.workspaces.scope import WorkspaceScope

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc/tasks",
    tags=["SecMaster: to-dos"],
    route_class=SecMasterRoute,
)


def todo_out(row: WorkflowTodo, scope: WorkspaceScope) -> TodoOut:
    return TodoOut(
        id=str(row.id),
        aopengine_task_id=row.task_key,
        name=row.name,
        project_id=scope.project.id.hex,
        description=row.description,
        create_time=format_time(row.created_at),
        creator_id=f"workflow:{row.run_id}",
        creator_name=f"workflow:{row.run_id}",
        update_time=format_time(row.updated_at),
        modifier_id=str(row.modifier_id or ""),
        modifier_name=row.modifier_name,
        definition_key=row.definition_key,
        due_date=format_time(row.due_at) if row.due_at else None,
        action_id=str(row.workflow_id),
        action_version_id=str(row.version_id),
        action_instance_id=str(row.run_id),
        workspace_id=str(row.workspace_id),
        related_object=row.related_object,
        attachment_id_list=json.loads(row.attachment_ids or "[]"),
        comments=[TodoComment(**c) for c in json.loads(row.comments or "[]")],
        status=row.status,
        due_handle=row.due_handle,
    )


@router.get("", summary="List to-dos")
async def list_tasks(
    scope: SecMasterReader,
    session: SessionDep,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 10,
    sort_key: Annotated[str, Query(pattern="^(create_time|update_time)$")] = "create_time",
    sort_dir: Annotated[str, Query(pattern="^(ASC|DESC)$")] = "DESC",
    note: Annotated[
        str | None,
        Query(max_length=1024, description="The to-do's note (SOCdesk keeps none: matches none)."),
    ] = None,
    name: Annotated[str | None, Query(max_length=255)] = None,
    business_type: Annotated[
        str | None,
        Query(
            pattern="^(WORKFLOWPUBLISH|WORKFLOWNODEAPPROVE|PLAYBOOKPUBLISH|PLAYBOOKNODEAPPROVE)$"
        ),
    ] = None,
    creator_name: Annotated[
        str | None,
        Query(max_length=254, description="The creator as shown: `workflow:<run id>`."),
    ] = None,
    query_type: Annotated[str, Query(pattern="^(my_todo|all_handled)$")] = "my_todo",
    from_date: TimeQuery = None,
    to_date: TimeQuery = None,
) -> TodoList:
    """`query_type=my_todo` (the default): waiting to-dos; `all_handled`: answered ones."""
    rows, total = await TodoService(session, scope).listing(
        query_type == "all_handled",
        name,
        note,
        creator_name,
        from_date,
        to_date,
        sort_dir == "ASC",
        sort_key == "update_time",
        offset,
        limit,
    )
    if business_type not in (None, "WORKFLOWNODEAPPROVE"):
        rows, total = [], 0
    return TodoList(
        total=total,
        page=offset // limit,
        size=limit,
        data=[todo_out(r, scope) for r in rows],
    )


@router.get("/{task_id}", summary="Show a to-do")
@may_answer(NotFound)
async def show_task(
    task_id: TodoIdPath, scope: SecMasterReader, session: SessionDep
) -> TodoEnvelope:
    return TodoEnvelope(data=todo_out(await TodoService(session, scope).show(task_id), scope))


@router.put(
    "/{task_id}", summary="Answer a to-do (CONTINUE, TERMINATE) or edit its comments, attachments"
)
@may_answer(NotFound, Conflict)
async def update_task(
    task_id: TodoIdPath, body: TodoModify, scope: SecMasterWriter, session: SessionDep
) -> TodoEnvelope:
    """CONTINUE: the run goes on from the user task; TERMINATE: the run ends TERMINATED; a
    to-do answered already is a 409. ADD_COMMENT needs `comment`, DELETE_COMMENT `comment_id`;
    ADD_ATTACHMENT and DELETE_ATTACHMENT `attachment_id` (one uploaded to `~/soc/attachment`)."""
    row = await TodoService(session, scope).answer(
        task_id, body.action, body.comment, body.comment_id, body.attachment_id
    )
    await session.flush()
    await session.refresh(row)
    return TodoEnvelope(data=todo_out(row, scope))
