"""Bodies of the workflow routes, field for field as the SDK's models (AopWorkflowInfo,
AopWorkflowVersionInfo, ...)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from socdesk.automation.checks import CheckMode
from socdesk.automation.versions import ApprovalResult
from socdesk.kit.logs import current_request_id
from socdesk.kit.schemas import NotBlank, RequestBody, ResponseBody
from socdesk.models import EMPTY_TASKCONFIG, AopType, EngineType, VersionStatus

Name = Annotated[str, StringConstraints(min_length=1, max_length=64), NotBlank]
Description = Annotated[str, StringConstraints(max_length=1024)]
Labels = Annotated[str, StringConstraints(max_length=1024)]
# A taskflow is checked by size where it is read (automation/bpmn.py MAX_TASKFLOW_CHARS).
Taskflow = Annotated[str, StringConstraints(min_length=1, max_length=6 * 1024 * 1024)]
Taskconfig = Annotated[str, StringConstraints(max_length=1024 * 1024)]
FreeText = Annotated[str, StringConstraints(max_length=64 * 1024)]
TaskflowType = Annotated[str, StringConstraints(min_length=1, max_length=16)]
Uuid = Annotated[str, StringConstraints(min_length=1, max_length=64)]


def _request_id() -> str:
    return current_request_id.get() or ""


class Envelope(ResponseBody):
    code: str = "00000000"
    message: str = ""
    success: bool = True
    request_id: str = Field(default_factory=_request_id)


class WorkflowCreate(RequestBody):
    name: Name
    description: Description = ""
    engine_type: EngineType = EngineType.public_engine
    aop_type: AopType = AopType.NORMAL
    dataclass_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] = Field(
        description="The data class's id or name (`Incident`)."
    )
    labels: Labels = ""


class WorkflowUpdate(RequestBody):
    name: Name | None = None
    description: Description | None = None
    enabled: bool | None = Field(
        default=None, description="Enabling needs an activated version (`version_id`)."
    )
    version_id: Uuid | None = Field(
        default=None, description="The activated version the workflow runs."
    )
    labels: Labels | None = None


class WorkflowOut(ResponseBody):
    id: str
    name: str
    description: str
    project_id: str
    owner_id: str
    creator_id: str
    creator_name: str
    create_time: str
    modifier_id: str
    modifier_name: str
    update_time: str
    edit_role: str
    use_role: str
    approve_role: str
    enabled: bool
    workspace_id: str
    version_id: str
    current_approval_version_id: str
    current_rejected_version_id: str
    aop_type: str
    engine_type: str
    dataclass_id: str
    dataclass_name: str
    labels: str
    version: str


class WorkflowEnvelope(Envelope):
    data: WorkflowOut


class WorkflowList(Envelope):
    total: int
    offset: int
    limit: int
    size: int
    page: int
    data: list[WorkflowOut]


class VersionCreate(RequestBody):
    name: Name
    description: Description = ""
    taskconfig: Taskconfig = EMPTY_TASKCONFIG
    input: FreeText = ""
    output: FreeText = ""
    taskflow: Taskflow = Field(
        description="BPMN 2.0 XML, base64 BPMN XML, or SecMaster's base64 of its xml-js JSON "
        "rendering."
    )
    taskflow_type: TaskflowType = "JSON"
    aop_type: AopType | None = None


class VersionUpdate(RequestBody):
    name: Name | None = None
    description: Description | None = None
    status: VersionStatus | None = Field(
        default=None, description="Move the version: docs/workflows.md lists the moves."
    )
    taskconfig: Taskconfig | None = None
    taskflow: Taskflow | None = None
    taskflow_type: TaskflowType | None = None
    aop_type: AopType | None = None
    input: FreeText | None = None
    output: FreeText | None = None


class VersionOut(ResponseBody):
    id: str
    version_id: str
    name: str
    aopworkflow_id: str
    description: str
    project_id: str
    owner_id: str
    creator_id: str
    creator_name: str
    create_time: str
    modifier_id: str
    modifier_name: str
    update_time: str
    enabled: bool
    status: str
    version: str
    taskconfig: str
    taskflow: str
    taskflow_type: str
    aop_type: str
    input: str
    output: str
    dataclass_id: str
    dataclass_name: str
    workspace_id: str


class VersionEnvelope(Envelope):
    data: VersionOut


class VersionList(Envelope):
    total: int
    offset: int
    limit: int
    size: int
    page: int
    data: list[VersionOut]


class ApprovalBody(RequestBody):
    result: ApprovalResult
    content: Description = ""


class ApprovalOut(ResponseBody):
    result: str
    content: str


class ApprovalEnvelope(ResponseBody):
    code: str = "00000000"
    message: str = ""
    data: ApprovalOut


class ValidationBody(RequestBody):
    mode: CheckMode = CheckMode.APP_PARAMS
    taskflow: Taskflow
    taskconfig: Taskconfig | None = None
    aopworkflow_id: Uuid | None = None


class ValidationProblem(ResponseBody):
    element: str = Field(description="The id of the element at fault ('' for the document).")
    message: str


class ValidationResult(ResponseBody):
    valid: bool
    mode: str
    problems: list[ValidationProblem]


class ValidationEnvelope(Envelope):
    data: ValidationResult


class ExportBody(RequestBody):
    id: list[Uuid] = Field(min_length=1, max_length=100, description="The workflows' ids.")


class ImportEnvelope(Envelope):
    pass


class ApprovalSetting(RequestBody):
    approval_by_another: bool = Field(
        description="A version is approved by someone other than the one who submitted it."
    )


class ApprovalSettingOut(ResponseBody):
    approval_by_another: bool


class ApprovalSettingEnvelope(Envelope):
    data: ApprovalSettingOut
