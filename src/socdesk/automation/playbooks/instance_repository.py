"""Queries on playbook instances. An instance's status and times are not stored: they are
derived, in SQL, from its runs (`instance_figures`), so a list filters and pages on them in one
statement whatever the runs do meanwhile.

The rule (docs/playbooks.md, "Instances"): any run RUNNING → RUNNING; else any TERMINATING →
TERMINATING; else any RETRYING → RETRYING; else any FAILED → FAILED; else any TERMINATED →
TERMINATED; else (every run finished) FINISHED. It starts when its first run started and ends
when its last run ended (no end while a run is live)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, func, insert, literal, select

from socdesk.kit.repository import WorkspaceScoped
from socdesk.models import (
    PlaybookInstance,
    PlaybookVersion,
    RunStatus,
    WorkflowRun,
    WorkflowRunTask,
)

# Highest first: the first status any run has is the instance's.
PRECEDENCE = (
    RunStatus.RUNNING,
    RunStatus.TERMINATING,
    RunStatus.RETRYING,
    RunStatus.FAILED,
    RunStatus.TERMINATED,
)


@dataclass(frozen=True, slots=True)
class InstanceRow:
    instance: PlaybookInstance
    status: str
    started_at: datetime | None
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class Span:
    """Instances started (`by_start`) or ended between `since` and `until`, when given."""

    by_start: bool
    since: datetime | None
    until: datetime | None


def _count(status: RunStatus) -> Any:
    return func.sum(case((WorkflowRun.status == status.value, 1), else_=0))


class PlaybookInstanceRepository(WorkspaceScoped[PlaybookInstance]):
    model = PlaybookInstance

    async def insert_many(self, values: Sequence[dict[str, Any]]) -> None:
        """One INSERT for every instance of a write (or a tick)."""
        if values:
            await self.session.execute(insert(PlaybookInstance), list(values))

    def figures(self, among: Sequence[uuid.UUID] | None = None) -> Any:
        """Per instance of this workspace that has runs (of those `among`, when given, read
        through ix_workflow_runs_playbook_instance): its derived status, start and end."""
        live = func.sum(case((WorkflowRun.ended_at.is_(None), 1), else_=0))
        status = case(
            *((_count(s) > 0, literal(s.value)) for s in PRECEDENCE),
            else_=literal(RunStatus.FINISHED.value),
        )
        return (
            select(
                WorkflowRun.playbook_instance_id.label("instance_id"),
                status.label("status"),
                func.min(WorkflowRun.started_at).label("started_at"),
                case((live == 0, func.max(WorkflowRun.ended_at)), else_=None).label("ended_at"),
            )
            .where(
                self.owned(WorkflowRun),
                WorkflowRun.playbook_instance_id.is_not(None)
                if among is None
                else self.among(WorkflowRun.playbook_instance_id, among),
            )
            .group_by(WorkflowRun.playbook_instance_id)
            .subquery("figures")
        )

    def with_figures(self, among: Sequence[uuid.UUID] | None = None) -> tuple[Select[Any], Any]:
        figures = self.figures(among)
        status = func.coalesce(figures.c.status, RunStatus.FINISHED.value).label("status")
        statement = self.select(
            PlaybookInstance,
            status,
            figures.c.started_at.label("started_at"),
            figures.c.ended_at.label("ended_at"),
        ).outerjoin(figures, figures.c.instance_id == PlaybookInstance.id)
        return statement, figures

    @staticmethod
    def _rows(result: Any) -> list[InstanceRow]:
        return [InstanceRow(r[0], r[1], r[2], r[3]) for r in result]

    async def shown(self, instance_id: uuid.UUID) -> InstanceRow | None:
        statement, _ = self.with_figures([instance_id])
        rows = self._rows(
            await self.session.execute(statement.where(PlaybookInstance.id == instance_id))
        )
        return rows[0] if rows else None

    async def offset_page(
        self,
        criteria: Sequence[Any],
        status: str | None,
        span: Span,
        offset: int,
        limit: int,
    ) -> tuple[list[InstanceRow], int]:
        """A page, newest first, of the instances where `criteria` hold, of derived `status`
        (when given) and started (or ended) within `span`; and how many there are. Without a
        filter on what the runs say, the page is read by index first and only its instances'
        runs are read."""
        if status is None and span.since is None and span.until is None:
            return await self._indexed_page(criteria, offset, limit)
        statement, figures = self.with_figures()
        where = list(criteria)
        if status is not None:
            where.append(func.coalesce(figures.c.status, RunStatus.FINISHED.value) == status)
        moment = figures.c.started_at if span.by_start else figures.c.ended_at
        if span.since is not None:
            where.append(moment >= span.since)
        if span.until is not None:
            where.append(moment <= span.until)
        statement = statement.where(*where)
        total = int(
            await self.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
        )
        ordered = statement.order_by(PlaybookInstance.created_at.desc(), PlaybookInstance.id.desc())
        rows = self._rows(await self.session.execute(ordered.offset(offset).limit(limit)))
        return rows, total

    async def _indexed_page(
        self, criteria: Sequence[Any], offset: int, limit: int
    ) -> tuple[list[InstanceRow], int]:
        total = int(
            await self.session.scalar(
                self.select(func.count()).select_from(PlaybookInstance).where(*criteria)
            )
            or 0
        )
        newest = (PlaybookInstance.created_at.desc(), PlaybookInstance.id.desc())
        ids = list(
            await self.session.scalars(
                self.select(PlaybookInstance.id)
                .where(*criteria)
                .order_by(*newest)
                .offset(offset)
                .limit(limit)
            )
        )
        if not ids:
            return [], total
        statement, _ = self.with_figures(ids)
        picked = statement.where(self.among(PlaybookInstance.id, ids)).order_by(*newest)
        return self._rows(await self.session.execute(picked)), total

    def version_kept(self, kept: bool) -> Any:
        """The instance's version still exists (`kept`), or was deleted."""
        exists = (
            select(PlaybookVersion.id)
            .where(self.owned(PlaybookVersion), PlaybookVersion.id == PlaybookInstance.version_id)
            .exists()
        )
        return exists if kept else ~exists

    async def monitor(
        self, playbook_id: uuid.UUID, criteria: Sequence[Any]
    ) -> tuple[dict[str, Any], list[InstanceRow]]:
        """A playbook's instance counts by trigger and status, the mean run time in seconds of
        its ended instances (one statement), and its quickest and slowest ended instance (one
        statement each)."""
        statement, figures = self.with_figures()
        mine = statement.where(PlaybookInstance.playbook_id == playbook_id, *criteria)
        base = mine.subquery()
        status = base.c.status

        def count(condition: Any) -> Any:
            return func.sum(case((condition, 1), else_=0))

        counts = (
            await self.session.execute(
                select(
                    func.count(),
                    count(base.c.trigger_type == "TIMER"),
                    count(base.c.trigger_type == "EVENT"),
                    func.avg(_seconds(self.is_postgres, base.c.ended_at, base.c.started_at)),
                    count(status == RunStatus.FINISHED.value),
                    count(status == RunStatus.FAILED.value),
                    count(status == RunStatus.TERMINATED.value),
                    count(status.in_([s.value for s in PRECEDENCE[:3]])),
                ).select_from(base)
            )
        ).one()
        names = ("total", "timer", "event", "average", "finished", "failed", "terminated", "live")
        found = {n: (v or 0) for n, v in zip(names, counts, strict=True)}
        ended = mine.where(figures.c.ended_at.is_not(None))
        span = _seconds(self.is_postgres, figures.c.ended_at, figures.c.started_at)
        extremes: list[InstanceRow] = []
        for order in (span.asc(), span.desc()):
            picked = ended.order_by(order, PlaybookInstance.id).limit(1)
            extremes.extend(self._rows(await self.session.execute(picked)))
        return found, extremes


@dataclass(frozen=True, slots=True)
class AuditLogRow:
    task: WorkflowRunTask
    instance_id: uuid.UUID
    trigger_type: str


class AuditLogRepository(WorkspaceScoped[WorkflowRunTask]):
    """The task records of playbook instances' runs, with their instance and trigger."""

    model = WorkflowRunTask

    async def offset_page(
        self, criteria: Sequence[Any], by_end: bool, ascending: bool, offset: int, limit: int
    ) -> tuple[list[AuditLogRow], int]:
        statement = (
            self.select(WorkflowRunTask, WorkflowRun.playbook_instance_id, WorkflowRun.trigger_type)
            .join(
                WorkflowRun,
                and_(self.owned(WorkflowRun), WorkflowRun.id == WorkflowRunTask.run_id),
            )
            .where(WorkflowRun.playbook_instance_id.is_not(None), *criteria)
        )
        total = int(
            await self.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
        )
        column = WorkflowRunTask.ended_at if by_end else WorkflowRunTask.started_at
        order = (
            (column.asc(), WorkflowRunTask.id.asc())
            if ascending
            else (column.desc(), WorkflowRunTask.id.desc())
        )
        result = await self.session.execute(statement.order_by(*order).offset(offset).limit(limit))
        return [AuditLogRow(r[0], r[1], r[2]) for r in result], total


def _seconds(postgres: bool, end: Any, start: Any) -> Any:
    if postgres:
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0
