"""Queries on runs, their task records and to-dos. `RunQueue` is the one cross-tenant query:
a runner claims the next due run of any workspace (runs are the queue), atomically; `RunSettings`
reads what a claimed run acts in, by the run's own workspace."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.kit.repository import WorkspaceScoped, held_write_lock
from socdesk.models import (
    Project,
    Workflow,
    WorkflowRun,
    WorkflowRunTask,
    WorkflowTodo,
    WorkflowVersion,
    Workspace,
)
from socdesk.models.workflow_run import LIVE_STATUSES


class RunRepository(WorkspaceScoped[WorkflowRun]):
    model = WorkflowRun

    async def offset_page(
        self, criteria: Sequence[Any], order: Any, offset: int, limit: int
    ) -> tuple[Sequence[WorkflowRun], int]:
        statement = self.select().where(*criteria)
        total = int(
            await self.session.scalar(
                self.select(func.count()).select_from(WorkflowRun).where(*criteria)
            )
            or 0
        )
        rows = (
            await self.session.scalars(statement.order_by(*order).offset(offset).limit(limit))
        ).all()
        return rows, total


class RunTaskRepository(WorkspaceScoped[WorkflowRunTask]):
    model = WorkflowRunTask

    async def of_run(self, run_id: uuid.UUID) -> Sequence[WorkflowRunTask]:
        statement = (
            self.select()
            .where(WorkflowRunTask.run_id == run_id)
            .order_by(WorkflowRunTask.started_at, WorkflowRunTask.id)
        )
        return (await self.session.scalars(statement)).all()


class TodoRepository(WorkspaceScoped[WorkflowTodo]):
    model = WorkflowTodo

    async def of_task(self, run_id: uuid.UUID, task_key: str) -> WorkflowTodo | None:
        found: WorkflowTodo | None = await self.session.scalar(
            self.select().where(WorkflowTodo.run_id == run_id, WorkflowTodo.task_key == task_key)
        )
        return found

    async def cancel_waiting(self, run_id: uuid.UUID, answer: str) -> None:
        await self.session.execute(
            self.update()
            .where(WorkflowTodo.run_id == run_id, WorkflowTodo.status == "waiting")
            .values(status="canceled", answer=answer)
        )

    async def reopen_cancelled(self, run_id: uuid.UUID, now: datetime) -> None:
        """A retried run asks its cancelled to-dos again (a passed due date is dropped)."""
        statement = self.update().where(
            WorkflowTodo.run_id == run_id, WorkflowTodo.status == "canceled"
        )
        await self.session.execute(
            statement.where(or_(WorkflowTodo.due_at.is_(None), WorkflowTodo.due_at > now)).values(
                status="waiting", answer=""
            )
        )
        await self.session.execute(
            statement.where(WorkflowTodo.due_at <= now).values(
                status="waiting", answer="", due_at=None
            )
        )

    async def offset_page(
        self, criteria: Sequence[Any], order: Any, offset: int, limit: int
    ) -> tuple[Sequence[WorkflowTodo], int]:
        total = int(
            await self.session.scalar(
                self.select(func.count()).select_from(WorkflowTodo).where(*criteria)
            )
            or 0
        )
        statement = self.select().where(*criteria).order_by(*order).offset(offset).limit(limit)
        return (await self.session.scalars(statement)).all(), total


class RunQueue:
    """The due runs of every workspace, claimed by runners with a lease."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(
        self, owner: str, now: datetime, lease: timedelta, run_id: uuid.UUID | None = None
    ) -> uuid.UUID | None:
        """The next due run's id, the run now leased to `owner` until `now + lease`: one
        UPDATE whose WHERE holds the claim's conditions again, so two runners never both take
        a run (on PostgreSQL the candidate is also skipped while another transaction has it
        locked)."""
        claimed: uuid.UUID | None = await self._claim(False, owner, now, lease, run_id)
        return claimed

    async def claim_held(
        self, owner: str, now: datetime, lease: timedelta, run_id: uuid.UUID | None = None
    ) -> WorkflowRun | None:
        """`claim`, answering the claimed run itself (its row as the UPDATE left it, locked
        until commit), for a runner that runs it in the claim's transaction: not read again."""
        claimed: WorkflowRun | None = await self._claim(True, owner, now, lease, run_id)
        return claimed

    async def _claim(
        self,
        whole: bool,
        owner: str,
        now: datetime,
        lease: timedelta,
        run_id: uuid.UUID | None,
    ) -> Any:
        postgres = self.session.get_bind().dialect.name == "postgresql"
        statement = _claiming(postgres, run_id is not None, whole)
        parameters = {"owner": owner, "now": now, "until": now + lease, "run_id": run_id}
        claimed = await self.session.scalar(statement, parameters)
        # On SQLite the UPDATE took the write lock: the run's tasks in this transaction need
        # not take it again.
        if not postgres:
            held_write_lock(self.session)
        return claimed

    async def abandoned(self, now: datetime) -> list[uuid.UUID]:
        """Live runs whose lease ran out (their runner died), released so each is handed
        out once: one UPDATE."""
        statement = (
            update(WorkflowRun)
            .where(
                WorkflowRun.status.in_(LIVE_STATUSES),
                WorkflowRun.lease_until.is_not(None),
                WorkflowRun.lease_until < now,
            )
            .values(lease_owner="", lease_until=None)
            .returning(WorkflowRun.id)
            .execution_options(synchronize_session=False)
        )
        return list(await self.session.scalars(statement))

    async def held(self, run_id: uuid.UUID, owner: str) -> WorkflowRun | None:
        """The run, locked, if `owner` still holds its lease."""
        statement = (
            select(WorkflowRun)
            .where(WorkflowRun.id == run_id, WorkflowRun.lease_owner == owner)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        found: WorkflowRun | None = await self.session.scalar(statement)
        return found


@cache
def _claiming(postgres: bool, by_id: bool, whole: bool) -> Any:
    """The claim's UPDATE (`RunQueue.claim`), built once per store, whether it names the run
    (`run_id`) and whether it answers the whole run or its id; its parameters are `owner`,
    `now`, `until` (the lease's end) and `run_id`."""
    runs: Any = WorkflowRun.__table__
    columns = runs.c
    now = bindparam("now", type_=columns.due_at.type)
    free = or_(columns.lease_until.is_(None), columns.lease_until < now)
    due = or_(columns.due_at.is_(None), columns.due_at <= now)
    candidate = (
        select(columns.id)
        .where(columns.status.in_(LIVE_STATUSES), due, free)
        .where(*([columns.id == bindparam("run_id", type_=columns.id.type)] if by_id else []))
        .order_by(columns.due_at, columns.id)
        .limit(1)
    )
    if postgres:
        candidate = candidate.with_for_update(skip_locked=True)
    # The table's UPDATE (the ORM's bulk UPDATE machinery cost more than the claim itself),
    # its row loaded as the run by `from_statement`.
    claiming = (
        runs.update()
        .where(
            and_(columns.id == candidate.scalar_subquery(), free),
            columns.status.in_(LIVE_STATUSES),
        )
        .values(
            lease_owner=bindparam("owner", type_=columns.lease_owner.type),
            lease_until=bindparam("until", type_=columns.lease_until.type),
        )
    )
    if whole:
        return (
            select(WorkflowRun)
            .from_statement(claiming.returning(*columns))
            .execution_options(populate_existing=True)
        )
    return claiming.returning(columns.id)


class RunSettings:
    """What a run acts in, read at its start: its workspace, project, workflow author and
    version's BPMN, in one statement built once (four statements were a tenth of a run's CPU).
    The workflow and version are joined within the run's workspace (a run names its own)."""

    STATEMENT = (
        select(
            Workspace, Project, Workflow.modifier_id, Workflow.creator_id, WorkflowVersion.taskflow
        )
        .join(Project, Project.id == Workspace.project_id)
        .outerjoin(
            Workflow,
            and_(Workflow.workspace_id == Workspace.id, Workflow.id == bindparam("workflow_id")),
        )
        .outerjoin(
            WorkflowVersion,
            and_(
                WorkflowVersion.workspace_id == Workspace.id,
                WorkflowVersion.id == bindparam("version_id"),
            ),
        )
        .where(Workspace.id == bindparam("workspace_id"))
    )

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of(
        self, run: WorkflowRun
    ) -> tuple[Workspace, Project, uuid.UUID | None, str | None] | None:
        """The run's workspace, project, workflow author (its last modifier, else its creator)
        and version's BPMN; None when the workspace is gone, the author or BPMN when the
        workflow or version is."""
        parameters = {
            "workspace_id": run.workspace_id,
            "workflow_id": run.workflow_id,
            "version_id": run.version_id,
        }
        found = (await self.session.execute(self.STATEMENT, parameters)).first()
        if found is None:
            return None
        workspace, project, modifier_id, creator_id, taskflow = found
        return workspace, project, modifier_id or creator_id, taskflow
