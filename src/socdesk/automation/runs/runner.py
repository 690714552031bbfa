"""The runner: claims due runs and runs them, a few committed tasks at a time.

Each step is one transaction on the run's locked row: the engine's own tasks up to the next
one SOCdesk does, then that task, and so on for up to `RunLimits.tasks_per_commit` tasks — the
data-changing actions commit their effects, the run's new state and the tasks' records together
(exactly once: a runner killed before the commit leaves none of them, and the next one redoes
the tasks from the last committed state). An HTTP action starts a transaction of its own (it
calls out, so the tasks before it are committed first). A `wait` and a user
task park the run in the database (`due_at`), releasing it; any runner takes it when it is due.
A runner that dies stops renewing its lease; once the lease runs out another takes the run.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.automation.http_calls import HttpLimits
from socdesk.automation.runs.actions import (
    CALLS_OUT,
    WAIT,
    ActionContext,
    ActionFailed,
    perform,
)
from socdesk.automation.runs.engine import (
    EngineError,
    Next,
    NextKind,
    Process,
    RunEngine,
    StepLimit,
    load_process,
)
from socdesk.automation.runs.jobs import defer_runs
from socdesk.automation.runs.repository import RunQueue, TodoRepository
from socdesk.automation.runs.scope import run_scope
from socdesk.automation.runs.wakeup import woken_on_enqueue
from socdesk.automation.timers import TimerSweeps
from socdesk.classes.registry import DataClass
from socdesk.classes.service import DataClassService
from socdesk.kit.clock import utcnow
from socdesk.kit.errors import AppError
from socdesk.models import (
    RunStatus,
    TodoStatus,
    WorkflowRun,
    WorkflowRunTask,
    WorkflowTodo,
    WorkflowVersion,
)
from socdesk.models.workflow_run import DueHandle, TaskRecordStatus
from socdesk.objects.panel import DataPanel
from socdesk.workspaces.scope import WorkspaceScope

log = logging.getLogger(__name__)
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


class _Step(Enum):
    again = "again"
    stop = "stop"


def runner_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)[:65536]


class Runner:
    """Takes due runs from the store and runs them (any number of runners, any processes)."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], limits: RunLimits | None = None
    ) -> None:
        self.sessions = sessions
        self.limits = limits or RunLimits()
        self.owner = runner_name()

    async def claim(self) -> uuid.UUID | None:
        async with self.sessions() as session, session.begin():
            lease = timedelta(seconds=self.limits.lease_seconds)
            return await RunQueue(session).claim(self.owner, utcnow(), lease)

    async def claim_run(self, run_id: uuid.UUID) -> bool:
        async with self.sessions() as session, session.begin():
            lease = timedelta(seconds=self.limits.lease_seconds)
            return await RunQueue(session).claim(self.owner, utcnow(), lease, run_id) is not None

    async def run_if_due(self, run_id: uuid.UUID) -> bool:
        """A job's body: run `run_id` if it is due and no runner holds it (else another job,
        or the runner that holds it, will); whether it ran."""
        return await self.take(run_id) is not None

    async def take(self, run_id: uuid.UUID | None = None) -> uuid.UUID | None:
        """Claim `run_id` (the next due run when None) and run its first tasks in the claim's
        transaction (one commit fewer a run), then the rest of it; the run's id, or None when
        it was not due or is held."""
        known = _Known()
        try:
            try:
                first = await self._claim_and_batch(run_id, known, careful=False)
            except _Careful:
                known.forget_rolled_back()
                first = await self._claim_and_batch(known.run_id, known, careful=True)
        except Exception:
            if known.run_id is not None:
                # Its claim rolled back with its failed tasks: claim it alone, so that, as any
                # run whose runner failed, it is taken again when the lease runs out (not at
                # once, over and over).
                await self.claim_run(known.run_id)
            raise
        claimed = known.run_id
        if first is None or claimed is None:
            return None
        if first is _Step.again:
            await self.run(claimed, known)
        return claimed

    async def _claim_and_batch(
        self, run_id: uuid.UUID | None, known: _Known, *, careful: bool
    ) -> _Step | None:
        async with self.sessions() as session, session.begin():
            lease = timedelta(seconds=self.limits.lease_seconds)
            claimed = await RunQueue(session).claim(self.owner, utcnow(), lease, run_id)
            if claimed is None:
                return None
            known.run_id = claimed
            return await self._batch(session, claimed, known, careful)

    async def rescue(self) -> int:
        """Jobs for the live runs whose runner died (their lease ran out): how many."""
        async with self.sessions() as session, session.begin():
            lost = await RunQueue(session).abandoned(utcnow())
            await defer_runs(session, lost)
            return len(lost)

    async def drain(self, max_runs: int | None = None) -> int:
        """Run due runs until none is left (or `max_runs` were taken); how many were taken."""
        taken = 0
        while max_runs is None or taken < max_runs:
            if await self.take() is None:
                return taken
            taken += 1
        return taken

    async def serve(self, stop: asyncio.Event, poll_seconds: float = 0.5) -> None:
        """Fire the TIMER playbooks' due ticks (every few seconds), drain, then wait until a
        commit in this process enqueues runs or `poll_seconds` pass, until `stop` is set."""
        timers = TimerSweeps(self.sessions)
        with woken_on_enqueue(self.sessions) as woken:
            while not stop.is_set():
                woken.clear()
                try:
                    await timers.sweep_if_due()
                    await self.drain()
                except Exception:  # noqa: BLE001 - a runner outlives a failed run (logged)
                    log.exception("workflow runner: a run failed unexpectedly")
                await _first_of(stop, woken, poll_seconds)

    async def run(self, run_id: uuid.UUID, known: _Known | None = None) -> None:
        """Step the claimed run until it ends, parks or is taken from this runner."""
        known = known or _Known()
        while await self._step(run_id, known) is _Step.again:
            pass

    async def _step(self, run_id: uuid.UUID, known: _Known) -> _Step:
        try:
            async with self.sessions() as session, session.begin():
                return await self._batch(session, run_id, known, careful=False)
        except _Careful:
            known.forget_rolled_back()
            async with self.sessions() as session, session.begin():
                return await self._batch(session, run_id, known, careful=True)

    async def _batch(
        self, session: AsyncSession, run_id: uuid.UUID, known: _Known, careful: bool
    ) -> _Step:
        run = await RunQueue(session).held(run_id, self.owner)
        if run is None:
            return _Step.stop
        return await _RunStep(session, run, self.limits, utcnow(), known, careful).batch()


class _Careful(Exception):
    """A store action failed in a transaction without savepoints: it is rolled back whole and
    done again with one savepoint a task, so that the failure is recorded after the tasks
    before it (failures are rare; a savepoint a task costs two statements a task)."""


async def _first_of(one: asyncio.Event, other: asyncio.Event, timeout: float) -> None:
    waits = [asyncio.ensure_future(one.wait()), asyncio.ensure_future(other.wait())]
    try:
        await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()


@dataclass
class _Known:
    """What one run's steps share (none of it changes while the run runs): its version's
    process, its scope and its data class, read by the first step."""

    process: Process | None = None
    scope: WorkspaceScope | None = None
    data_class: DataClass | None = None
    run_id: uuid.UUID | None = None

    def forget_rolled_back(self) -> None:
        """Drop what a rolled-back transaction read (its rows are expired with it)."""
        self.scope = self.data_class = None


class _RunStep:
    """One transaction of a run: its tasks one after another (`go`) until the run ends or
    parks, `tasks_per_commit` tasks are done, or an HTTP action is next. The run's state and
    step count are kept here and written to its row once, at the end (`batch`): what a task
    that fails or cannot go on leaves is the state after the last task done."""

    def __init__(
        self,
        session: AsyncSession,
        run: WorkflowRun,
        limits: RunLimits,
        now: datetime,
        known: _Known,
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
        # Tasks SOCdesk did in this transaction, and whether the next one waits for the next
        # transaction (an HTTP action after them).
        self.done = 0
        self.commit_first = False

    async def batch(self) -> _Step:
        while True:
            outcome = await self.go()
            if outcome is _Step.stop or self.commit_first:
                break
            if self.done >= self.limits.tasks_per_commit:
                break
            self.now = utcnow()
        run = self.run
        run.state, run.steps = self.state, self.steps
        if outcome is _Step.again:
            run.lease_until = utcnow() + timedelta(seconds=self.limits.lease_seconds)
        return outcome

    async def _load(self) -> tuple[Process, WorkspaceScope, DataClass] | None:
        known = self.known
        if known.process is None or known.scope is None or known.data_class is None:
            version = await self.session.get(WorkflowVersion, self.run.version_id)
            scope = await run_scope(self.session, self.run)
            if version is None or scope is None:
                return None
            known.process = load_process(version.taskflow)
            known.data_class = await DataClassService(self.session, scope).find(
                str(self.run.dataclass_id)
            )
            known.scope = scope
        return known.process, known.scope, known.data_class

    def _end(self, status: RunStatus, error: str = "") -> _Step:
        self.run.status = status.value
        self.run.error = error[:8000]
        self.run.ended_at = self.now
        self.run.due_at = None
        self._release()
        return _Step.stop

    def _release(self) -> None:
        self.run.lease_owner = ""
        self.run.lease_until = None

    async def _park(self, until: datetime, *, wake: bool = True) -> _Step:
        self.run.due_at = until
        self._release()
        if wake and until != NEVER:
            # The job that wakes it commits with the park (PostgreSQL).
            await defer_runs(self.session, [self.run.id], until)
        return _Step.stop

    async def go(self) -> _Step:
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
            following = engine.advance(budget)
        except StepLimit:
            return self._step_limit()
        except (EngineError, AppError, ValueError, SpiffWorkflowException) as error:
            return self._end(RunStatus.FAILED, f"engine: {error}")
        if self.done and following.kind is NextKind.action:
            if engine.process.actions[following.element_id].name in CALLS_OUT:
                # Its own transaction (the next one redoes the engine's tasks up to it).
                self.commit_first = True
                return _Step.again
        self.steps += engine.engine_steps
        if following.kind is NextKind.finished:
            self.state = engine.serialized()
            return self._end(RunStatus.FINISHED)
        if self.steps >= self.limits.max_steps:
            return self._step_limit()
        if following.kind is NextKind.user_task:
            return await self._user_task(engine, following)
        return await self._action(engine, following, scope, data_class)

    def _step_limit(self) -> _Step:
        return self._end(
            RunStatus.FAILED,
            f"step limit: the run ran over {self.limits.max_steps} tasks (SOCDESK_RUN_MAX_STEPS)",
        )

    async def _context(self, scope: WorkspaceScope, data_class: DataClass) -> dict[str, Any]:
        """The data object's fields, for conditions ({} when the run has none or it is gone)."""
        run = self.run
        if run.dataobject_id is None:
            return {}
        try:
            shown = await DataPanel(self.session, scope).show(data_class, str(run.dataobject_id))
        except AppError:
            return {}
        return dict(shown.data_object)

    def _record(self, following: Next, kind: str, **values: Any) -> WorkflowRunTask:
        row = WorkflowRunTask(
            id=uuid.uuid4(),
            workspace_id=self.run.workspace_id,
            run_id=self.run.id,
            element_id=following.element_id[:255],
            element_name=following.element_name[:255],
            element_type=kind,
            started_at=self.now,
            ended_at=utcnow(),
            **values,
        )
        self.session.add(row)
        return row

    async def _action(
        self, engine: RunEngine, following: Next, scope: WorkspaceScope, data_class: DataClass
    ) -> _Step:
        run = self.run
        call = engine.process.actions[following.element_id]
        if call.name == WAIT:
            seconds = int(call.params.get("seconds", "0") or 0)
            until = self.now + timedelta(seconds=max(seconds, 0))
            engine.complete(following.task)
            self.steps += 1
            self.state = engine.serialized()
            self._record(
                following,
                "serviceTask",
                status=TaskRecordStatus.FINISHED.value,
                input=_json(call.params),
                output=_json({"until": until.isoformat()}),
            )
            return await self._park(until)
        context = ActionContext(
            self.session, scope, data_class, run.dataobject_id, self.limits.http
        )
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
                raise _Careful() from error
            self.state = engine.serialized()
            self._record(
                following,
                "serviceTask",
                status=TaskRecordStatus.FAILED.value,
                input=_json(call.params),
                error=str(error)[:8000],
            )
            return self._end(RunStatus.FAILED, f"{following.element_id}: {error}")
        engine.complete(following.task, output)
        self.steps += 1
        self.state = engine.serialized()
        self.done += 1
        self._record(
            following,
            "serviceTask",
            status=TaskRecordStatus.FINISHED.value,
            input=_json(call.params),
            output=_json(output),
        )
        return _Step.again

    async def _user_task(self, engine: RunEngine, following: Next) -> _Step:
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
            self.state = engine.serialized()
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
        engine.complete(following.task, {"todo": {"id": str(todo.id), "answer": todo.answer}})
        self.steps += 1
        self.state = engine.serialized()
        self.done += 1
        self._record(
            following,
            "userTask",
            status=TaskRecordStatus.FINISHED.value,
            input=_json({"todo_id": str(todo.id)}),
            output=_json({"answer": todo.answer}),
        )
        return _Step.again
