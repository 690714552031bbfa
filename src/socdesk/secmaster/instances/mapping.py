"""Runs → the SDK's AopworkflowInstanceDetail."""

from __future__ import annotations

from collections.abc import Sequence

from socdesk.automation.runs.service import ShownRun
from socdesk.kit.clock import format_time
from socdesk.models import RunStatus, WorkflowRunTask
from socdesk.models.workflow_run import TaskRecordStatus
from socdesk.secmaster.instances.schemas import (
    RefOut,
    RunOut,
    RunWorkflowOut,
    Topology,
    TopologyNode,
)


def _node(row: WorkflowRunTask) -> TopologyNode:
    return TopologyNode(
        instance_type=row.element_type,
        action_id=row.element_id,
        action_name=row.element_name,
        start_time=format_time(row.started_at),
        end_time=format_time(row.ended_at) if row.ended_at else "",
        error_msg=row.error,
        input=row.input,
        output=row.output,
        parent_instance_id=str(row.run_id),
        status=row.status,
        succeed=row.status == TaskRecordStatus.FINISHED.value,
        debug=row.debug,
    )


def run_out(shown: ShownRun, tasks: Sequence[WorkflowRunTask] | None = None) -> RunOut:
    run, workflow = shown.run, shown.workflow
    name = workflow.name if workflow else ""
    return RunOut(
        id=str(run.id),
        name=run.name,
        workflow=RunWorkflowOut(
            id=str(run.workflow_id),
            name=name,
            name_en=name,
            version=f"V{shown.version_number}" if shown.version_number else "",
            version_id=str(run.version_id),
        ),
        dataclass=RefOut(
            en_name=run.dataclass_name, id=str(run.dataclass_id), name=run.dataclass_name
        ),
        playbook=RefOut(
            en_name=shown.playbook.name, id=str(shown.playbook.id), name=shown.playbook.name
        )
        if shown.playbook
        else None,
        trigger_type=run.trigger_type,
        # A run taken again after a retry is RUNNING; RETRYING until a runner has it.
        status=run.status if run.status in set(RunStatus) else RunStatus.FAILED.value,
        start_time=format_time(run.started_at),
        end_time=format_time(run.ended_at) if run.ended_at else None,
        retry_count=run.retry_count,
        dataobject_id=str(run.dataobject_id) if run.dataobject_id else None,
        error=run.error,
        steps=run.steps,
        topology=Topology(audit_logs=[_node(t) for t in tasks]) if tasks is not None else None,
    )
