"""Workflows and their versions: the rules every route (and the import) goes through."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.automation.bpmn import read_taskflow
from socdesk.automation.checks import ALL_MODES, CheckMode, Problem, check_process, refuse_problems
from socdesk.automation.repository import (
    AutomationSettingRepository,
    SortOrder,
    WorkflowFilter,
    WorkflowRepository,
    WorkflowSort,
    WorkflowVersionRepository,
)
from socdesk.automation.versions import (
    ApprovalResult,
    check_approvable,
    check_deletable,
    check_editable,
    check_move,
)
from socdesk.classes.registry import DataClass
from socdesk.classes.service import DataClassService
from socdesk.kit.clock import utcnow
from socdesk.kit.db import add_or_refuse, flush_or_refuse
from socdesk.kit.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    WorkflowNotFound,
    WorkflowVersionNotFound,
)
from socdesk.models import (
    EMPTY_TASKCONFIG,
    AopType,
    AutomationSetting,
    EngineType,
    VersionStatus,
    Workflow,
    WorkflowVersion,
)
from socdesk.workspaces.scope import WorkspaceScope


@dataclass(frozen=True, slots=True)
class NewWorkflow:
    name: str
    dataclass_ref: str
    description: str = ""
    engine_type: EngineType = EngineType.public_engine
    aop_type: AopType = AopType.NORMAL
    labels: str = ""


@dataclass(frozen=True, slots=True)
class WorkflowChange:
    """Only the fields given (not None) change."""

    name: str | None = None
    description: str | None = None
    enabled: bool | None = None
    version_id: str | None = None
    labels: str | None = None


@dataclass(frozen=True, slots=True)
class NewVersion:
    name: str
    taskflow: str
    description: str = ""
    taskconfig: str = EMPTY_TASKCONFIG
    taskflow_type: str = "JSON"
    aop_type: AopType | None = None
    input: str = ""
    output: str = ""


@dataclass(frozen=True, slots=True)
class VersionChange:
    """Only the fields given (not None) change; `status` moves the version (versions.py)."""

    name: str | None = None
    description: str | None = None
    status: VersionStatus | None = None
    taskconfig: str | None = None
    taskflow: str | None = None
    taskflow_type: str | None = None
    aop_type: AopType | None = None
    input: str | None = None
    output: str | None = None

    def fields(self) -> list[str]:
        names = ("name", "description", "taskconfig", "taskflow", "taskflow_type", "aop_type")
        return [n for n in (*names, "input", "output") if getattr(self, n) is not None]


@dataclass(frozen=True, slots=True)
class WorkflowPage:
    workflows: Sequence[Workflow]
    total: int


@dataclass
class CheckedVersion:
    """A version's taskflow as stored (BPMN XML) once every check passed."""

    xml: str
    taskconfig: str
    problems: list[Problem] = field(default_factory=list)


def checked_taskconfig(taskconfig: str) -> str:
    """A taskconfig must be a JSON object (SecMaster's node parameters)."""
    try:
        parsed = json.loads(taskconfig) if taskconfig.strip() else {}
    except (ValueError, RecursionError):
        raise ValidationFailed.for_field("taskconfig", "must be a JSON object") from None
    if not isinstance(parsed, dict):
        raise ValidationFailed.for_field("taskconfig", "must be a JSON object")
    return taskconfig if taskconfig.strip() else EMPTY_TASKCONFIG


def checked_taskflow(taskflow: str) -> str:
    """The BPMN XML of `taskflow` once it passes every check (400 naming each problem)."""
    document = read_taskflow(taskflow)
    refuse_problems(check_process(document, ALL_MODES))
    return document.xml


class WorkflowService:
    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.workflows = WorkflowRepository(session, scope.workspace_id)
        self.versions = WorkflowVersionRepository(session, scope.workspace_id)
        self.settings = AutomationSettingRepository(session, scope.workspace_id)

    async def data_class(self, ref: str, where: str = "dataclass_id") -> DataClass:
        """The workspace's class `ref` names; a 400 naming `where` for one it has not."""
        try:
            return await DataClassService(self.session, self.scope).find(ref, where)
        except NotFound as missing:
            raise ValidationFailed.for_field(where, f"unknown data class {ref[:100]!r}") from (
                missing
            )

    async def create(self, new: NewWorkflow) -> Workflow:
        """A workflow without versions (409 for a name the workspace has)."""
        data_class = await self.data_class(new.dataclass_ref)
        user = self.scope.user
        row = Workflow(
            id=uuid.uuid4(),
            workspace_id=self.scope.workspace_id,
            name=new.name,
            description=new.description,
            engine_type=new.engine_type.value,
            aop_type=new.aop_type.value,
            dataclass_id=uuid.UUID(data_class.id),
            dataclass_name=data_class.name,
            labels=new.labels,
            enabled=False,
            creator_id=user.id,
            creator_name=user.email,
            modifier_id=user.id,
            modifier_name=user.email,
        )
        await add_or_refuse(
            self.session, row, Conflict(f"name: the workspace has a workflow named {new.name!r}")
        )
        return row

    async def find(self, ref: str) -> Workflow:
        """The workspace's workflow of id `ref` (SecMaster's 400 workflow-not-found else)."""
        key = _uuid(ref)
        row = await self.workflows.get(key) if key else None
        if row is None:
            raise WorkflowNotFound(f"workflow_id: no workflow {ref[:100]!r} in this workspace")
        return row

    async def named(self, name: str) -> Workflow | None:
        return await self.workflows.named(name)

    async def listing(
        self,
        where: WorkflowFilter,
        sort: WorkflowSort,
        order: SortOrder,
        offset: int,
        limit: int,
    ) -> WorkflowPage:
        """A page of the workspace's workflows."""
        rows, total = await self.workflows.listing(where, sort, order, offset, limit)
        return WorkflowPage(rows, total)

    async def update(self, ref: str, change: WorkflowChange) -> Workflow:
        """Rename, describe, label, pick the active version, enable or disable a workflow.
        Enabling needs an activated version (the one named, or the current one)."""
        row = await self.find(ref)
        if change.name is not None and change.name != row.name:
            taken = await self.workflows.named(change.name)
            if taken is not None:
                raise Conflict(f"name: the workspace has a workflow named {change.name!r}")
            row.name = change.name
        if change.description is not None:
            row.description = change.description
        if change.labels is not None:
            row.labels = change.labels
        if change.version_id is not None:
            version = await self.find_version(change.version_id, "version_id")
            if version.workflow_id != row.id or version.status != VersionStatus.activated:
                raise ValidationFailed.for_field(
                    "version_id", "must name an activated version of this workflow"
                )
            row.version_id = version.id
        if change.enabled is not None:
            if change.enabled and row.version_id is None:
                raise ValidationFailed.for_field(
                    "enabled", "the workflow has no activated version: activate one first"
                )
            row.enabled = change.enabled
        self._modified(row)
        await self._flush_named(row)
        return row

    async def _flush_named(self, row: Workflow) -> None:
        # A concurrent rename to the same name meets the unique key here.
        refusal = Conflict(f"name: the workspace has a workflow named {row.name!r}")
        await flush_or_refuse(self.session, refusal)

    def _modified(self, row: Workflow | WorkflowVersion) -> None:
        row.modifier_id = self.scope.user.id
        row.modifier_name = self.scope.user.email
        row.updated_at = utcnow()

    async def delete(self, ref: str) -> Workflow:
        """Delete a workflow and its versions; an enabled one is refused (disable it first)."""
        row = await self.find(ref)
        if row.enabled:
            raise Conflict(f"workflow {row.name!r} is enabled: disable it before deleting it")
        await self.session.execute(self.workflows.delete().where(Workflow.id == row.id))
        return row

    # Versions

    async def create_version(self, workflow_ref: str, new: NewVersion) -> WorkflowVersion:
        """A draft version of the workflow, its taskflow checked and stored as BPMN XML."""
        workflow = await self.find(workflow_ref)
        return await self.add_version(workflow, new, checked_taskflow(new.taskflow))

    async def add_version(self, workflow: Workflow, new: NewVersion, xml: str) -> WorkflowVersion:
        """A draft version of `workflow` whose taskflow `xml` passed the checks."""
        user = self.scope.user
        row = WorkflowVersion(
            id=uuid.uuid4(),
            workspace_id=self.scope.workspace_id,
            workflow_id=workflow.id,
            number=await self.versions.next_number(workflow.id),
            name=new.name,
            description=new.description,
            status=VersionStatus.pending_submit.value,
            taskflow=xml,
            taskconfig=checked_taskconfig(new.taskconfig),
            taskflow_type=new.taskflow_type,
            aop_type=(new.aop_type or AopType(workflow.aop_type)).value,
            input=new.input,
            output=new.output,
            creator_id=user.id,
            creator_name=user.email,
            modifier_id=user.id,
            modifier_name=user.email,
        )
        await add_or_refuse(
            self.session, row, Conflict("another version was added at the same time: try again")
        )
        return row

    async def find_version(self, ref: str, where: str = "version_id") -> WorkflowVersion:
        key = _uuid(ref)
        row = await self.versions.get(key) if key else None
        if row is None:
            raise WorkflowVersionNotFound(f"{where}: no workflow version {ref[:100]!r}")
        return row

    async def version_listing(
        self, workflow_ref: str, status: VersionStatus | None
    ) -> tuple[Workflow, Sequence[WorkflowVersion]]:
        workflow = await self.find(workflow_ref)
        rows = await self.versions.of_workflow(workflow.id, status.value if status else None)
        return workflow, rows

    async def workflow_of(self, version: WorkflowVersion) -> Workflow:
        row = await self.workflows.get(version.workflow_id)
        if row is None:  # its foreign key makes this impossible; a clear error all the same
            raise WorkflowNotFound("the version's workflow is gone")
        return row

    async def update_version(self, ref: str, change: VersionChange) -> WorkflowVersion:
        """Change a draft's fields, or move a version's status (versions.py's rules)."""
        row = await self.find_version(ref)
        label = f"V{row.number}"
        current = VersionStatus(row.status)
        check_editable(label, current, change.fields())
        if change.status is not None:
            check_move(label, current, change.status)
        if change.taskflow is not None:
            row.taskflow = checked_taskflow(change.taskflow)
        if change.taskconfig is not None:
            row.taskconfig = checked_taskconfig(change.taskconfig)
        for name in ("name", "description", "taskflow_type", "input", "output"):
            value = getattr(change, name)
            if value is not None:
                setattr(row, name, value)
        if change.aop_type is not None:
            row.aop_type = change.aop_type.value
        if change.status is not None and change.status != current:
            await self._move(row, change.status)
        self._modified(row)
        await self.session.flush()
        return row

    async def _move(self, row: WorkflowVersion, wanted: VersionStatus) -> None:
        workflow = await self.workflow_of(row)
        if wanted is VersionStatus.pending_approval:
            row.submitter_id = self.scope.user.id
        elif wanted is VersionStatus.activated:
            await self._activate(workflow, row)
        elif wanted is VersionStatus.not_activated and workflow.version_id == row.id:
            workflow.version_id = None
            workflow.enabled = False
            self._modified(workflow)
        row.status = wanted.value

    async def _activate(self, workflow: Workflow, row: WorkflowVersion) -> None:
        """`row` becomes the workflow's one activated version; the one before is not_activated.
        The workflow's row is locked first, so two approvals of one workflow's versions queue
        (the database's partial unique index holds the rule in any case)."""
        await self.workflows.lock([workflow.id])
        await self.versions.set_status_of_workflow(
            workflow.id, VersionStatus.activated.value, VersionStatus.not_activated.value, row.id
        )
        row.status = VersionStatus.activated.value
        workflow.version_id = row.id
        self._modified(workflow)

    async def delete_version(self, ref: str) -> WorkflowVersion:
        """Delete a version that is not activated."""
        row = await self.find_version(ref)
        check_deletable(f"V{row.number}", VersionStatus(row.status))
        await self.session.execute(self.versions.delete().where(WorkflowVersion.id == row.id))
        return row

    async def approve(self, ref: str, result: ApprovalResult, content: str) -> WorkflowVersion:
        """PASS activates a version pending approval, UN_PASS rejects it. Where the workspace
        asks for it, the approver is not the one who submitted it (403)."""
        row = await self.find_version(ref)
        check_approvable(f"V{row.number}", VersionStatus(row.status))
        if await self.approval_by_another() and row.submitter_id == self.scope.user.id:
            raise PermissionDenied(
                "this workspace asks for a version to be approved by someone other than the "
                "one who submitted it"
            )
        row.approval_result = result.value
        row.approval_content = content
        row.approver_id = self.scope.user.id
        if result is ApprovalResult.PASS:
            await self._activate(await self.workflow_of(row), row)
        else:
            row.status = VersionStatus.rejected.value
        self._modified(row)
        await self.session.flush()
        return row

    async def validate(
        self, mode: CheckMode, taskflow: str, taskconfig: str | None, workflow_ref: str | None
    ) -> list[Problem]:
        """The problems of a taskflow in `mode` (a malformed one is a 400 of its own)."""
        if workflow_ref:
            await self.find(workflow_ref)
        if taskconfig is not None:
            checked_taskconfig(taskconfig)
        modes = {
            CheckMode.BASIC: (CheckMode.BASIC,),
            CheckMode.CIRCLE: (CheckMode.BASIC, CheckMode.CIRCLE),
            CheckMode.APP_PARAMS: ALL_MODES,
        }[mode]
        return check_process(read_taskflow(taskflow), modes)

    # Settings

    async def approval_by_another(self) -> bool:
        setting = await self.settings.current()
        return bool(setting and setting.approval_by_another)

    async def set_approval_by_another(self, required: bool) -> bool:
        """Whether versions are approved by someone other than their submitter."""
        setting = await self.settings.current()
        if setting is None:
            setting = AutomationSetting(workspace_id=self.scope.workspace_id)
            self.session.add(setting)
        setting.approval_by_another = required
        await self.session.flush()
        return required


def _uuid(ref: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(ref)
    except (ValueError, AttributeError, TypeError):
        return None
