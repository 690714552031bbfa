"""Starting runs: `enqueue_runs` inside the caller's transaction, so a run (and, on PostgreSQL,
its procrastinate job) and the change that caused it commit (or roll back) together."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.automation.repository import WorkflowRepository
from socdesk.automation.runs.jobs import defer_runs
from socdesk.kit.clock import utcnow
from socdesk.kit.errors import ValidationFailed
from socdesk.models import RunStatus, TriggerType, Workflow, WorkflowRun


@dataclass(frozen=True, slots=True)
class RunRequest:
    """A run of a workflow's active version on one data object (or none)."""

    workspace_id: uuid.UUID
    workflow_id: uuid.UUID
    dataclass_name: str
    dataobject_id: uuid.UUID | None
    trigger_type: TriggerType
    playbook_instance_id: uuid.UUID | None = None


async def enqueue_runs(session: AsyncSession, requests: Sequence[RunRequest]) -> list[uuid.UUID]:
    """New runs, one per request, due now; their ids in request order. One read of the
    workflows per workspace and one INSERT: set-based whatever the batch. A workflow without
    an active version is a 400 naming it."""
    by_workspace: dict[uuid.UUID, set[uuid.UUID]] = {}
    for request in requests:
        by_workspace.setdefault(request.workspace_id, set()).add(request.workflow_id)
    workflows: dict[tuple[uuid.UUID, uuid.UUID], Workflow] = {}
    for workspace_id, ids in by_workspace.items():
        repository = WorkflowRepository(session, workspace_id)
        rows = await session.scalars(repository.select().where(Workflow.id.in_(list(ids))))
        workflows.update({(workspace_id, row.id): row for row in rows})
    now = utcnow()
    values: list[dict[str, object]] = []
    for request in requests:
        workflow = workflows.get((request.workspace_id, request.workflow_id))
        if workflow is None or workflow.version_id is None:
            raise ValidationFailed.for_field(
                "workflow_id",
                f"workflow {request.workflow_id} has no activated version to run",
                str(request.workflow_id),
            )
        values.append(
            {
                "id": uuid.uuid4(),
                "workspace_id": request.workspace_id,
                "workflow_id": workflow.id,
                "version_id": workflow.version_id,
                "name": f"{workflow.name[:64]}-{now:%Y%m%d%H%M%S}",
                "dataclass_id": workflow.dataclass_id,
                "dataclass_name": request.dataclass_name or workflow.dataclass_name,
                "dataobject_id": request.dataobject_id,
                "playbook_instance_id": request.playbook_instance_id,
                "trigger_type": request.trigger_type.value,
                "status": RunStatus.RUNNING.value,
                "state": "",
                "steps": 0,
                "retry_count": 0,
                "error": "",
                "started_at": now,
                "due_at": now,
                "lease_owner": "",
                "created_at": now,
                "updated_at": now,
            }
        )
    if values:
        await session.execute(insert(WorkflowRun), values)
        await defer_runs(session, [v["id"] for v in values])  # type: ignore[misc]
    return [v["id"] for v in values]  # type: ignore[misc]


__all__ = ["RunRequest", "enqueue_runs"]
