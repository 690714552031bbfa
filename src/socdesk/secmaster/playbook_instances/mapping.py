"""Playbook instances, their runs and tasks → the SDK's PlaybookInstanceInfo,
ActionInstanceInfo and AuditLogInfo."""

from __future__ import annotations

from socdesk.automation.playbooks.instance_repository import AuditLogRow, InstanceRow
from socdesk.automation.playbooks.instances import RunActions, Topology
from socdesk.kit.clock import format_time
from socdesk.kit.ids import hex_id
from socdesk.models import RunStatus, WorkflowRun, WorkflowRunTask
from socdesk.models.workflow_run import TaskRecordStatus
from socdesk.secmaster.playbook_instances.schemas import (
    ActionInstanceOut,
    ActionOut,
    AuditLogOut,
    DataclassRefOut,
    DataobjectRefOut,
    InstanceOut,
    PlaybookRefOut,
    TopologyOut,
)
from socdesk.workspaces.scope import WorkspaceScope


def instance_out(row: InstanceRow, scope: WorkspaceScope) -> InstanceOut:
    instance = row.instance
    object_id = str(instance.dataobject_id) if instance.dataobject_id else None
    return InstanceOut(
        id=str(instance.id),
        name=instance.name,
        project_id=hex_id(scope.project.id),
        playbook=PlaybookRefOut(
            id=str(instance.playbook_id),
            version_id=str(instance.version_id),
            name=instance.playbook_name,
            version=f"v{instance.version_number}",
        ),
        dataclass=DataclassRefOut(
            id=str(instance.dataclass_id) if instance.dataclass_id else "",
            name=instance.dataclass_name,
        ),
        dataobject=DataobjectRefOut(id=object_id, name=object_id) if object_id else None,
        status=row.status,
        trigger_type=instance.trigger_type,
        start_time=format_time(row.started_at or instance.created_at),
        end_time=format_time(row.ended_at) if row.ended_at else None,
    )


def task_log(task: WorkflowRunTask, instance_id: str, trigger_type: str) -> AuditLogOut:
    failed = task.status == TaskRecordStatus.FAILED.value
    return AuditLogOut(
        instance_type=task.element_type,
        action_id=task.element_id,
        action_name=task.element_name,
        instance_id=instance_id,
        parent_instance_id=str(task.run_id),
        log_level="ERROR" if failed else "INFO",
        input=task.input,
        output=task.output,
        error_msg=task.error,
        start_time=format_time(task.started_at),
        end_time=format_time(task.ended_at) if task.ended_at else None,
        status=task.status,
        trigger_type=trigger_type,
    )


def audit_log_out(row: AuditLogRow) -> AuditLogOut:
    return task_log(row.task, str(row.instance_id), row.trigger_type)


def _run_log(run: WorkflowRun, name: str) -> AuditLogOut:
    return AuditLogOut(
        instance_type="AOP_WORKFLOW",
        action_id=str(run.workflow_id),
        action_name=name,
        instance_id=str(run.id),
        parent_instance_id=str(run.playbook_instance_id),
        log_level="ERROR" if run.status == RunStatus.FAILED.value else "INFO",
        input="",
        output="",
        error_msg=run.error,
        start_time=format_time(run.started_at),
        end_time=format_time(run.ended_at) if run.ended_at else None,
        status=run.status,
        trigger_type=run.trigger_type,
    )


def _entries(
    part: RunActions, topology: Topology, scope: WorkspaceScope
) -> list[ActionInstanceOut]:
    instance = topology.instance.instance
    run, action = part.run, part.action
    shown = ActionOut(
        id=str(action.id) if action else "",
        name=action.name if action else run.name,
        description=action.description if action else "",
        action_type=action.action_type if action else "AOP_WORKFLOW",
        action_id=str(run.workflow_id),
        playbook_id=str(instance.playbook_id),
        playbook_version_id=str(instance.version_id),
        project_id=hex_id(scope.project.id),
    )
    entries = [ActionInstanceOut(action=shown, instance_log=_run_log(run, shown.name))]
    entries.extend(
        ActionInstanceOut(
            action=shown, instance_log=task_log(t, str(instance.id), run.trigger_type)
        )
        for t in part.tasks
    )
    return entries


def topology_out(topology: Topology, scope: WorkspaceScope) -> TopologyOut:
    """Per run: its own entry (instance_type AOP_WORKFLOW), then one per task it ran."""
    entries = [e for part in topology.runs for e in _entries(part, topology, scope)]
    return TopologyOut(count=len(entries), action_instances=entries)
