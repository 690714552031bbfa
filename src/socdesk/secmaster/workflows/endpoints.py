"""`~/soc/workflows`: workflows, their versions and approval, validation, import (seed 001) and
export, in the SDK's shapes (docs/workflows.md)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from socdesk.automation.bpmn import secmaster_taskflow
from socdesk.automation.repository import (
    SortOrder,
    WorkflowFilter,
    WorkflowSort,
    version_summaries,
)
from socdesk.automation.service import (
    NewVersion,
    NewWorkflow,
    VersionChange,
    WorkflowChange,
    WorkflowService,
)
from socdesk.automation.transfer import UPLOAD_FIELD, WorkflowImporter, exported
from socdesk.kit.clock import utcnow
from socdesk.kit.db import SessionDep
from socdesk.kit.errors import (
    Conflict,
    PayloadTooLarge,
    WorkflowNotFound,
    WorkflowVersionNotFound,
)
from socdesk.kit.ids import parse_uuid
from socdesk.kit.openapi import may_answer
from socdesk.kit.params import LimitQuery, OffsetQuery, WorkflowIdPath, WorkflowVersionIdPath
from socdesk.kit.routes import BodySize, SecMasterRoute, body_size, reads_only
from socdesk.kit.schemas import QueryText
from socdesk.kit.uploads import multipart_file, multipart_file_body
from socdesk.models import Workflow, WorkflowVersion
from socdesk.models.workflow import AopType
from socdesk.models.workflow_version import VersionStatus
from socdesk.secmaster.workflows.mapping import version_out, workflow_out
from socdesk.secmaster.workflows.schemas import (
    ApprovalBody,
    ApprovalEnvelope,
    ApprovalOut,
    ApprovalSetting,
    ApprovalSettingEnvelope,
    ApprovalSettingOut,
    ExportBody,
    ImportEnvelope,
    ValidationBody,
    ValidationEnvelope,
    ValidationProblem,
    ValidationResult,
    VersionCreate,
    VersionEnvelope,
    VersionList,
    VersionUpdate,
    WorkflowCreate,
    WorkflowEnvelope,
    WorkflowList,
    WorkflowUpdate,
)
from socdesk.settings import SettingsDep
from socdesk.workspaces.dependencies import SecMasterAdmin, SecMasterReader, SecMasterWriter
from socdesk.workspaces.scope import WorkspaceScope

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc/workflows",
    tags=["SecMaster: workflows"],
    route_class=SecMasterRoute,
)
UPLOAD_DESCRIPTION = (
    "A workflow export (JSON: one workflow or a list, DESIGN's format) or a BPMN 2.0 file."
)


async def _workflow_envelope(
    service: WorkflowService, row: Workflow, scope: WorkspaceScope
) -> WorkflowEnvelope:
    summaries = await version_summaries(service.versions, [row])
    return WorkflowEnvelope(data=workflow_out(row, scope, summaries.get(row.id)))


async def _version_envelope(
    service: WorkflowService, row: WorkflowVersion, scope: WorkspaceScope
) -> VersionEnvelope:
    return VersionEnvelope(data=version_out(row, await service.workflow_of(row), scope))


@router.post(
    "/import",
    summary="Import workflows from a file (seed 001; all or nothing)",
    openapi_extra=multipart_file_body(UPLOAD_FIELD, UPLOAD_DESCRIPTION),
)
@body_size(BodySize.file_import)
async def import_workflows(
    request: Request, scope: SecMasterWriter, session: SessionDep, settings: SettingsDep
) -> ImportEnvelope:
    """The file goes in multipart field `uploadFile`; a workflow of a name the workspace has
    gets the file's versions. A problem anywhere is a 400 naming it, and nothing is created."""
    max_bytes = settings.import_max_bytes
    too_large = PayloadTooLarge(
        f"{UPLOAD_FIELD}: the file is over the limit of {max_bytes} bytes"
        " (SOCDESK_IMPORT_MAX_BYTES)"
    )
    async with multipart_file(request, UPLOAD_FIELD, max_bytes, too_large) as upload:
        data = upload.file.read()
        name = upload.filename or ""
    await WorkflowImporter(WorkflowService(session, scope)).run(data, name)
    return ImportEnvelope()


@router.post(
    "/export",
    summary="Export workflows as a JSON file",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
@reads_only
@may_answer(WorkflowNotFound)
async def export_workflows(
    body: ExportBody, scope: SecMasterReader, session: SessionDep
) -> Response:
    """One workflow's object (several: a list), each with its versions; taskflows in
    SecMaster's form. Importing the file into another workspace gives the same workflows."""
    content = await exported(WorkflowService(session, scope), body.id, secmaster_taskflow)
    name = f"workflows-{utcnow():%Y%m%dT%H%M%SZ}.json"
    return Response(
        json.dumps(content, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/validation", summary="Check a taskflow (modes BASIC, CIRCLE, APP_PARAMS)")
@reads_only
@may_answer(WorkflowNotFound)
async def validate_workflow(
    body: ValidationBody, scope: SecMasterReader, session: SessionDep
) -> ValidationEnvelope:
    """The problems of a well-formed taskflow, each naming its element (`valid: false`); a
    taskflow that cannot be read at all is a 400."""
    problems = await WorkflowService(session, scope).validate(
        body.mode, body.taskflow, body.taskconfig, body.aopworkflow_id
    )
    return ValidationEnvelope(
        data=ValidationResult(
            valid=not problems,
            mode=body.mode.value,
            problems=[ValidationProblem(element=p.element, message=p.message) for p in problems],
        )
    )


@router.get("/settings", summary="The workspace's workflow settings (SOCdesk extension)")
async def show_workflow_settings(
    scope: SecMasterReader, session: SessionDep
) -> ApprovalSettingEnvelope:
    required = await WorkflowService(session, scope).approval_by_another()
    return ApprovalSettingEnvelope(data=ApprovalSettingOut(approval_by_another=required))


@router.put("/settings", summary="Change the workspace's workflow settings (SOCdesk extension)")
async def update_workflow_settings(
    body: ApprovalSetting, scope: SecMasterAdmin, session: SessionDep
) -> ApprovalSettingEnvelope:
    """Admins only. `approval_by_another` (off by default): a version is approved by someone
    other than the one who submitted it."""
    required = await WorkflowService(session, scope).set_approval_by_another(
        body.approval_by_another
    )
    return ApprovalSettingEnvelope(data=ApprovalSettingOut(approval_by_another=required))


@router.get("/versions/{version_id}", summary="Show a workflow version")
@may_answer(WorkflowVersionNotFound)
async def show_workflow_version(
    version_id: WorkflowVersionIdPath, scope: SecMasterReader, session: SessionDep
) -> VersionEnvelope:
    service = WorkflowService(session, scope)
    return await _version_envelope(service, await service.find_version(version_id), scope)


@router.put("/versions/{version_id}", summary="Change a workflow version or move its status")
@may_answer(WorkflowVersionNotFound, Conflict)
async def update_workflow_version(
    version_id: WorkflowVersionIdPath,
    body: VersionUpdate,
    scope: SecMasterWriter,
    session: SessionDep,
) -> VersionEnvelope:
    """Fields change only on a draft or a rejected version (409 otherwise); `status` moves it
    (pending_submit → pending_approval submits it; activated → not_activated switches it off)."""
    service = WorkflowService(session, scope)
    row = await service.update_version(version_id, VersionChange(**body.model_dump()))
    return await _version_envelope(service, row, scope)


@router.delete("/versions/{version_id}", summary="Delete a workflow version")
@may_answer(WorkflowVersionNotFound, Conflict)
async def delete_workflow_version(
    version_id: WorkflowVersionIdPath, scope: SecMasterWriter, session: SessionDep
) -> VersionEnvelope:
    """An activated version cannot be deleted (409)."""
    service = WorkflowService(session, scope)
    row = await service.find_version(version_id)
    envelope = VersionEnvelope(data=version_out(row, await service.workflow_of(row), scope))
    await service.delete_version(version_id)
    return envelope


@router.post("/versions/{version_id}/approval", summary="Approve or reject a workflow version")
@may_answer(WorkflowVersionNotFound, Conflict)
async def approve_workflow_version(
    version_id: WorkflowVersionIdPath,
    body: ApprovalBody,
    scope: SecMasterAdmin,
    session: SessionDep,
) -> ApprovalEnvelope:
    """Admins only. PASS activates a version pending approval (the workflow's one active
    version), UN_PASS rejects it."""
    row = await WorkflowService(session, scope).approve(version_id, body.result, body.content)
    return ApprovalEnvelope(
        data=ApprovalOut(result=row.approval_result, content=row.approval_content)
    )


@router.get("", summary="List workflows")
async def list_workflows(
    scope: SecMasterReader,
    session: SessionDep,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 10,
    order: Annotated[SortOrder, Query(description="ASC or DESC.")] = SortOrder.DESC,
    sortby: Annotated[WorkflowSort, Query(description="What to sort by.")] = (
        WorkflowSort.create_time
    ),
    enabled: Annotated[bool | None, Query(description="Only enabled or disabled ones.")] = None,
    name: Annotated[QueryText | None, Query(max_length=64, description="Part of the name.")] = None,
    description: Annotated[
        QueryText | None, Query(max_length=1024, description="Part of the description.")
    ] = None,
    dataclass_id: Annotated[
        QueryText | None, Query(max_length=64, description="The data class's id.")
    ] = None,
    dataclass_name: Annotated[
        QueryText | None, Query(max_length=64, description="Part of the data class's name.")
    ] = None,
    aop_type: Annotated[AopType | None, Query(description="The workflow type.")] = None,
) -> WorkflowList:
    service = WorkflowService(session, scope)
    where = WorkflowFilter(
        enabled=enabled,
        name=name,
        description=description,
        dataclass_id=parse_uuid(dataclass_id, "dataclass_id") if dataclass_id else None,
        dataclass_name=dataclass_name,
        aop_type=aop_type.value if aop_type else None,
    )
    page = await service.listing(where, sortby, order, offset, limit)
    summaries = await version_summaries(service.versions, page.workflows)
    data = [workflow_out(w, scope, summaries.get(w.id)) for w in page.workflows]
    return WorkflowList(
        total=page.total,
        offset=offset,
        limit=limit,
        size=len(data),
        page=offset // limit + 1,
        data=data,
    )


@router.post("", summary="Create a workflow")
@may_answer(Conflict)
async def create_workflow(
    body: WorkflowCreate, scope: SecMasterWriter, session: SessionDep
) -> WorkflowEnvelope:
    """Bound to one of the workspace's data classes (by id or name); no versions yet."""
    service = WorkflowService(session, scope)
    row = await service.create(
        NewWorkflow(
            name=body.name,
            dataclass_ref=body.dataclass_id,
            description=body.description,
            engine_type=body.engine_type,
            aop_type=body.aop_type,
            labels=body.labels,
        )
    )
    return await _workflow_envelope(service, row, scope)


@router.get("/{workflow_id}", summary="Show a workflow")
@may_answer(WorkflowNotFound)
async def show_workflow(
    workflow_id: WorkflowIdPath, scope: SecMasterReader, session: SessionDep
) -> WorkflowEnvelope:
    service = WorkflowService(session, scope)
    return await _workflow_envelope(service, await service.find(workflow_id), scope)


@router.put("/{workflow_id}", summary="Change, enable or disable a workflow")
@may_answer(WorkflowNotFound, WorkflowVersionNotFound, Conflict)
async def update_workflow(
    workflow_id: WorkflowIdPath, body: WorkflowUpdate, scope: SecMasterWriter, session: SessionDep
) -> WorkflowEnvelope:
    """Enabling needs an activated version: `version_id` names one, or the workflow has one."""
    service = WorkflowService(session, scope)
    row = await service.update(workflow_id, WorkflowChange(**body.model_dump()))
    return await _workflow_envelope(service, row, scope)


@router.delete("/{workflow_id}", summary="Delete a workflow and its versions")
@may_answer(WorkflowNotFound, Conflict)
async def delete_workflow(
    workflow_id: WorkflowIdPath, scope: SecMasterWriter, session: SessionDep
) -> WorkflowEnvelope:
    """An enabled workflow is refused (409): disable it first."""
    service = WorkflowService(session, scope)
    row = await service.find(workflow_id)
    envelope = await _workflow_envelope(service, row, scope)
    await service.delete(workflow_id)
    return envelope


@router.get("/{workflow_id}/versions", summary="List a workflow's versions")
@may_answer(WorkflowNotFound)
async def list_workflow_versions(
    workflow_id: WorkflowIdPath,
    scope: SecMasterReader,
    session: SessionDep,
    status: Annotated[VersionStatus | None, Query(description="Only versions of it.")] = None,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 100,
) -> VersionList:
    """Oldest first."""
    service = WorkflowService(session, scope)
    workflow, rows = await service.version_listing(workflow_id, status)
    data = [version_out(v, workflow, scope) for v in rows[offset : offset + limit]]
    return VersionList(
        total=len(rows),
        offset=offset,
        limit=limit,
        size=len(data),
        page=offset // limit + 1,
        data=data,
    )


@router.post("/{workflow_id}/versions", summary="Add a version to a workflow")
@may_answer(WorkflowNotFound, Conflict)
async def create_workflow_version(
    workflow_id: WorkflowIdPath, body: VersionCreate, scope: SecMasterWriter, session: SessionDep
) -> VersionEnvelope:
    """A draft (pending_submit); its taskflow passes every check first (400 naming the
    element at fault)."""
    service = WorkflowService(session, scope)
    row = await service.create_version(workflow_id, NewVersion(**body.model_dump()))
    return await _version_envelope(service, row, scope)
