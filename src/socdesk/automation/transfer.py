"""Workflow files: the JSON export of DESIGN.md §4 (SecMaster's, SOCdesk's) and bare .bpmn
files, imported all or nothing; and the export that writes the same JSON.

An import checks the whole file — its shape, each version's BPMN, the data class — before it
writes anything: one problem anywhere is a 400 naming it, and nothing is created. A workflow
whose name the workspace has gets the file's versions added to it. Imported versions arrive as
drafts (pending_submit): an import does not pass a workspace's review.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from socdesk.automation.bpmn import SOCDESK_BPMN, BpmnDocument, read_bpmn_file, read_taskflow
from socdesk.automation.checks import check_process
from socdesk.automation.service import NewVersion, NewWorkflow, WorkflowService
from socdesk.automation.xmltree import MAX_DEPTH
from socdesk.kit.errors import ValidationFailed, WorkflowNotFound, some_of
from socdesk.models import EMPTY_TASKCONFIG, AopType, EngineType, Workflow, WorkflowVersion

UPLOAD_FIELD = "uploadFile"
DEFAULT_DATACLASS = "Incident"
MAX_WORKFLOWS_PER_FILE = 100
MAX_VERSIONS_PER_WORKFLOW = 100


class VersionFile(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=64)
    description: str = Field(default="", max_length=1024)
    taskflow: str = Field(min_length=1)
    taskconfig: str = EMPTY_TASKCONFIG
    taskflow_type: str = Field(default="JSON", max_length=16)
    aop_type: AopType | None = None
    input: str = ""
    output: str = ""
    status: str | None = None


class WorkflowFile(BaseModel):
    """One workflow of an export (SecMaster's keys; others, such as ids, are ignored)."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=64)
    description: str = Field(default="", max_length=1024)
    dataclass_name: str = Field(default=DEFAULT_DATACLASS, min_length=1, max_length=64)
    aop_type: AopType = AopType.NORMAL
    engine_type: EngineType = EngineType.public_engine
    labels: str = Field(default="", max_length=1024)
    versions: list[VersionFile] = Field(default_factory=list, max_length=MAX_VERSIONS_PER_WORKFLOW)


def _shape_problems(error: ValidationError, prefix: str) -> ValidationFailed:
    failures = []
    for item in error.errors():
        where = prefix + "".join(
            f"[{part}]" if isinstance(part, int) else f".{part}" for part in item["loc"]
        )
        where = where.lstrip(".") or UPLOAD_FIELD
        failures.append(ValidationFailed.for_field(where, item["msg"]))
    return ValidationFailed.combining(failures)


def _json_workflows(text: str) -> list[WorkflowFile]:
    try:
        document = json.loads(text)
    except ValueError as error:
        raise ValidationFailed.for_field(UPLOAD_FIELD, f"malformed JSON: {error}") from None
    except RecursionError:
        raise ValidationFailed.for_field(
            UPLOAD_FIELD, f"malformed JSON: nested deeper than {MAX_DEPTH} levels"
        ) from None
    items = document if isinstance(document, list) else [document]
    if not items or len(items) > MAX_WORKFLOWS_PER_FILE:
        raise ValidationFailed.for_field(
            UPLOAD_FIELD, f"the file must hold 1 to {MAX_WORKFLOWS_PER_FILE} workflows"
        )
    workflows = []
    for index, item in enumerate(items):
        prefix = f"[{index}]" if isinstance(document, list) else ""
        try:
            workflows.append(WorkflowFile.model_validate(item))
        except ValidationError as error:
            raise _shape_problems(error, prefix) from None
    names = [w.name for w in workflows]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValidationFailed.for_field("name", f"the file repeats workflows {some_of(repeated)}")
    return workflows


def _bpmn_workflow(data: bytes, filename: str) -> tuple[WorkflowFile, BpmnDocument]:
    document = read_bpmn_file(data)
    processes = document.processes()
    process = processes[0] if processes else None
    stem = PurePath(filename).stem or "workflow"
    name = stem
    dataclass_name = DEFAULT_DATACLASS
    if process is not None:
        name = process.attributes.get("name") or process.attributes.get("id") or stem
        dataclass_name = document.attribute(process, SOCDESK_BPMN, "dataclass") or DEFAULT_DATACLASS
    workflow = WorkflowFile(
        name=name[:64],
        dataclass_name=dataclass_name[:64],
        versions=[VersionFile(name=name[:64], taskflow=document.xml)],
    )
    return workflow, document


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed.for_field(UPLOAD_FIELD, "the file is not UTF-8 text") from None


def _is_bpmn(text: str) -> bool:
    """Whether the file is BPMN XML (else a JSON export); neither is refused."""
    head = text.lstrip()[:1]
    if head not in ("<", "{", "["):
        raise ValidationFailed.for_field(
            UPLOAD_FIELD, "neither a workflow export (JSON) nor a BPMN 2.0 file (XML)"
        )
    return head == "<"


def workflow_names(data: bytes, filename: str) -> list[str]:
    """The names of the workflows a file holds, read as its import reads them (so that a
    client learns which workflows an import will create or add to); a file the import would
    refuse for its shape is refused the same way."""
    text = _text(data)
    if _is_bpmn(text):
        return [_bpmn_workflow(data, filename)[0].name]
    return [w.name for w in _json_workflows(text)]


class WorkflowImporter:
    def __init__(self, service: WorkflowService) -> None:
        self.service = service

    async def run(self, data: bytes, filename: str) -> list[Workflow]:
        """Import a workflow file (JSON export or .bpmn); the workflows it created or added to."""
        text = _text(data)
        if _is_bpmn(text):
            workflow, document = _bpmn_workflow(data, filename)
            planned = [(workflow, [self._checked(document, "")])]
        else:
            planned = []
            workflows = _json_workflows(text)
            for index, workflow in enumerate(workflows):
                prefix = f"[{index}]." if len(workflows) > 1 else ""
                xmls = [
                    self._checked(read_taskflow(v.taskflow), f"{prefix}versions[{i}]")
                    for i, v in enumerate(workflow.versions)
                ]
                planned.append((workflow, xmls))
        targets = [await self._target(workflow) for workflow, _ in planned]
        # Everything is checked: now write.
        done = []
        for (workflow, xmls), target in zip(planned, targets, strict=True):
            row = target or await self.service.create(
                NewWorkflow(
                    name=workflow.name,
                    dataclass_ref=workflow.dataclass_name,
                    description=workflow.description,
                    engine_type=workflow.engine_type,
                    aop_type=workflow.aop_type,
                    labels=workflow.labels,
                )
            )
            for version, xml in zip(workflow.versions, xmls, strict=True):
                await self.service.add_version(row, _new_version(version), xml)
            done.append(row)
        return done

    @staticmethod
    def _checked(document: BpmnDocument, where: str) -> str:
        problems = check_process(document)
        if problems:
            failures = [
                ValidationFailed(
                    f"{where + ': ' if where else ''}taskflow: {p.message}",
                    details=p.as_error().details,
                )
                for p in problems
            ]
            raise ValidationFailed.combining(failures)
        return document.xml

    async def _target(self, workflow: WorkflowFile) -> Workflow | None:
        """The workspace's workflow of the file's name, if any, after its data class checks."""
        data_class = await self.service.data_class(workflow.dataclass_name, "dataclass_name")
        existing = await self.service.named(workflow.name)
        if existing is not None and existing.dataclass_name != data_class.name:
            raise ValidationFailed.for_field(
                "dataclass_name",
                f"the workspace's workflow {workflow.name!r} is bound to "
                f"{existing.dataclass_name}, the file's to {data_class.name}",
            )
        return existing


def _new_version(version: VersionFile) -> NewVersion:
    return NewVersion(
        name=version.name,
        taskflow=version.taskflow,
        description=version.description,
        taskconfig=version.taskconfig,
        taskflow_type=version.taskflow_type,
        aop_type=version.aop_type,
        input=version.input,
        output=version.output,
    )


async def exported(service: WorkflowService, ids: list[str], taskflow_form: Any) -> Any:
    """The export of workflows `ids` (all of this workspace, else a 400 naming the others):
    one workflow's object, or a list for several. `taskflow_form` writes each stored taskflow
    (SecMaster's routes: SecMaster's form)."""
    rows: list[Workflow] = []
    missing: list[str] = []
    for ref in dict.fromkeys(ids):
        try:
            rows.append(await service.find(ref))
        except WorkflowNotFound:
            missing.append(ref[:100])
    if missing:
        raise WorkflowNotFound(f"id: no workflows {some_of(missing)} in this workspace")
    versions = await service.versions.of_workflows([r.id for r in rows])
    by_workflow: dict[Any, list[WorkflowVersion]] = {}
    for version in versions:
        by_workflow.setdefault(version.workflow_id, []).append(version)
    items = [
        {
            "name": row.name,
            "description": row.description,
            "dataclass_name": row.dataclass_name,
            "aop_type": row.aop_type,
            "engine_type": row.engine_type,
            "labels": row.labels,
            "versions": [
                {
                    "name": v.name,
                    "description": v.description,
                    "taskflow": taskflow_form(v.taskflow),
                    "taskconfig": v.taskconfig,
                    "taskflow_type": v.taskflow_type,
                    "aop_type": v.aop_type,
                    "input": v.input,
                    "output": v.output,
                    "status": v.status,
                }
                for v in by_workflow.get(row.id, [])
            ],
        }
        for row in rows
    ]
    return items[0] if len(items) == 1 else items
