"""A debug run (ActionInstanceDebugCommand): a run's workflow, from its start, against the run's
data object, inside a savepoint that is rolled back — every task's effect undone — and what each
task did kept as the run's task records marked `debug`.

Nothing leaves the database either: a wait is not waited, an HTTP request or webhook is not
called (their records say so), and the debug run stops at a user task rather than open a to-do.
`task_id` stops it after that element; `input_dataobject` (a JSON object) sets fields of the
object first, inside the same savepoint.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.automation.http_calls import HttpLimits
from socdesk.automation.runs.actions import WAIT, ActionContext, ActionFailed, perform
from socdesk.automation.runs.engine import EngineError, NextKind, RunEngine
from socdesk.automation.runs.scope import run_setting
from socdesk.kit.clock import utcnow
from socdesk.kit.errors import AppError, NotFound, ValidationFailed
from socdesk.models import WorkflowRun, WorkflowRunTask
from socdesk.models.workflow_run import TaskRecordStatus
from socdesk.objects.panel import DataPanel

# Actions whose effect is outside the database: a debug run does not call them.
NOT_CALLED = frozenset({"http_request", "webhook"})


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)[:65536]


@dataclass
class DebugRun:
    run: WorkflowRun
    records: list[WorkflowRunTask] = field(default_factory=list)
    error: str = ""

    def record(self, element: tuple[str, str, str], status: str, **values: Any) -> None:
        element_id, element_name, kind = element
        self.records.append(
            WorkflowRunTask(
                id=uuid.uuid4(),
                workspace_id=self.run.workspace_id,
                run_id=self.run.id,
                element_id=element_id[:255],
                element_name=element_name[:255],
                element_type=kind,
                status=status,
                started_at=utcnow(),
                ended_at=utcnow(),
                debug=True,
                **values,
            )
        )


def _fields(text: str | None) -> dict[str, Any] | None:
    if text is None or not text.strip():
        return None
    try:
        fields = json.loads(text)
    except (ValueError, RecursionError):
        fields = None
    if not isinstance(fields, dict):
        raise ValidationFailed.for_field(
            "input_dataobject", "must be a JSON object of the data object's fields"
        )
    return fields


async def debug_run(
    session: AsyncSession,
    run: WorkflowRun,
    max_steps: int,
    task_id: str | None = None,
    input_dataobject: str | None = None,
) -> DebugRun:
    """Run `run`'s workflow version in a rolled-back savepoint; its debug task records, added
    to the session after the rollback."""
    fields = _fields(input_dataobject)
    setting = await run_setting(session, run)
    process = setting.process() if setting is not None else None
    if setting is None or process is None:
        raise NotFound(f"instance {run.id}: its workflow version or workspace is gone")
    scope = setting.scope
    if task_id and task_id not in process.actions and task_id not in process.user_tasks:
        raise ValidationFailed.for_field(
            "task_id", "names no service or user task of the run's workflow", task_id[:255]
        )
    data_class = await setting.data_class(session, run)
    context = ActionContext(session, scope, data_class, run.dataobject_id, HttpLimits())
    debug = DebugRun(run)
    savepoint = await session.begin_nested()
    try:
        if fields is not None:
            try:
                await perform(context, "set_fields", {"fields": json.dumps(fields)})
            except ActionFailed as error:
                raise ValidationFailed.for_field("input_dataobject", str(error)) from None
        facts: dict[str, Any] = {}
        if process.has_conditions and run.dataobject_id is not None:
            panel = DataPanel(session, scope)
            facts = dict((await panel.show(data_class, str(run.dataobject_id))).data_object)
        await _steps(debug, RunEngine(process, "", facts), context, max_steps, task_id)
    finally:
        await savepoint.rollback()
    session.add_all(debug.records)
    return debug


async def _steps(
    debug: DebugRun,
    engine: RunEngine,
    context: ActionContext,
    max_steps: int,
    stop_after: str | None,
) -> None:
    steps = 0
    while True:
        try:
            following = engine.advance(max_steps - steps)
        except (EngineError, AppError, ValueError, SpiffWorkflowException) as error:
            debug.error = f"engine: {error}"
            return
        steps += engine.engine_steps
        if following.kind is NextKind.finished:
            return
        if following.kind is NextKind.user_task:
            element = (following.element_id, following.element_name, "userTask")
            debug.record(
                element,
                TaskRecordStatus.FINISHED.value,
                output=_json({"debug": "stopped: a debug run opens no to-do"}),
            )
            return
        element = (following.element_id, following.element_name, "serviceTask")
        call = engine.process.actions[following.element_id]
        if call.name == WAIT:
            output: dict[str, Any] = {"debug": "not waited: a debug run does not wait"}
        elif call.name in NOT_CALLED:
            output = {"debug": "not called: a debug run makes no HTTP calls"}
        else:
            try:
                async with context.session.begin_nested():
                    output = await perform(context, call.name, call.params)
            except ActionFailed as error:
                debug.record(
                    element,
                    TaskRecordStatus.FAILED.value,
                    input=_json(call.params),
                    error=str(error)[:8000],
                )
                debug.error = f"{following.element_id}: {error}"
                return
        engine.complete(following.task, output)
        steps += 1
        debug.record(
            element,
            TaskRecordStatus.FINISHED.value,
            input=_json(call.params),
            output=_json(output),
        )
        if following.element_id == stop_after or steps >= max_steps:
            return
