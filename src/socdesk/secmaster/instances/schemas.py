"""Bodies of the instance routes, field for field as the SDK's models (AopInstanceEventData,
AopworkflowInstanceDetail, AopInstanceUpdateDataPojo, TopologyNodeInfo)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints

from socdesk.automation.runs.service import RunCommand
from socdesk.kit.schemas import RequestBody, ResponseBody
from socdesk.secmaster.workflows.schemas import Envelope

Short = Annotated[str, StringConstraints(max_length=64)]


class DataClassRefIn(RequestBody):
    model_config = ConfigDict(extra="allow")
    id: Short | None = None
    name: Short | None = None


class DataObjectRefIn(RequestBody):
    content: dict[str, Any] | None = Field(
        default=None, description="The data object; its `id` names the object the run is for."
    )
    dataclass: DataClassRefIn | None = None


class PlaybookContextIn(RequestBody):
    data_object: DataObjectRefIn | None = None


class RunCreate(RequestBody):
    command_type: Literal["ActionInstanceRunCommand"] = "ActionInstanceRunCommand"
    action_type: Literal["workflow"] = "workflow"
    action_id: Short | None = Field(default=None, description="The workflow (the path's).")
    action_instance_id: Short | None = None
    playbook_context: PlaybookContextIn | None = None


class PlaybookContextOut(ResponseBody):
    data_object: dict[str, Any] | None = None


class RunStarted(ResponseBody):
    command_type: str = "ActionInstanceRunCommand"
    action_type: str = "workflow"
    action_id: str
    action_instance_id: str
    playbook_context: PlaybookContextOut | None = None


class RunCommandBody(RequestBody):
    command_type: RunCommand
    task_id: Short | None = Field(
        default=None, description="ActionInstanceDebugCommand (required): the node to debug."
    )
    input_dataobject: Annotated[str, StringConstraints(max_length=1024 * 1024)] | None = Field(
        default=None,
        description="ActionInstanceDebugCommand (required): the node's parameters, a JSON"
        " object taken over those its BPMN gives ({} for none).",
    )


class RunWorkflowOut(ResponseBody):
    id: str
    name: str
    name_en: str
    version: str
    version_id: str


class RefOut(ResponseBody):
    en_name: str
    id: str
    name: str


class TopologyNode(ResponseBody):
    instance_type: str
    action_id: str
    action_name: str
    start_time: str
    end_time: str
    error_msg: str
    input: str
    output: str
    parent_instance_id: str
    status: str
    succeed: bool
    debug: bool = Field(
        default=False,
        description="A task of a debug run: its effect was rolled back (SOCdesk extension).",
    )


class Topology(ResponseBody):
    audit_logs: list[TopologyNode]


class RunOut(ResponseBody):
    id: str
    name: str
    workflow: RunWorkflowOut
    dataclass: RefOut
    playbook: RefOut | None = None
    trigger_type: str
    status: str
    start_time: str
    end_time: str | None = None
    retry_count: int
    defense_id: str = ""
    dataobject_id: str | None = None
    error: str = Field(default="", description="Why the run failed (SOCdesk extension).")
    steps: int = Field(default=0, description="Tasks run so far (SOCdesk extension).")
    topology: Topology | None = None


class RunList(ResponseBody):
    count: int
    instances: list[RunOut]


class CommandAnswer(Envelope):
    pass
