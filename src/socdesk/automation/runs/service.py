"""Runs and to-dos of one workspace, for the caller: start on demand, list, show, terminate,
retry; to-dos answered CONTINUE or TERMINATE, and their comments (docs/workflows.md)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import false
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.automation.attachments import AttachmentService
from socdesk.automation.playbooks.instance_repository import PlaybookInstanceRepository
from socdesk.automation.runs.debug import DebugRun, debug_run
from socdesk.automation.runs.jobs import defer_runs
from socdesk.automation.runs.repository import RunRepository, RunTaskRepository, TodoRepository
from socdesk.automation.runs.requests import RunRequest, enqueue_runs
from socdesk.automation.service import WorkflowService
from socdesk.kit.clock import utcnow
from socdesk.kit.errors import Conflict, NotFound, ValidationFailed
from socdesk.models import (
    PlaybookInstance,
    RunStatus,
    TodoStatus,
    TriggerType,
    Workflow,
    WorkflowRun,
    WorkflowRunTask,
    WorkflowTodo,
    WorkflowVersion,
)
from socdesk.objects.panel import DataPanel
from socdesk.workspaces.scope import WorkspaceScope

ENDED = (RunStatus.FINISHED.value, RunStatus.FAILED.value, RunStatus.TERMINATED.value)


class RunCommand(StrEnum):
    terminate = "ActionInstanceTerminateCommand"
    retry = "ActionInstanceRetryCommand"
    debug = "ActionInstanceDebugCommand"


class TodoAction(StrEnum):
    CONTINUE = "CONTINUE"
    TERMINATE = "TERMINATE"
    ADD_COMMENT = "ADD_COMMENT"
    DELETE_COMMENT = "DELETE_COMMENT"
    ADD_ATTACHMENT = "ADD_ATTACHMENT"
    DELETE_ATTACHMENT = "DELETE_ATTACHMENT"


@dataclass(frozen=True, slots=True)
class RunFilter:
    workflow_id: uuid.UUID | None = None
    run_id: uuid.UUID | None = None
    name: str | None = None
    dataobject_id: uuid.UUID | None = None
    dataclass_id: uuid.UUID | None = None
    playbook_id: uuid.UUID | None = None
    # SecMaster's defence line: no SOCdesk run has one, so naming one matches none.
    defence_id: str | None = None
    status: RunStatus | None = None
    trigger_type: TriggerType | None = None
    from_date: datetime | None = None
    to_date: datetime | None = None


@dataclass(frozen=True, slots=True)
class PlaybookRef:
    id: uuid.UUID
    name: str


@dataclass(frozen=True, slots=True)
class ShownRun:
    run: WorkflowRun
    workflow: Workflow | None
    version_number: int | None
    tasks: Sequence[WorkflowRunTask]
    # The playbook whose instance started the run (None: a manual run).
    playbook: PlaybookRef | None = None


def _uuid(text: str, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except (ValueError, AttributeError, TypeError):
        raise NotFound(f"{field}: no {field.removesuffix('_id')} {text[:100]!r} here") from None


class RunService:
    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.runs = RunRepository(session, scope.workspace_id)
        self.tasks = RunTaskRepository(session, scope.workspace_id)
        self.todos = TodoRepository(session, scope.workspace_id)
        self.workflows = WorkflowService(session, scope)

    async def start(self, workflow_ref: str, object_ref: str | None) -> uuid.UUID:
        """A MANUAL run of the workflow's active version on the object (of its class)."""
        workflow = await self.workflows.find(workflow_ref)
        object_id: uuid.UUID | None = None
        if object_ref:
            panel = DataPanel(self.session, self.scope)
            data_class = await panel.data_class(str(workflow.dataclass_id))
            try:
                shown = await panel.show(data_class, object_ref)
            except NotFound:
                raise ValidationFailed.for_field(
                    "playbook_context.data_object.content.id",
                    f"no {workflow.dataclass_name} {object_ref[:100]!r} in this workspace",
                    object_ref[:100],
                ) from None
            object_id = shown.id
        request = RunRequest(
            self.scope.workspace_id,
            workflow.id,
            workflow.dataclass_name,
            object_id,
            TriggerType.MANUAL,
        )
        (run_id,) = await enqueue_runs(self.session, [request])
        return run_id

    async def _run(self, ref: str) -> WorkflowRun:
        row = await self.runs.get(_uuid(ref, "instance_id"))
        if row is None:
            raise NotFound(f"instance_id: no workflow instance {ref[:100]!r} in this workspace")
        return row

    async def show(self, ref: str) -> ShownRun:
        run = await self._run(ref)
        return (await self._shown([run]))[0]

    async def _shown(self, runs: Sequence[WorkflowRun]) -> list[ShownRun]:
        workflow_ids = list({r.workflow_id for r in runs})
        repository = self.workflows.workflows
        found = await repository.scalars_in_chunks(repository.select(), Workflow.id, workflow_ids)
        by_id = {w.id: w for w in found}
        versions = self.workflows.versions
        version_ids = list({r.version_id for r in runs})
        numbers = {
            v.id: v.number
            for v in await versions.scalars_in_chunks(
                versions.select(), WorkflowVersion.id, version_ids
            )
        }
        playbooks = await self._playbooks_of(runs)
        return [
            ShownRun(
                run,
                by_id.get(run.workflow_id),
                numbers.get(run.version_id),
                [],
                playbooks.get(run.playbook_instance_id) if run.playbook_instance_id else None,
            )
            for run in runs
        ]

    async def _playbooks_of(self, runs: Sequence[WorkflowRun]) -> dict[uuid.UUID, PlaybookRef]:
        """The playbook of each playbook instance that started one of `runs`."""
        instance_ids = list({r.playbook_instance_id for r in runs if r.playbook_instance_id})
        if not instance_ids:
            return {}
        instances = PlaybookInstanceRepository(self.session, self.scope.workspace_id)
        statement = instances.select(
            PlaybookInstance.id, PlaybookInstance.playbook_id, PlaybookInstance.playbook_name
        )
        rows = await instances.in_chunks(statement, PlaybookInstance.id, instance_ids)
        return {row.id: PlaybookRef(row.playbook_id, row.playbook_name) for row in rows}

    async def tasks_of(self, run: WorkflowRun) -> Sequence[WorkflowRunTask]:
        return await self.tasks.of_run(run.id)

    async def listing(
        self, where: RunFilter, ascending: bool, by_update: bool, offset: int, limit: int
    ) -> tuple[list[ShownRun], int]:
        criteria: list[Any] = []
        pairs: list[tuple[Any, Any]] = [
            (WorkflowRun.workflow_id, where.workflow_id),
            (WorkflowRun.id, where.run_id),
            (WorkflowRun.dataobject_id, where.dataobject_id),
            (WorkflowRun.dataclass_id, where.dataclass_id),
        ]
        criteria.extend(column == value for column, value in pairs if value is not None)
        if where.playbook_id is not None:
            # A run names the playbook instance that started it; the instance, its playbook.
            criteria.append(
                WorkflowRun.playbook_instance_id.in_(
                    PlaybookInstanceRepository(self.session, self.scope.workspace_id)
                    .select(PlaybookInstance.id)
                    .where(PlaybookInstance.playbook_id == where.playbook_id)
                )
            )
        if where.defence_id:
            criteria.append(false())
        if where.status is not None:
            criteria.append(WorkflowRun.status == where.status.value)
        if where.trigger_type is not None:
            criteria.append(WorkflowRun.trigger_type == where.trigger_type.value)
        if where.name:
            criteria.append(WorkflowRun.name.contains(where.name, autoescape=True))
        if where.from_date is not None:
            criteria.append(WorkflowRun.created_at >= where.from_date)
        if where.to_date is not None:
            criteria.append(WorkflowRun.created_at <= where.to_date)
        column = WorkflowRun.updated_at if by_update else WorkflowRun.created_at
        order = (
            (column.asc(), WorkflowRun.id.asc())
            if ascending
            else (column.desc(), WorkflowRun.id.desc())
        )
        rows, total = await self.runs.offset_page(criteria, order, offset, limit)
        return await self._shown(rows), total

    async def debug(
        self, ref: str, max_steps: int, task_id: str | None, input_dataobject: str | None
    ) -> DebugRun:
        """Debug the node `task_id` with the parameters `input_dataobject` (runs/debug.py):
        every effect rolled back, the task records kept (marked debug); the run itself does not
        change."""
        return await debug_run(
            self.session, await self._run(ref), max_steps, task_id, input_dataobject
        )

    async def command(self, ref: str, command: RunCommand) -> WorkflowRun:
        """Terminate a live run, or retry an ended one from its last committed task."""
        locked = await self.runs.lock([_uuid(ref, "instance_id")])
        run = locked[0] if locked else None
        if run is None:
            raise NotFound(f"instance_id: no workflow instance {ref[:100]!r} in this workspace")
        await self.session.refresh(run)
        if command is RunCommand.debug:
            raise ValidationFailed.for_field(
                "command_type", "a debug run is RunService.debug's", command.value
            )
        if command is RunCommand.terminate:
            if run.status in ENDED:
                raise Conflict(f"instance {run.id} has already ended ({run.status})")
            if run.lease_until is not None and run.lease_until > utcnow():
                # A runner holds it: the runner ends it where it stands.
                run.status = RunStatus.TERMINATING.value
            else:
                await self.todos.cancel_waiting(run.id, "TERMINATE")
                run.status, run.ended_at, run.due_at = RunStatus.TERMINATED.value, utcnow(), None
            return run
        if run.status not in (RunStatus.FAILED.value, RunStatus.TERMINATED.value):
            raise Conflict(
                f"instance {run.id} is {run.status}: only a failed or terminated run is retried"
            )
        run.status, run.error, run.ended_at = RunStatus.RETRYING.value, "", None
        run.retry_count += 1
        run.started_at = run.due_at = utcnow()
        await self.todos.reopen_cancelled(run.id, run.started_at)
        await defer_runs(self.session, [run.id])
        return run


def _created_by(creator_name: str) -> Any:
    """The to-dos whose creator is `creator_name` as the list shows it: the run that opened
    them, `workflow:<run id>`; any other name matches none."""
    prefix, _, run_ref = creator_name.partition(":")
    try:
        run_id = uuid.UUID(run_ref)
    except ValueError:
        return false()
    return WorkflowTodo.run_id == run_id if prefix == "workflow" else false()


class TodoService:
    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.todos = TodoRepository(session, scope.workspace_id)
        self.runs = RunRepository(session, scope.workspace_id)

    async def show(self, ref: str) -> WorkflowTodo:
        row = await self.todos.get(_uuid(ref, "task_id"))
        if row is None:
            raise NotFound(f"task_id: no to-do {ref[:100]!r} in this workspace")
        return row

    async def listing(
        self,
        handled: bool,
        name: str | None,
        note: str | None,
        creator_name: str | None,
        since: datetime | None,
        until: datetime | None,
        ascending: bool,
        by_update: bool,
        offset: int,
        limit: int,
    ) -> tuple[Sequence[WorkflowTodo], int]:
        criteria: list[Any] = [
            WorkflowTodo.status != TodoStatus.waiting.value
            if handled
            else WorkflowTodo.status == TodoStatus.waiting.value
        ]
        if name:
            criteria.append(WorkflowTodo.name.contains(name, autoescape=True))
        if note:
            # A to-do's note is empty (SOCdesk keeps none): naming one matches none.
            criteria.append(false())
        if creator_name:
            criteria.append(_created_by(creator_name))
        if since is not None:
            criteria.append(WorkflowTodo.created_at >= since)
        if until is not None:
            criteria.append(WorkflowTodo.created_at <= until)
        column = WorkflowTodo.updated_at if by_update else WorkflowTodo.created_at
        order = (
            (column.asc(), WorkflowTodo.id.asc())
            if ascending
            else (column.desc(), WorkflowTodo.id.desc())
        )
        return await self.todos.offset_page(criteria, order, offset, limit)

    async def answer(
        self,
        ref: str,
        action: TodoAction,
        comment: str | None,
        comment_id: str | None,
        attachment_id: str | None = None,
    ) -> WorkflowTodo:
        """CONTINUE or TERMINATE a waiting to-do (its run goes on or ends), or edit its comments
        or attachments."""
        todo = await self.show(ref)
        user = self.scope.user
        todo.modifier_id, todo.modifier_name = user.id, user.display_name
        if action in (TodoAction.CONTINUE, TodoAction.TERMINATE):
            if todo.status != TodoStatus.waiting.value:
                raise Conflict(f"to-do {todo.id} was already answered ({todo.status})")
            todo.answer = action.value
            todo.status = (
                TodoStatus.finished.value
                if action is TodoAction.CONTINUE
                else TodoStatus.canceled.value
            )
            run = await self.runs.get(todo.run_id)
            if run is not None and run.status not in ENDED:
                # Due now: a runner takes it and goes on from the user task (or ends it).
                run.due_at = utcnow()
                await defer_runs(self.session, [run.id])
            return todo
        if action in (TodoAction.ADD_ATTACHMENT, TodoAction.DELETE_ATTACHMENT):
            await self._edit_attachments(todo, action, attachment_id)
            return todo
        comments: list[dict[str, Any]] = json.loads(todo.comments or "[]")
        if action is TodoAction.ADD_COMMENT:
            if not comment or not comment.strip():
                raise ValidationFailed.for_field("comment", "ADD_COMMENT needs a comment")
            comments.append(
                {
                    "id": str(uuid.uuid4()),
                    "message": comment,
                    "user_id": str(user.id),
                    "user_name": user.display_name,
                    "time": int(utcnow().timestamp() * 1000),
                }
            )
        elif action is TodoAction.DELETE_COMMENT:
            kept = [c for c in comments if c.get("id") != comment_id]
            if len(kept) == len(comments):
                raise ValidationFailed.for_field(
                    "comment_id", "names no comment of this to-do", comment_id
                )
            comments = kept
        todo.comments = json.dumps(comments, ensure_ascii=False)
        return todo

    async def _edit_attachments(
        self, todo: WorkflowTodo, action: TodoAction, attachment_id: str | None
    ) -> None:
        """Add an attachment of the workspace to the to-do's list, or take one off it (the
        file itself stays: another to-do may hold it)."""
        if not attachment_id:
            raise ValidationFailed.for_field(
                "attachment_id", f"{action.value} needs an attachment_id"
            )
        held: list[str] = json.loads(todo.attachment_ids or "[]")
        if action is TodoAction.ADD_ATTACHMENT:
            found = await AttachmentService(self.session, self.scope).lookup(attachment_id)
            if found is None:
                raise ValidationFailed.for_field(
                    "attachment_id", "names no attachment of this workspace", attachment_id[:100]
                )
            if str(found.id) not in held:
                held.append(str(found.id))
        else:
            if attachment_id not in held:
                raise ValidationFailed.for_field(
                    "attachment_id", "names no attachment of this to-do", attachment_id[:100]
                )
            held.remove(attachment_id)
        todo.attachment_ids = json.dumps(held)
