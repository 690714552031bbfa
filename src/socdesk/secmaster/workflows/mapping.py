"""Workflows and versions as the SDK's AopWorkflowInfo and AopWorkflowVersionInfo show them."""

from __future__ import annotations

from socdesk.automation.bpmn import secmaster_taskflow
from socdesk.automation.repository import VersionSummary
from socdesk.kit.clock import format_time
from socdesk.kit.ids import hex_id
from socdesk.models import Workflow, WorkflowVersion
from socdesk.secmaster.workflows.schemas import VersionOut, WorkflowOut
from socdesk.workspaces.scope import WorkspaceScope


def _text(value: object) -> str:
    return "" if value is None else str(value)


def workflow_out(
    row: Workflow, scope: WorkspaceScope, summary: VersionSummary | None = None
) -> WorkflowOut:
    summary = summary or VersionSummary()
    return WorkflowOut(
        id=str(row.id),
        name=row.name,
        description=row.description,
        project_id=hex_id(scope.project.id),
        owner_id=_text(row.creator_id),
        creator_id=_text(row.creator_id),
        creator_name=row.creator_name,
        create_time=format_time(row.created_at),
        modifier_id=_text(row.modifier_id),
        modifier_name=row.modifier_name,
        update_time=format_time(row.updated_at),
        edit_role="",
        use_role="",
        approve_role="",
        enabled=row.enabled,
        workspace_id=str(row.workspace_id),
        version_id=_text(row.version_id),
        current_approval_version_id=summary.pending_approval_id,
        current_rejected_version_id=summary.rejected_id,
        aop_type=row.aop_type,
        engine_type=row.engine_type,
        dataclass_id=str(row.dataclass_id),
        dataclass_name=row.dataclass_name,
        labels=row.labels,
        version=summary.active_label,
    )


def version_out(row: WorkflowVersion, workflow: Workflow, scope: WorkspaceScope) -> VersionOut:
    """A version; its taskflow in SecMaster's form (base64 of the xml-js JSON rendering)."""
    return VersionOut(
        id=str(row.id),
        version_id=str(row.id),
        name=row.name,
        aopworkflow_id=str(row.workflow_id),
        description=row.description,
        project_id=hex_id(scope.project.id),
        owner_id=_text(row.creator_id),
        creator_id=_text(row.creator_id),
        creator_name=row.creator_name,
        create_time=format_time(row.created_at),
        modifier_id=_text(row.modifier_id),
        modifier_name=row.modifier_name,
        update_time=format_time(row.updated_at),
        enabled=row.status == "activated" and workflow.enabled,
        status=row.status,
        version=f"V{row.number}",
        taskconfig=row.taskconfig,
        taskflow=secmaster_taskflow(row.taskflow),
        taskflow_type=row.taskflow_type,
        aop_type=row.aop_type,
        input=row.input,
        output=row.output,
        dataclass_id=str(workflow.dataclass_id),
        dataclass_name=workflow.dataclass_name,
        workspace_id=str(row.workspace_id),
    )
