"""Bodies of the playbook routes, field for field as the SDK's models (PlaybookInfo,
PlaybookVersionInfo, ActionInfo, RuleInfo, ...)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from socdesk.automation.playbooks.rules import RuleValue
from socdesk.automation.playbooks.statuses import ApprovalResult
from socdesk.kit.schemas import NotBlank, RequestBody, ResponseBody
from socdesk.models import PlaybookStatus, PlaybookTrigger

Name = Annotated[str, StringConstraints(min_length=1, max_length=64), NotBlank]
Description = Annotated[str, StringConstraints(max_length=1024)]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=64)]
ActionType = Literal["AOP_WORKFLOW"]
ActionStrategy = Literal["ASYNC"]
MAX_ACTIONS = 50


class Envelope(ResponseBody):
    code: str = "00000000"
    message: str = ""


class PlaybookCreate(RequestBody):
    name: Name
    description: Description = ""
    workspace_id: Ref | None = Field(default=None, description="The path's workspace, if sent.")


class PlaybookUpdate(RequestBody):
    name: Name | None = None
    description: Description | None = None
    enabled: bool | None = Field(
        default=None, description="Enabling needs a PUBLISHED version (`active_version_id`)."
    )
    active_version_id: Ref | None = Field(
        default=None, description="The PUBLISHED version the playbook runs."
    )


class PlaybookOut(ResponseBody):
    id: str
    name: str
    description: str
    create_time: str
    update_time: str
    project_id: str
    version_id: str
    enabled: bool
    workspace_id: str
    approve_role: str
    user_role: str
    edit_role: str
    owner_id: str
    version: str
    dataclass_name: str
    dataclass_id: str
    unaudited_version_id: str
    reject_version_id: str


class PlaybookEnvelope(Envelope):
    data: PlaybookOut


class PlaybookList(Envelope):
    total: int
    size: int
    page: int
    data: list[PlaybookOut]


SortOrder = Annotated[
    int | Annotated[str, StringConstraints(pattern=r"^\s*\d{1,9}\s*$")],
    Field(description="Where the workflow runs among the version's (ascending)."),
]


class ActionCreate(RequestBody):
    name: Name
    description: Description = ""
    action_type: ActionType = "AOP_WORKFLOW"
    action_id: Ref = Field(description="The workflow's id (of this workspace and data class).")
    sort_order: SortOrder = 0

    @field_validator("sort_order")
    @classmethod
    def whole(cls, value: int | str) -> int | str:
        if isinstance(value, int) and not 0 <= value <= 10**9:
            raise ValueError("must be between 0 and 1000000000")
        return value


class ActionUpdate(RequestBody):
    name: Name | None = None
    description: Description | None = None
    action_type: ActionType | None = None
    action_id: Ref | None = None
    sort_order: SortOrder | None = None

    @field_validator("sort_order")
    @classmethod
    def whole(cls, value: int | str | None) -> int | str | None:
        if isinstance(value, int) and not 0 <= value <= 10**9:
            raise ValueError("must be between 0 and 1000000000")
        return value


class ActionOut(ResponseBody):
    id: str
    name: str
    description: str
    action_type: str
    action_id: str
    playbook_id: str
    playbook_version_id: str
    project_id: str
    sort_order: str


class ActionsEnvelope(Envelope):
    data: list[ActionOut]


class ActionEnvelope(Envelope):
    data: ActionOut


class ActionList(Envelope):
    total: int
    size: int
    page: int
    data: list[ActionOut]


class RuleBody(RequestBody):
    rule: RuleValue = Field(description="SecMaster's ConditionInfo, as an object or JSON text.")


class RuleOut(ResponseBody):
    id: str
    project_id: str
    rule: str = Field(description="The rule's ConditionInfo as JSON text.")


class RuleEnvelope(Envelope):
    data: RuleOut


class VersionCreate(RequestBody):
    description: Description = ""
    workspace_id: Ref | None = Field(default=None, description="The path's workspace, if sent.")
    playbook_id: Ref | None = Field(default=None, description="The path's playbook, if sent.")
    actions: list[ActionCreate] = Field(default_factory=list, max_length=MAX_ACTIONS)
    dataclass_id: Ref = Field(description="The data class's id or name (`Incident`).")
    rule_enable: bool = False
    rule_id: Ref | None = Field(default=None, description="Ignored: a rule is the version's own.")
    trigger_type: PlaybookTrigger = PlaybookTrigger.EVENT
    dataobject_create: bool = False
    dataobject_update: bool = False
    dataobject_delete: bool = False
    action_strategy: ActionStrategy = "ASYNC"
    rule: RuleBody | None = None


class VersionUpdate(RequestBody):
    description: Description | None = None
    workspace_id: Ref | None = Field(default=None, description="The path's workspace, if sent.")
    playbook_id: Ref | None = Field(default=None, description="The version's playbook, if sent.")
    dataclass_id: Ref | None = None
    rule_enable: bool | None = None
    enabled: bool | None = Field(
        default=None, description="A PUBLISHED version: run it (true) or stop running it."
    )
    status: PlaybookStatus | None = Field(
        default=None, description="Move the version: docs/playbooks.md lists the moves."
    )
    rule_id: Ref | None = Field(default=None, description="Ignored: a rule is the version's own.")
    trigger_type: PlaybookTrigger | None = None
    dataobject_create: bool | None = None
    dataobject_update: bool | None = None
    dataobject_delete: bool | None = None
    action_strategy: ActionStrategy | None = None
    actions: list[ActionCreate] | None = Field(
        default=None, max_length=MAX_ACTIONS, description="Replaces the version's actions."
    )
    rule: RuleBody | None = Field(default=None, description="Replaces the version's rule.")


class VersionListItem(ResponseBody):
    id: str
    description: str
    create_time: str
    update_time: str
    project_id: str
    creator_id: str
    modifier_id: str
    playbook_id: str
    version: str
    enabled: bool
    status: str
    action_strategy: str
    rule_enable: bool
    dataclass_id: str
    trigger_type: str
    dataobject_create: bool
    dataobject_update: bool
    dataobject_delete: bool
    version_type: int = Field(description="1 a PUBLISHED version, 0 a draft.")
    rule_id: str
    dataclass_name: str
    approve_name: str


class VersionOut(VersionListItem):
    actions: list[ActionOut]
    rules: RuleOut


class VersionEnvelope(Envelope):
    data: VersionOut


class VersionList(Envelope):
    total: int
    size: int
    page: int
    data: list[VersionListItem]


class CloneBody(RequestBody):
    name: Name = Field(description="The name of the new playbook the copy makes.")


class ApprovalBody(RequestBody):
    result: ApprovalResult
    content: Description = ""


class ApprovalOut(ResponseBody):
    result: str
    content: str


class ApprovalEnvelope(Envelope):
    data: ApprovalOut


class ApprovalList(Envelope):
    data: list[ApprovalOut]


class RunStatistics(ResponseBody):
    playbook_instance_id: str = ""
    playbook_instance_name: str = ""
    playbook_instance_run_time: float = 0.0


class MonitorOut(ResponseBody):
    total_instance_run_num: int
    schedule_instance_run_num: int
    event_instance_run_num: int
    average_run_time: float
    min_run_time_instance: RunStatistics
    max_run_time_instance: RunStatistics
    total_instance_num: int
    success_instance_num: int
    fail_instance_num: int
    terminate_instance_num: int
    running_instance_num: int


class MonitorEnvelope(Envelope):
    data: MonitorOut


class StatisticsOut(ResponseBody):
    unapproved_num: int = Field(description="Versions awaiting approval.")
    disabled_num: int
    enabled_num: int


class StatisticsEnvelope(Envelope):
    data: StatisticsOut


class ExportBody(RequestBody):
    id: list[Ref] = Field(min_length=1, max_length=100, description="The playbooks' ids.")


class ImportEnvelope(Envelope):
    pass
