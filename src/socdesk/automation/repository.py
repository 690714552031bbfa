"""Queries on a workspace's workflows, their versions and its automation settings."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import func

from socdesk.kit.repository import WorkspaceScoped
from socdesk.models import AutomationSetting, Workflow, WorkflowVersion


class WorkflowSort(StrEnum):
    """What a workflow list is sorted by (SecMaster's `sortby`)."""

    create_time = "create_time"
    update_time = "update_time"
    name = "name"


class SortOrder(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


_SORT_COLUMNS: dict[WorkflowSort, Any] = {
    WorkflowSort.create_time: Workflow.created_at,
    WorkflowSort.update_time: Workflow.updated_at,
    WorkflowSort.name: Workflow.name,
}


@dataclass(frozen=True, slots=True)
class WorkflowFilter:
    """The SDK's list filters; text ones match a part, without case."""

    enabled: bool | None = None
    name: str | None = None
    description: str | None = None
    dataclass_id: uuid.UUID | None = None
    dataclass_name: str | None = None
    aop_type: str | None = None


def contains(column: Any, part: str) -> Any:
    """`column` has `part` somewhere, without case (LIKE wildcards in `part` are literal)."""
    escaped = part.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


class WorkflowRepository(WorkspaceScoped[Workflow]):
    model = Workflow

    async def named(self, name: str) -> Workflow | None:
        found: Workflow | None = await self.session.scalar(
            self.select().where(Workflow.name == name)
        )
        return found

    async def listing(
        self,
        where: WorkflowFilter,
        sort: WorkflowSort,
        order: SortOrder,
        offset: int,
        limit: int,
    ) -> tuple[Sequence[Workflow], int]:
        """A page of the workflows `where` chooses, and how many it chooses."""
        statement = self.select()
        if where.enabled is not None:
            statement = statement.where(Workflow.enabled == where.enabled)
        if where.name:
            statement = statement.where(contains(Workflow.name, where.name))
        if where.description:
            statement = statement.where(contains(Workflow.description, where.description))
        if where.dataclass_id is not None:
            statement = statement.where(Workflow.dataclass_id == where.dataclass_id)
        if where.dataclass_name:
            statement = statement.where(contains(Workflow.dataclass_name, where.dataclass_name))
        if where.aop_type:
            statement = statement.where(Workflow.aop_type == where.aop_type)
        total = await self.session.scalar(statement.with_only_columns(func.count()).order_by(None))
        column = _SORT_COLUMNS[sort]
        ordering = (column.asc(), Workflow.id.asc())
        if order is SortOrder.DESC:
            ordering = (column.desc(), Workflow.id.desc())
        rows = await self.session.scalars(statement.order_by(*ordering).offset(offset).limit(limit))
        return rows.all(), total or 0

    async def of_ids(self, ids: Sequence[uuid.UUID]) -> list[Workflow]:
        rows: list[Workflow] = await self.scalars_in_chunks(self.select(), Workflow.id, ids)
        return rows

    async def of_names(self, names: Sequence[str]) -> list[Workflow]:
        rows: list[Workflow] = await self.scalars_in_chunks(self.select(), Workflow.name, names)
        return rows


class WorkflowVersionRepository(WorkspaceScoped[WorkflowVersion]):
    model = WorkflowVersion

    async def of_workflow(
        self, workflow_id: uuid.UUID, status: str | None = None
    ) -> Sequence[WorkflowVersion]:
        """A workflow's versions (one status only, if given), oldest first."""
        statement = self.select().where(WorkflowVersion.workflow_id == workflow_id)
        if status is not None:
            statement = statement.where(WorkflowVersion.status == status)
        rows = await self.session.scalars(statement.order_by(WorkflowVersion.number))
        return rows.all()

    async def of_workflows(self, ids: Sequence[uuid.UUID]) -> list[WorkflowVersion]:
        """The versions of the workflows `ids`, per workflow oldest first."""
        statement = self.select().order_by(WorkflowVersion.workflow_id, WorkflowVersion.number)
        rows: list[WorkflowVersion] = await self.scalars_in_chunks(
            statement, WorkflowVersion.workflow_id, ids
        )
        return sorted(rows, key=lambda v: (str(v.workflow_id), v.number))

    async def next_number(self, workflow_id: uuid.UUID) -> int:
        last = await self.session.scalar(
            self.select(func.max(WorkflowVersion.number)).where(
                WorkflowVersion.workflow_id == workflow_id
            )
        )
        return 1 if last is None else last + 1

    async def set_status_of_workflow(
        self, workflow_id: uuid.UUID, old: str, new: str, keep: uuid.UUID
    ) -> None:
        """Move the workflow's versions in status `old` to `new`, but version `keep`."""
        await self.session.execute(
            self.update()
            .where(
                WorkflowVersion.workflow_id == workflow_id,
                WorkflowVersion.status == old,
                WorkflowVersion.id != keep,
            )
            .values(status=new)
        )


class AutomationSettingRepository(WorkspaceScoped[AutomationSetting]):
    model = AutomationSetting

    async def current(self) -> AutomationSetting | None:
        found: AutomationSetting | None = await self.session.scalar(self.select())
        return found


@dataclass(frozen=True, slots=True)
class VersionSummary:
    """What a workflow's listing shows of its versions: the active one's label, the one under
    review and the latest rejected one."""

    active_label: str = ""
    pending_approval_id: str = ""
    rejected_id: str = ""


async def version_summaries(
    versions: WorkflowVersionRepository, workflows: Sequence[Workflow]
) -> dict[uuid.UUID, VersionSummary]:
    """Each workflow's summary, from one query (per chunk) over their versions."""
    statement = versions.select(
        WorkflowVersion.id,
        WorkflowVersion.workflow_id,
        WorkflowVersion.number,
        WorkflowVersion.status,
    ).order_by(WorkflowVersion.number)
    rows = await versions.in_chunks(
        statement, WorkflowVersion.workflow_id, [w.id for w in workflows]
    )
    active = {w.id: w.version_id for w in workflows}
    found: dict[uuid.UUID, dict[str, str]] = {w.id: {} for w in workflows}
    for version_id, workflow_id, number, status in sorted(rows, key=lambda r: r[2]):
        summary = found[workflow_id]
        if version_id == active.get(workflow_id):
            summary["active_label"] = f"V{number}"
        if status == "pending_approval":
            summary["pending_approval_id"] = str(version_id)
        elif status == "rejected":
            summary["rejected_id"] = str(version_id)
    return {key: VersionSummary(**value) for key, value in found.items()}
