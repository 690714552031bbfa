"""A debug run (ActionInstanceDebugCommand, which the SDK words "update the debug result of
the instance's node `task_id` with the parameters `input_dataobject`"): the run's workflow, from
its start up to the node `task_id`, against the run's data object, the node's action taking
`input_dataobject` (a JSON object of its parameters) over those its BPMN gives, all inside a
savepoint that is rolled back — every task's effect undone — and what each task did kept as the
run's task records marked `debug`. The tasks before the node run as the workflow has them, so
the node meets the object as a real run would leave it.

Nothing leaves the database either: a wait is not waited, an HTTP request or webhook is not
called (their records say so), and the debug run stops at a user task rather than open a to-do.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.automation.checks import parameter_problem
from socdesk.automation.components import ACTIONS
from socdesk.automation.http_calls import HttpLimits
from socdesk.automation.runs.actions import WAIT, ActionContext, ActionFailed, perform
from socdesk.automation.runs.engine import ActionCall, EngineError, NextKind, RunEngine
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


def _parameters(text: str | None) -> dict[str, str]:
    """The node's parameters `input_dataobject` gives, each as a BPMN parameter's text."""
    try:
        given = json.loads(text) if text is not None else None
    except (ValueError, RecursionError):
        given = None
    if not isinstance(given, dict):
        raise ValidationFailed.for_field(
            "input_dataobject", "must be a JSON object of the node's parameters (it may be {})"
        )
    return {
        str(name): value if isinstance(value, str) else json.dumps(value)
        for name, value in given.items()
    }


def _checked(call: ActionCall, given: dict[str, str]) -> dict[str, str]:
    """`given` over the node's own parameters: 400 naming a parameter its action has not, or a
    value not of the parameter's type."""
    action = ACTIONS[call.name]  # a workflow's every action is one (checks.py held it)
    problems = []
    for name, value in given.items():
        spec = action.param(name)
        if spec is None:
            known = ", ".join(p.name for p in action.params)
            problems.append(f"{call.name} has no parameter {name!r} ({known})")
        elif (wrong := parameter_problem(spec.type, spec.enum, value)) is not None:
            problems.append(f"parameter {name!r} of {call.name} {wrong}")
    if problems:
        raise ValidationFailed.for_field("input_dataobject", "; ".join(problems)[:2000])
    return {**call.params, **given}


async def debug_run(
    session: AsyncSession,
    run: WorkflowRun,
    max_steps: int,
    task_id: str | None,
    input_dataobject: str | None,
) -> DebugRun:
    """Debug the node `task_id` of `run`'s workflow version with the parameters
    `input_dataobject` (both required, as the SDK says), in a rolled-back savepoint; its debug
    task records, added to the session after the rollback."""
    missing = [
        name
        for name, value in (("task_id", task_id), ("input_dataobject", input_dataobject))
        if value is None or not value.strip()
    ]
    if missing:
        raise ValidationFailed(
            f"{' and '.join(missing)}: required to debug (the node to debug, and its"
            " parameters as a JSON object)"
        )
    assert task_id is not None
    given = _parameters(input_dataobject)
    setting = await run_setting(session, run)
    process = setting.process() if setting is not None else None
    if setting is None or process is None:
        raise NotFound(f"instance {run.id}: its workflow version or workspace is gone")
    node = process.actions.get(task_id)
    if node is None and task_id not in process.user_tasks:
        raise ValidationFailed.for_field(
            "task_id", "names no service or user task of the run's workflow", task_id[:255]
        )
    parameters = _checked(node, given) if node is not None else {}
    scope = setting.scope
    data_class = await setting.data_class(session, run)
    context = ActionContext(session, scope, data_class, run.dataobject_id, HttpLimits())
    debug = DebugRun(run)
    savepoint = await session.begin_nested()
    try:
        facts: dict[str, Any] = {}
        if process.has_conditions and run.dataobject_id is not None:
            panel = DataPanel(session, scope)
            facts = dict((await panel.show(data_class, str(run.dataobject_id))).data_object)
        engine = RunEngine(process, "", facts)
        await _steps(debug, engine, context, max_steps, (task_id, parameters))
    finally:
        await savepoint.rollback()
    session.add_all(debug.records)
    return debug


async def _steps(
    debug: DebugRun,
    engine: RunEngine,
    context: ActionContext,
    max_steps: int,
    node: tuple[str, dict[str, str]],
) -> None:
    """Step the engine up to and through the node (its id, and the parameters it takes)."""
    node_id, node_parameters = node
    steps = 0
    while True:
        try:
            following = engine.advance(max_steps - steps)
        except (EngineError, AppError, ValueError, SpiffWorkflowException) as error:
            debug.error = f"engine: {error}"
            return
        steps += engine.engine_steps
        if following.kind is NextKind.finished:
            # The path the object took passes another way (a gateway chose another branch).
            debug.error = f"{node_id}: the workflow ended without reaching it"
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
        params = node_parameters if following.element_id == node_id else call.params
        if call.name == WAIT:
            output: dict[str, Any] = {"debug": "not waited: a debug run does not wait"}
        elif call.name in NOT_CALLED:
            output = {"debug": "not called: a debug run makes no HTTP calls"}
        else:
            try:
                async with context.session.begin_nested():
                    output = await perform(context, call.name, params)
            except ActionFailed as error:
                debug.record(
                    element,
                    TaskRecordStatus.FAILED.value,
                    input=_json(params),
                    error=str(error)[:8000],
                )
                debug.error = f"{following.element_id}: {error}"
                return
        engine.complete(following.task, output)
        steps += 1
        debug.record(
            element,
            TaskRecordStatus.FINISHED.value,
            input=_json(params),
            output=_json(output),
        )
        if following.element_id == node_id or steps >= max_steps:
            return
