"""Bodies of the playbook instance routes, field for field as the SDK's models
(PlaybookInstanceInfo, OperationPlaybookInfo, ActionInstanceInfo, AuditLogInfo)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from socdesk.automation.playbooks.instances import InstanceOperation
from socdesk.kit.schemas import RequestBody, ResponseBody

Short = Annotated[str, StringConstraints(max_length=64)]
Long = Annotated[str, StringConstraints(max_length=1024 * 1024)]


class PlaybookRefOut(ResponseBody):
    id: str
    version_id: str
    name: str
    version: str


class DataclassRefOut(ResponseBody):
    id: str
    name: str


class DataobjectRefOut(ResponseBody):
    id: str
    name: str = Field(description="The object's id: the one name every class shares.")


class InstanceOut(ResponseBody):
    id: str
    name: str
    project_id: str
    playbook: PlaybookRefOut
    dataclass: DataclassRefOut
    dataobject: DataobjectRefOut | None = Field(
        default=None, description="None for a TIMER instance (it ran on no object)."
    )
    status: str = Field(description="Derived from its runs (docs/playbooks.md, Instances).")
    trigger_type: str
    start_time: str
    end_time: str | None = None


class InstanceList(ResponseBody):
    count: int
    instances: list[InstanceOut]


class OperationBody(RequestBody):
    operation: InstanceOperation = Field(
        description="RETRY its failed and terminated runs; TERMINATE its live ones."
    )


class ActionOut(ResponseBody):
    id: str
    name: str
    description: str
    action_type: str
    action_id: str = Field(description="The workflow the action runs.")
    playbook_id: str
    playbook_version_id: str
    project_id: str


class AuditLogOut(ResponseBody):
    instance_type: str
    action_id: str
    action_name: str
    instance_id: str
    parent_instance_id: str
    log_level: str
    input: str
    output: str
    error_msg: str
    start_time: str
    end_time: str | None = None
    status: str
    trigger_type: str


class ActionInstanceOut(ResponseBody):
    action: ActionOut
    instance_log: AuditLogOut


class TopologyOut(ResponseBody):
    count: int
    action_instances: list[ActionInstanceOut]


class AuditLogQuery(RequestBody):
    """What the logs must be (each field given narrows them)."""

    instance_type: Short | None = Field(default=None, description="The task's BPMN type.")
    action_id: Annotated[str, StringConstraints(max_length=255)] | None = Field(
        default=None, description="The task's BPMN element id."
    )
    action_name: Annotated[str, StringConstraints(max_length=255)] | None = Field(
        default=None, description="Contained in the task's name."
    )
    instance_id: Short | None = Field(default=None, description="The playbook instance.")
    parent_instance_id: Short | None = Field(
        default=None, description="The run (workflow instance) of the task."
    )
    log_level: Literal["INFO", "ERROR"] | None = Field(
        default=None, description="ERROR: failed tasks; INFO: the others."
    )
    input: Long | None = Field(default=None, description="Ignored (not a filter).")
    output: Long | None = Field(default=None, description="Ignored (not a filter).")
    error_msg: Long | None = Field(default=None, description="Ignored (not a filter).")
    start_time: Short | None = Field(default=None, description="Started at or after.")
    end_time: Short | None = Field(default=None, description="Ended at or before.")
    status: Literal["RUNNING", "FINISHED", "FAILED"] | None = None
    trigger_type: Literal["EVENT", "TIMER"] | None = None


class AuditLogList(ResponseBody):
    count: int
    audit_logs: list[AuditLogOut]
