"""`~/soc/workflows/{id}/instances` (run on demand) and `~/soc/workflows/instances` (list, show,
terminate, retry, debug), in the SDK's shapes (docs/workflows.md, "Runs"). Declared before the
workflows router: `~/soc/workflows/{workflow_id}` would match `instances`."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from socdesk.automation.runs.service import RunCommand, RunFilter, RunService
from socdesk.kit.db import SessionDep
from socdesk.kit.errors import Conflict, NotFound, WorkflowNotFound
from socdesk.kit.openapi import may_answer
from socdesk.kit.params import (
    UUID_PATTERN,
    InstanceIdPath,
    LimitQuery,
    OffsetQuery,
    TimeQuery,
    WorkflowIdPath,
)
from socdesk.kit.routes import SecMasterRoute
from socdesk.models import RunStatus, TriggerType
from socdesk.secmaster.instances.mapping import run_out
from socdesk.secmaster.instances.schemas import (
    CommandAnswer,
    PlaybookContextOut,
    RunCommandBody,
    RunCreate,
    RunList,
    RunOut,
    RunStarted,
)
from socdesk.settings import SettingsDep
from socdesk.workspaces.dependencies import SecMasterReader, SecMasterWriter

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc/workflows",
    tags=["SecMaster: workflow instances"],
    route_class=SecMasterRoute,
)
Uuid = Annotated[str, Query(max_length=64, pattern=UUID_PATTERN)]


@router.post("/{workflow_id}/instances", summary="Run a workflow on a data object (on demand)")
@may_answer(WorkflowNotFound)
async def create_workflow_instance(
    workflow_id: WorkflowIdPath, body: RunCreate, scope: SecMasterWriter, session: SessionDep
) -> RunStarted:
    """A MANUAL run of the workflow's activated version on the object whose id
    `playbook_context.data_object.content.id` gives; a runner takes it at once."""
    context = body.playbook_context
    content = context.data_object.content if context and context.data_object else None
    object_ref = str(content.get("id")) if content and content.get("id") else None
    run_id = await RunService(session, scope).start(workflow_id, object_ref)
    return RunStarted(
        action_id=workflow_id,
        action_instance_id=str(run_id),
        playbook_context=PlaybookContextOut(data_object=content) if content else None,
    )


@router.get("/instances", summary="List workflow instances")
async def list_aop_workflow_instance(
    scope: SecMasterReader,
    session: SessionDep,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 10,
    sort_key: Annotated[str, Query(pattern="^(create_time|update_time)$")] = "create_time",
    sort_dir: Annotated[str, Query(pattern="^(ASC|DESC)$")] = "DESC",
    from_date: TimeQuery = None,
    to_date: TimeQuery = None,
    workflow_id: Uuid | None = None,
    id: Uuid | None = None,
    name: Annotated[str | None, Query(max_length=128)] = None,
    dataobject_id: Uuid | None = None,
    dataclass_id: Uuid | None = None,
    playbook_id: Annotated[
        str | None,
        Query(max_length=64, pattern=UUID_PATTERN, description="Runs its instances started."),
    ] = None,
    defence_id: Annotated[
        str | None,
        Query(max_length=64, description="SecMaster's defence line: no run has one."),
    ] = None,
    status: RunStatus | None = None,
    trigger_type: TriggerType | None = None,
) -> RunList:
    """Newest first by default; the filters combine."""

    def key(text: str | None) -> uuid.UUID | None:
        return uuid.UUID(text) if text else None

    where = RunFilter(
        key(workflow_id),
        key(id),
        name,
        key(dataobject_id),
        key(dataclass_id),
        key(playbook_id),
        defence_id,
        status,
        trigger_type,
        from_date,
        to_date,
    )
    shown, total = await RunService(session, scope).listing(
        where, sort_dir == "ASC", sort_key == "update_time", offset, limit
    )
    return RunList(count=total, instances=[run_out(s) for s in shown])


@router.get("/instances/{instance_id}", summary="Show a workflow instance")
@may_answer(NotFound)
async def show_aop_workflow_instance(
    instance_id: InstanceIdPath,
    scope: SecMasterReader,
    session: SessionDep,
    show_topology: bool = False,
) -> RunOut:
    """With `show_topology=true`, the audit log of every task the run ran."""
    service = RunService(session, scope)
    shown = await service.show(instance_id)
    tasks = await service.tasks_of(shown.run) if show_topology else None
    return run_out(shown, tasks)


@router.put("/instances/{instance_id}", summary="Terminate, retry or debug a workflow instance")
@may_answer(NotFound, Conflict)
async def update_workflow_instance(
    instance_id: InstanceIdPath,
    body: RunCommandBody,
    scope: SecMasterWriter,
    session: SessionDep,
    settings: SettingsDep,
) -> CommandAnswer:
    """ActionInstanceTerminateCommand ends a live run (409 for an ended one);
    ActionInstanceRetryCommand takes a failed or terminated run again from its last committed
    task; ActionInstanceDebugCommand debugs the node `task_id` with the parameters
    `input_dataobject` (a JSON object; both required): the workflow runs against the run's
    object up to and through that node, which takes those parameters over its own, every
    effect rolled back, its task records kept marked `debug`."""
    service = RunService(session, scope)
    if body.command_type is RunCommand.debug:
        await service.debug(
            instance_id, settings.run_max_steps, body.task_id, body.input_dataobject
        )
    else:
        await service.command(instance_id, body.command_type)
    return CommandAnswer()
