"""One transaction of a run (`RunStep`): its tasks one after another until the run ends or
parks, `RunLimits.tasks_per_commit` tasks are done, or an HTTP action is next (runner.py
claims the run and opens the transaction).

The run's state is kept here and written to its row once, at the end: what a task that fails
or cannot go on leaves is the state after the last task done. SpiffWorkflow's state is
serialized once a transaction, not after every task (about 0.2 ms a task): should the engine
have moved on from a task done when the transaction stops (a condition that fails after it),
the transaction is rolled back and done again `careful`ly, serializing after every task.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.automation.component_configurations import applied_settings
from socdesk.automation.component_settings import narrowed
from socdesk.automation.components import HTTP
from socdesk.automation.http_calls import HttpLimits
from socdesk.automation.runs.actions import (
    CALLS_OUT,
    WAIT,
    ActionContext,
    ActionFailed,
    acts_on_trigger,
    perform,
)
from socdesk.automation.runs.engine import (
    EngineError,
    Next,
    NextKind,
    Process,
    RunEngine,
    StepLimit,
)
from socdesk.automation.runs.jobs import defer_runs
from socdesk.automation.runs.repository import TodoRepository
from socdesk.automation.runs.scope import run_setting
from socdesk.classes.registry import DataClass
from socdesk.kit.clock import utcnow
from socdesk.kit.errors import AppError
from socdesk.models import (
    RunStatus,
    TodoStatus,
    WorkflowRun,
    WorkflowRunTask,
    WorkflowTodo,
)
from socdesk.models.workflow_run import DueHandle, TaskRecordStatus
from socdesk.objects.panel import DataPanel
from socdesk.workspaces.scope import WorkspaceScope

# The task records' table (`RunStep.records` are written with its INSERT).
_TASKS: Any = WorkflowRunTask.__table__
# A parked run that waits for a person without a due date: far enough never to come.
NEVER = datetime(9999, 1, 1, tzinfo=utcnow().tzinfo)


@dataclass(frozen=True, slots=True)
class RunLimits:
    max_steps: int = 1000
    timeout_seconds: int = 3600
    lease_seconds: int = 30
    # Most of a run's tasks one transaction does (1: a commit after every task).
    tasks_per_commit: int = 16
    # What its HTTP request and webhook actions may call (none by default).
    http: HttpLimits = HttpLimits()


class Step(Enum):
    again = "again"
    stop = "stop"


class Careful(Exception):
    """The transaction cannot end as it went without savepoints or a state a task (a store
    action failed, or the engine moved on from an unserialized task done): it is rolled back
    whole and done again with one savepoint and one serialized state a task, so that the
    failure is recorded after the tasks before it (failures are rare; a savepoint a task costs
    two statements a task)."""


@dataclass
class Known:
    """What one run's steps share (none of it changes while the run runs): its version's
    process, its scope and its data class, read by the first step."""

    process: Process | None = None
    scope: WorkspaceScope | None = None
    data_class: DataClass | None = None
    run_id: uuid.UUID | None = None

    def forget_rolled_back(self) -> None:
        """Drop what a rolled-back transaction read (its rows are expired with it)."""
        self.scope = self.data_class = None


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)[:65536]


class RunStep:
    """One transaction of a run (see the module): `batch` does its tasks (`go`, one each)."""

    def __init__(
        self,
        session: AsyncSession,
        run: WorkflowRun,
        limits: RunLimits,
        now: datetime,
        known: Known,
        careful: bool = True,
    ) -> None:
        self.session = session
        self.careful = careful
        self.run = run
        self.limits = limits
        self.now = now
        self.known = known
        self.engine: RunEngine | None = None
        self.state = run.state
        self.steps = run.steps
        # Whether the engine holds the state after a task done that `state` lacks, and
        # whether it has run on from it since (then that state is lost: `Careful`).
        self.unsaved = False
        self.moved_on = False
        # Tasks SOCdesk did in this transaction, and whether the next one waits for the next
        # transaction (an HTTP action after them).
        self.done = 0
        self.commit_first = False
        # The tasks' records, written at the end in one INSERT (the table's, not the ORM's:
        # ORM rows cost a unit of work a batch for rows nothing reads back).
        self.records: list[dict[str, Any]] = []

    async def batch(self) -> Step:
        while True:
            outcome = await self.go()
            if outcome is Step.stop or self.commit_first:
                break
            if self.done >= self.limits.tasks_per_commit:
                break
            self.now = utcnow()
        run = self.run
        run.state, run.steps = self._last_state(), self.steps
        if self.records:
            await self.session.execute(insert(_TASKS), self.records)
        if outcome is Step.again:
            run.lease_until = utcnow() + timedelta(seconds=self.limits.lease_seconds)
        return outcome

    def _task_done(self, engine: RunEngine) -> None:
        """The engine completed a task SOCdesk did: its state is the run's new state."""
        if self.careful:
            self._serialize(engine)
        else:
            self.unsaved, self.moved_on = True, False

    def _serialize(self, engine: RunEngine) -> None:
        self.state = engine.serialized()
        self.unsaved = self.moved_on = False

    def _last_state(self) -> str:
        """The state after the last task done, serialized now if it was not."""
        if self.unsaved:
            if self.moved_on or self.engine is None:
                raise Careful()
            self._serialize(self.engine)
        return self.state

    async def _load(self) -> tuple[Process, WorkspaceScope, DataClass] | None:
        known = self.known
        if known.process is None or known.scope is None or known.data_class is None:
            setting = await run_setting(self.session, self.run)
            if setting is None:
                return None
            process = setting.process()
            if process is None:
                return None
            known.process = process
            known.data_class = await setting.data_class(self.session, self.run)
            known.scope = setting.scope
        return known.process, known.scope, known.data_class

    def _end(self, status: RunStatus, error: str = "") -> Step:
        self.run.status = status.value
        self.run.error = error[:8000]
        self.run.ended_at = self.now
        self.run.due_at = None
        self._release()
        return Step.stop

    def _release(self) -> None:
        self.run.lease_owner = ""
        self.run.lease_until = None

    async def _park(self, until: datetime, *, wake: bool = True) -> Step:
        self.run.due_at = until
        self._release()
        if wake and until != NEVER:
            # The job that wakes it commits with the park (PostgreSQL).
            await defer_runs(self.session, [self.run.id], until)
        return Step.stop

    async def go(self) -> Step:
        run = self.run
        if run.status == RunStatus.TERMINATING.value:
            await TodoRepository(self.session, run.workspace_id).cancel_waiting(run.id, "TERMINATE")
            return self._end(RunStatus.TERMINATED, run.error)
        if run.status == RunStatus.RETRYING.value:
            run.status = RunStatus.RUNNING.value
        if (self.now - run.started_at).total_seconds() > self.limits.timeout_seconds:
            return self._end(
                RunStatus.FAILED,
                f"timeout: the run took over {self.limits.timeout_seconds} seconds "
                "(SOCDESK_RUN_TIMEOUT_SECONDS)",
            )
        try:
            loaded = await self._load()
            if loaded is None:
                return self._end(RunStatus.FAILED, "the workflow version or workspace is gone")
            process, scope, data_class = loaded
            context = await self._context(scope, data_class) if process.has_conditions else {}
            if self.engine is None:
                self.engine = RunEngine(process, self.state, context)
            engine = self.engine
            engine.use_context(context)
            budget = self.limits.max_steps - self.steps
            self.moved_on = self.unsaved
            following = engine.advance(budget)
        except StepLimit:
            return self._step_limit()
        except (EngineError, AppError, ValueError, SpiffWorkflowException) as error:
            return self._end(RunStatus.FAILED, f"engine: {error}")
        if self.done and following.kind is NextKind.action:
            if engine.process.actions[following.element_id].name in CALLS_OUT:
                # Its own transaction, from the state up to it (the engine's tasks before it
                # done and counted here).
                self.steps += engine.engine_steps
                self._serialize(engine)
                self.commit_first = True
                return Step.again
        self.steps += engine.engine_steps
        if following.kind is NextKind.finished:
            self._serialize(engine)
            return self._end(RunStatus.FINISHED)
        if self.steps >= self.limits.max_steps:
            return self._step_limit()
        if following.kind is NextKind.user_task:
            return await self._user_task(engine, following)
        return await self._action(engine, following, scope, data_class)

    def _step_limit(self) -> Step:
        return self._end(
            RunStatus.FAILED,
            f"step limit: the run ran over {self.limits.max_steps} tasks (SOCDESK_RUN_MAX_STEPS)",
        )

    async def _context(self, scope: WorkspaceScope, data_class: DataClass) -> dict[str, Any]:
        """The data object's fields, for conditions: as it was deleted when it is gone (a run a
        delete fired decides on what was deleted); {} when the run has none."""
        run = self.run
        if run.dataobject_id is None:
            return {}
        panel = DataPanel(self.session, scope)
        try:
            shown = await panel.show(data_class, str(run.dataobject_id))
        except AppError:
            return await panel.last_state(data_class, run.dataobject_id) or {}
        return dict(shown.data_object)

    async def _trigger_deleted(self, scope: WorkspaceScope, data_class: DataClass) -> bool:
        object_id = self.run.dataobject_id
        if object_id is None:
            return False
        return await DataPanel(self.session, scope).last_state(data_class, object_id) is not None

    def _completed(
        self,
        engine: RunEngine,
        following: Next,
        kind: str,
        result: Any,
        recorded_input: Any,
        recorded_output: Any,
    ) -> Step:
        """`following` done with `result`, counted and recorded FINISHED with what it was given
        and gave (as its audit log shows them)."""
        engine.complete(following.task, result)
        self.steps += 1
        self._task_done(engine)
        self.done += 1
        self._record(
            following,
            kind,
            status=TaskRecordStatus.FINISHED.value,
            input=_json(recorded_input),
            output=_json(recorded_output),
        )
        return Step.again

    def _record(self, following: Next, kind: str, **values: Any) -> None:
        # Every column named (an executemany's rows share their keys).
        row = {
            "id": uuid.uuid4(),
            "workspace_id": self.run.workspace_id,
            "run_id": self.run.id,
            "element_id": following.element_id[:255],
            "element_name": following.element_name[:255],
            "element_type": kind,
            "status": values["status"],
            "input": values.get("input", ""),
            "output": values.get("output", ""),
            "error": values.get("error", ""),
            "started_at": self.now,
            "ended_at": utcnow(),
            "debug": False,
        }
        self.records.append(row)

    async def _action(
        self, engine: RunEngine, following: Next, scope: WorkspaceScope, data_class: DataClass
    ) -> Step:
        run = self.run
        call = engine.process.actions[following.element_id]
        if call.name == WAIT:
            seconds = int(call.params.get("seconds", "0") or 0)
            until = self.now + timedelta(seconds=max(seconds, 0))
            engine.complete(following.task)
            self.steps += 1
            self._serialize(engine)
            self._record(
                following,
                "serviceTask",
                status=TaskRecordStatus.FINISHED.value,
                input=_json(call.params),
                output=_json({"until": until.isoformat()}),
            )
            return await self._park(until)
        http = self.limits.http
        if call.name in CALLS_OUT:
            # The workspace's applied socdesk_http configuration narrows the operator's limits
            # (kept per configuration revision: no query while it does not change).
            http = narrowed(http, await applied_settings(self.session, scope, HTTP))
        context = ActionContext(self.session, scope, data_class, run.dataobject_id, http)
        # A savepoint only when this transaction redoes a failure, or for a call out (never
        # made twice by a redo).
        careful = self.careful or call.name in CALLS_OUT
        try:
            if careful:
                async with self.session.begin_nested():
                    output = await perform(context, call.name, call.params)
            else:
                output = await perform(context, call.name, call.params)
        except ActionFailed as error:
            if not careful:
                raise Careful() from error
            if acts_on_trigger(call.name, call.params) and await self._trigger_deleted(
                scope, data_class
            ):
                # Nothing to change on an object deleted (a run a delete fired, or one whose
                # object went before it ran): recorded as such, and the run goes on.
                skipped = {"skipped": "the data object was deleted"}
                return self._completed(
                    engine, following, "serviceTask", skipped, call.params, skipped
                )
            self._serialize(engine)
            self._record(
                following,
                "serviceTask",
                status=TaskRecordStatus.FAILED.value,
                input=_json(call.params),
                error=str(error)[:8000],
            )
            return self._end(RunStatus.FAILED, f"{following.element_id}: {error}")
        return self._completed(engine, following, "serviceTask", output, call.params, output)

    async def _user_task(self, engine: RunEngine, following: Next) -> Step:
        run = self.run
        todos = TodoRepository(self.session, run.workspace_id)
        key = str(following.task.id)
        todo = await todos.of_task(run.id, key)
        definition = engine.process.user_tasks[following.element_id]
        if todo is None:
            due = (
                self.now + timedelta(seconds=definition.due_seconds)
                if definition.due_seconds is not None
                else None
            )
            todo = WorkflowTodo(
                id=uuid.uuid4(),
                workspace_id=run.workspace_id,
                run_id=run.id,
                workflow_id=run.workflow_id,
                version_id=run.version_id,
                task_key=key,
                definition_key=following.element_id[:255],
                name=definition.name[:255],
                description=definition.description,
                status=TodoStatus.waiting.value,
                due_at=due,
                due_handle=definition.due_handle,
                related_object=str(run.dataobject_id or ""),
                comments="[]",
            )
            self.session.add(todo)
            self._serialize(engine)
            return await self._park(due or NEVER)
        if todo.status == TodoStatus.waiting.value:
            if todo.due_at is None or todo.due_at > self.now:
                # Taken before it was due: its waking job is still to come.
                return await self._park(todo.due_at or NEVER, wake=False)
            if todo.due_handle == DueHandle.INTERRUPT.value:
                todo.status, todo.answer = TodoStatus.canceled.value, "DUE"
                return self._end(
                    RunStatus.FAILED,
                    f"to-do {todo.id} ({todo.name}) was not answered by its due date",
                )
            todo.status, todo.answer = TodoStatus.finished.value, "DUE"
        if todo.status == TodoStatus.canceled.value:
            return self._end(RunStatus.TERMINATED, f"to-do {todo.id} was terminated")
        result = {"todo": {"id": str(todo.id), "answer": todo.answer}}
        recorded = ({"todo_id": str(todo.id)}, {"answer": todo.answer})
        return self._completed(engine, following, "userTask", result, *recorded)
