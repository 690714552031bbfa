"""Playbook instances: one per firing of a playbook version on one data object (or on none,
for a TIMER tick). `record_firings` writes them in the firing write's transaction (one INSERT)
and gives the run requests of their actions, each carrying its instance's id;
`PlaybookInstanceService` lists and shows them, retries or terminates them through their runs
(RunService), and reads their runs' tasks (docs/playbooks.md, "Instances")."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.automation.playbooks.instance_repository import (
    AuditLogRepository,
    AuditLogRow,
    InstanceRow,
    PlaybookInstanceRepository,
    Span,
)
from socdesk.automation.playbooks.repository import PlaybookActionRepository, TriggerVersion
from socdesk.automation.runs.repository import RunRepository, RunTaskRepository
from socdesk.automation.runs.requests import RunRequest
from socdesk.automation.runs.service import ENDED, RunCommand, RunService
from socdesk.kit.clock import utcnow
from socdesk.kit.errors import Conflict, NotFound
from socdesk.models import (
    PlaybookAction,
    PlaybookInstance,
    RunStatus,
    TriggerType,
    WorkflowRun,
    WorkflowRunTask,
)
from socdesk.models.workflow_run import TaskRecordStatus
from socdesk.workspaces.scope import WorkspaceScope


@dataclass(frozen=True, slots=True)
class Firing:
    """A version fired on one object (None for a tick) of class `dataclass_name`."""

    version: TriggerVersion
    dataobject_id: uuid.UUID | None


async def record_firings(
    session: AsyncSession,
    workspace_id: uuid.UUID,
    dataclass_name: str,
    firings: Sequence[Firing],
    trigger_type: TriggerType,
) -> list[RunRequest]:
    """One instance per firing, inserted at once; the run requests of every firing's actions."""
    now = utcnow()
    values: list[dict[str, Any]] = []
    requests: list[RunRequest] = []
    for firing in firings:
        version, instance_id = firing.version, uuid.uuid4()
        values.append(
            {
                "id": instance_id,
                "workspace_id": workspace_id,
                "playbook_id": version.playbook_id,
                "playbook_name": version.playbook_name[:64],
                "version_id": version.version_id,
                "version_number": version.number,
                "dataclass_id": version.dataclass_id,
                "dataclass_name": dataclass_name[:64],
                "dataobject_id": firing.dataobject_id,
                "trigger_type": trigger_type.value,
                "name": f"{version.playbook_name[:64]}-{now:%Y%m%d%H%M%S}",
                "created_at": now,
                "updated_at": now,
            }
        )
        requests.extend(
            RunRequest(
                workspace_id,
                action.workflow_id,
                dataclass_name,
                firing.dataobject_id,
                trigger_type,
                instance_id,
            )
            for action in version.actions
        )
    await PlaybookInstanceRepository(session, workspace_id).insert_many(values)
    return requests


@dataclass(frozen=True, slots=True)
class RunActions:
    """A run of an instance, the playbook action it ran for (None if since removed), its tasks."""

    run: WorkflowRun
    action: PlaybookAction | None
    tasks: Sequence[WorkflowRunTask]


@dataclass(frozen=True, slots=True)
class Topology:
    instance: InstanceRow
    runs: list[RunActions]


class InstanceOperation(StrEnum):
    RETRY = "RETRY"
    TERMINATE = "TERMINATE"


class DateType(StrEnum):
    START = "START"
    END = "END"


@dataclass(frozen=True, slots=True)
class InstanceFilter:
    status: RunStatus | None = None
    name: str | None = None
    playbook_name: str | None = None
    dataclass_name: str | None = None
    dataobject_name: str | None = None
    trigger_type: TriggerType | None = None
    from_date: datetime | None = None
    to_date: datetime | None = None
    date_type: DateType = DateType.START


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except (ValueError, AttributeError, TypeError):
        raise NotFound(f"instance_id: no playbook instance {text[:100]!r} here") from None


class PlaybookInstanceService:
    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.instances = PlaybookInstanceRepository(session, scope.workspace_id)
        self.runs = RunRepository(session, scope.workspace_id)
        self.tasks = RunTaskRepository(session, scope.workspace_id)

    async def show(self, ref: str) -> InstanceRow:
        """The instance, with its status and times as its runs have them."""
        row = await self.instances.shown(_uuid(ref))
        if row is None:
            raise NotFound(f"instance_id: no playbook instance {ref[:100]!r} in this workspace")
        return row

    async def listing(
        self, where: InstanceFilter, offset: int, limit: int
    ) -> tuple[list[InstanceRow], int]:
        """Newest first; the filters combine (names: contains)."""
        criteria: list[Any] = []
        for column, text in (
            (PlaybookInstance.name, where.name),
            (PlaybookInstance.playbook_name, where.playbook_name),
            (PlaybookInstance.dataclass_name, where.dataclass_name),
        ):
            if text:
                criteria.append(column.contains(text, autoescape=True))
        if where.dataobject_name:
            # An instance names its data object by id: the one name every class shares.
            try:
                criteria.append(PlaybookInstance.dataobject_id == uuid.UUID(where.dataobject_name))
            except ValueError:
                return [], 0
        if where.trigger_type is not None:
            criteria.append(PlaybookInstance.trigger_type == where.trigger_type.value)
        span = Span(where.date_type is DateType.START, where.from_date, where.to_date)
        status = where.status.value if where.status else None
        return await self.instances.offset_page(criteria, status, span, offset, limit)

    async def runs_of(self, row: InstanceRow) -> Sequence[WorkflowRun]:
        statement = (
            self.runs.select()
            .where(WorkflowRun.playbook_instance_id == row.instance.id)
            .order_by(WorkflowRun.created_at, WorkflowRun.id)
        )
        return (await self.session.scalars(statement)).all()

    async def operate(self, ref: str, operation: InstanceOperation) -> InstanceRow:
        """RETRY its failed and terminated runs, or TERMINATE its live ones, through the run
        service; a 409 when it has none to retry (or none live to terminate)."""
        row = await self.show(ref)
        runs = await self.runs_of(row)
        if operation is InstanceOperation.RETRY:
            wanted = [r for r in runs if r.status in (RunStatus.FAILED, RunStatus.TERMINATED)]
            command = RunCommand.retry
        else:
            wanted = [r for r in runs if r.status not in ENDED]
            command = RunCommand.terminate
        if not wanted:
            raise Conflict(
                f"playbook instance {row.instance.id} is {row.status}: no run to "
                f"{operation.value.lower()}"
            )
        service = RunService(self.session, self.scope)
        for run in wanted:  # an instance has one run per action of its version: a handful
            await service.command(str(run.id), command)
        await self.session.flush()
        return await self.show(ref)

    async def topology(self, ref: str) -> Topology:
        """The instance's runs, the playbook action each ran for, and their tasks."""
        row = await self.show(ref)
        runs = await self.runs_of(row)
        actions = await PlaybookActionRepository(self.session, self.scope.workspace_id).of_version(
            row.instance.version_id
        )
        by_workflow = {a.workflow_id: a for a in actions}
        tasks: dict[uuid.UUID, list[WorkflowRunTask]] = {}
        for task in await self.tasks_of(runs):
            tasks.setdefault(task.run_id, []).append(task)
        return Topology(
            row, [RunActions(r, by_workflow.get(r.workflow_id), tasks.get(r.id, [])) for r in runs]
        )

    async def tasks_of(self, runs: Sequence[WorkflowRun]) -> Sequence[WorkflowRunTask]:
        """The task records of `runs`, in the order they ran (one statement); not a debug
        run's, which are no part of what the playbook did."""
        if not runs:
            return []
        statement = (
            self.tasks.select()
            .where(self.tasks.among(WorkflowRunTask.run_id, [r.id for r in runs]))
            .where(WorkflowRunTask.debug.is_(False))
            .order_by(WorkflowRunTask.started_at, WorkflowRunTask.id)
        )
        return (await self.session.scalars(statement)).all()


@dataclass(frozen=True, slots=True)
class AuditLogFilter:
    """Each given field narrows the logs: a playbook instance, a run of one, a task (its BPMN
    element id, type, name contains), the task's status, `ERROR` (failed tasks) or `INFO`,
    the trigger, started at or after `since`, ended at or before `until`."""

    instance_id: str | None = None
    run_id: str | None = None
    element_id: str | None = None
    element_type: str | None = None
    element_name: str | None = None
    status: str | None = None
    log_level: str | None = None
    trigger_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def audit_criteria(where: AuditLogFilter) -> list[Any] | None:
    """The SQL of `where`; None when it can match nothing (an id that is no id). A debug run's
    records are no part of what a playbook did."""
    criteria: list[Any] = [WorkflowRunTask.debug.is_(False)]
    for column, ref in (
        (WorkflowRun.playbook_instance_id, where.instance_id),
        (WorkflowRunTask.run_id, where.run_id),
    ):
        if ref:
            try:
                criteria.append(column == uuid.UUID(ref))
            except ValueError:
                return None
    texts: list[tuple[Any, str | None]] = [
        (WorkflowRunTask.element_id, where.element_id),
        (WorkflowRunTask.element_type, where.element_type),
        (WorkflowRunTask.status, where.status),
        (WorkflowRun.trigger_type, where.trigger_type),
    ]
    for column, text in texts:
        if text:
            criteria.append(column == text)
    if where.element_name:
        criteria.append(WorkflowRunTask.element_name.contains(where.element_name, autoescape=True))
    if where.log_level:
        failed = WorkflowRunTask.status == TaskRecordStatus.FAILED.value
        criteria.append(failed if where.log_level == "ERROR" else ~failed)
    if where.since is not None:
        criteria.append(WorkflowRunTask.started_at >= where.since)
    if where.until is not None:
        criteria.append(WorkflowRunTask.ended_at <= where.until)
    return criteria


class PlaybookInstanceFigures:
    """A playbook's monitor and the instances' audit logs: reads only."""

    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.instances = PlaybookInstanceRepository(session, scope.workspace_id)
        self.logs = AuditLogRepository(session, scope.workspace_id)

    async def monitor(
        self,
        playbook_id: uuid.UUID,
        since: datetime | None,
        until: datetime | None,
        versions: str | None,
    ) -> tuple[dict[str, Any], list[InstanceRow]]:
        """Counts of the playbook's instances created between `since` and `until`, of its
        VALID (still existing) or DELETED versions or ALL; the quickest and slowest."""
        criteria: list[Any] = []
        if since is not None:
            criteria.append(PlaybookInstance.created_at >= since)
        if until is not None:
            criteria.append(PlaybookInstance.created_at <= until)
        if versions in ("VALID", "DELETED"):
            criteria.append(self.instances.version_kept(versions == "VALID"))
        return await self.instances.monitor(playbook_id, criteria)

    async def audit_logs(
        self, where: AuditLogFilter, by_end: bool, ascending: bool, offset: int, limit: int
    ) -> tuple[list[AuditLogRow], int]:
        """The task records of playbook instances' runs that `where` picks, a page of them."""
        criteria = audit_criteria(where)
        if criteria is None:
            return [], 0
        return await self.logs.offset_page(criteria, by_end, ascending, offset, limit)


__all__ = [
    "AuditLogFilter",
    "Firing",
    "InstanceFilter",
    "PlaybookInstanceFigures",
    "PlaybookInstanceService",
    "record_firings",
]
