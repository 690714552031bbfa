"""`~/soc/playbooks`: playbooks, their versions and approval, statistics, import and
export, in the SDK's shapes (docs/playbooks.md). A version's rule and actions: parts.py.

Literal paths (`/statistics`, `/export`, `/import`, `/versions/...`) are declared before
`/{playbook_id}`, which would match them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from socdesk.automation.playbooks.changes import PlaybookChange, VersionChange, VersionSpec
from socdesk.automation.playbooks.parts import ActionSpec
from socdesk.automation.playbooks.repository import PlaybookFilter, VersionFilter
from socdesk.automation.playbooks.service import PlaybookService
from socdesk.kit.db import SessionDep
from socdesk.kit.errors import Conflict, NotFound, ValidationFailed, WorkflowVersionNotFound
from socdesk.kit.openapi import may_answer
from socdesk.kit.params import (
    LimitQuery,
    OffsetQuery,
    PlaybookIdPath,
    PlaybookVersionIdPath,
    WrittenInDigits,
)
from socdesk.kit.routes import SecMasterRoute
from socdesk.kit.schemas import QueryText
from socdesk.models import Playbook, PlaybookStatus, PlaybookVersion
from socdesk.secmaster.playbooks.mapping import playbook_out, version_item, version_out
from socdesk.secmaster.playbooks.schemas import (
    ActionCreate,
    ApprovalBody,
    ApprovalEnvelope,
    ApprovalList,
    ApprovalOut,
    CloneBody,
    ImportEnvelope,
    PlaybookCreate,
    PlaybookEnvelope,
    PlaybookList,
    PlaybookUpdate,
    StatisticsEnvelope,
    StatisticsOut,
    VersionCreate,
    VersionEnvelope,
    VersionList,
    VersionUpdate,
)
from socdesk.workspaces.dependencies import SecMasterAdmin, SecMasterReader, SecMasterWriter
from socdesk.workspaces.scope import WorkspaceScope

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc/playbooks",
    tags=["SecMaster: playbooks"],
    route_class=SecMasterRoute,
)


def action_specs(actions: list[ActionCreate]) -> list[ActionSpec]:
    return [
        ActionSpec(
            name=a.name,
            workflow_ref=a.action_id,
            description=a.description,
            action_type=a.action_type,
            sort_order=int(a.sort_order),
        )
        for a in actions
    ]


def _same_workspace(sent: str | None, scope: WorkspaceScope) -> None:
    if sent is not None and sent.replace("-", "").lower() != scope.workspace_id.hex:
        raise ValidationFailed.for_field("workspace_id", "is not the path's workspace")


async def playbook_envelope(
    service: PlaybookService, row: Playbook, scope: WorkspaceScope
) -> PlaybookEnvelope:
    summaries = await service.versions.summaries([row])
    return PlaybookEnvelope(data=playbook_out(row, scope, summaries.get(row.id)))


async def version_envelope(
    service: PlaybookService, row: PlaybookVersion, scope: WorkspaceScope
) -> VersionEnvelope:
    playbook = await service.playbook_of(row)
    actions = await service.parts.actions.of_version(row.id)
    return VersionEnvelope(data=version_out(row, playbook, actions, scope))


@router.get("/statistics", summary="Count the workspace's playbooks")
async def show_playbook_statistics(
    scope: SecMasterReader, session: SessionDep
) -> StatisticsEnvelope:
    """Enabled and disabled playbooks, and versions awaiting approval."""
    counts = await PlaybookService(session, scope).counts()
    return StatisticsEnvelope(
        data=StatisticsOut(
            unapproved_num=counts.approving,
            disabled_num=counts.disabled,
            enabled_num=counts.enabled,
        )
    )


@router.get("/versions/approval", summary="List the approvals of a playbook version")
@may_answer(NotFound, WorkflowVersionNotFound)
async def list_playbook_approves(
    scope: SecMasterReader,
    session: SessionDep,
    resource_id: Annotated[QueryText, Query(max_length=64, description="The version's id.")],
    approve_type: Annotated[
        Literal["PLAYBOOK", "AOP_WORKFLOW"] | None,
        Query(description="PLAYBOOK (default): a playbook version; AOP_WORKFLOW: a workflow's."),
    ] = None,
) -> ApprovalList:
    """Oldest first (a workflow version keeps its last approval)."""
    service = PlaybookService(session, scope)
    rows = await service.approvals_of(resource_id, workflow=approve_type == "AOP_WORKFLOW")
    return ApprovalList(data=[ApprovalOut(result=r, content=c) for r, c in rows])


@router.get("/versions/{version_id}", summary="Show a playbook version")
@may_answer(NotFound)
async def show_playbook_version(
    version_id: PlaybookVersionIdPath, scope: SecMasterReader, session: SessionDep
) -> VersionEnvelope:
    service = PlaybookService(session, scope)
    return await version_envelope(service, await service.find_version(version_id), scope)


@router.put("/versions/{version_id}", summary="Change a playbook version or move its status")
@may_answer(NotFound, Conflict)
async def update_playbook_version(
    version_id: PlaybookVersionIdPath,
    body: VersionUpdate,
    scope: SecMasterWriter,
    session: SessionDep,
) -> VersionEnvelope:
    """Fields, rule and actions change only on an EDITING or UNPASSED version (409
    otherwise); `status: APPROVING` submits it (its workflows must be enabled)."""
    _same_workspace(body.workspace_id, scope)
    service = PlaybookService(session, scope)
    if body.playbook_id is not None:
        current = await service.find_version(version_id)
        if body.playbook_id != str(current.playbook_id):
            raise ValidationFailed.for_field("playbook_id", "is not the version's playbook")
    change = VersionChange(
        description=body.description,
        dataclass_ref=body.dataclass_id,
        trigger_type=body.trigger_type,
        dataobject_create=body.dataobject_create,
        dataobject_update=body.dataobject_update,
        dataobject_delete=body.dataobject_delete,
        rule_enable=body.rule_enable,
        action_strategy=body.action_strategy,
        actions=action_specs(body.actions) if body.actions is not None else None,
        rule=body.rule.rule if body.rule is not None else None,
        status=body.status,
        enabled=body.enabled,
    )
    row = await service.update_version(version_id, change)
    return await version_envelope(service, row, scope)


@router.delete("/versions/{version_id}", summary="Delete a playbook version")
@may_answer(NotFound, Conflict)
async def delete_playbook_version(
    version_id: PlaybookVersionIdPath, scope: SecMasterWriter, session: SessionDep
) -> ImportEnvelope:
    """The version an enabled playbook runs cannot be deleted (409)."""
    await PlaybookService(session, scope).delete_version(version_id)
    return ImportEnvelope()


@router.post("/versions/{version_id}/clone", summary="Clone a version into a new playbook")
@may_answer(NotFound, Conflict)
async def copy_playbook_version(
    version_id: PlaybookVersionIdPath, body: CloneBody, scope: SecMasterWriter, session: SessionDep
) -> VersionEnvelope:
    """A new playbook `name` with an EDITING copy of the version, its rule and actions."""
    service = PlaybookService(session, scope)
    row = await service.clone_version(version_id, body.name)
    return await version_envelope(service, row, scope)


@router.post("/versions/{version_id}/approval", summary="Approve or refuse a playbook version")
@may_answer(NotFound, Conflict)
async def create_playbook_approve(
    version_id: PlaybookVersionIdPath,
    body: ApprovalBody,
    scope: SecMasterAdmin,
    session: SessionDep,
) -> ApprovalEnvelope:
    """Admins only. PASS publishes an APPROVING version, UN_PASS refuses it (UNPASSED)."""
    row = await PlaybookService(session, scope).approve(version_id, body.result, body.content)
    return ApprovalEnvelope(data=ApprovalOut(result=row.result, content=row.content))


@router.get("", summary="List playbooks")
async def list_playbooks(
    scope: SecMasterReader,
    session: SessionDep,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 10,
    search_txt: Annotated[
        QueryText | None, Query(max_length=64, description="Part of the name or description.")
    ] = None,
    enabled: Annotated[bool | None, Query(description="Only enabled or disabled ones.")] = None,
    name: Annotated[QueryText | None, Query(max_length=64, description="Part of the name.")] = None,
    description: Annotated[
        QueryText | None, Query(max_length=1024, description="Part of the description.")
    ] = None,
    dataclass_name: Annotated[
        QueryText | None, Query(max_length=64, description="Part of the data class's name.")
    ] = None,
) -> PlaybookList:
    """Newest first."""
    service = PlaybookService(session, scope)
    where = PlaybookFilter(search_txt, enabled, name, description, dataclass_name)
    rows, total = await service.listing(where, offset, limit)
    summaries = await service.versions.summaries(rows)
    data = [playbook_out(p, scope, summaries.get(p.id)) for p in rows]
    return PlaybookList(total=total, size=len(data), page=offset // limit + 1, data=data)


@router.post("", summary="Create a playbook")
@may_answer(Conflict)
async def create_playbook(
    body: PlaybookCreate, scope: SecMasterWriter, session: SessionDep
) -> PlaybookEnvelope:
    """No versions yet; its first version sets its data class."""
    _same_workspace(body.workspace_id, scope)
    service = PlaybookService(session, scope)
    row = await service.create(body.name, body.description)
    return await playbook_envelope(service, row, scope)


@router.get("/{playbook_id}", summary="Show a playbook")
@may_answer(NotFound)
async def show_playbook(
    playbook_id: PlaybookIdPath, scope: SecMasterReader, session: SessionDep
) -> PlaybookEnvelope:
    service = PlaybookService(session, scope)
    return await playbook_envelope(service, await service.find(playbook_id), scope)


@router.put("/{playbook_id}", summary="Change, enable or disable a playbook")
@may_answer(NotFound, Conflict)
async def update_playbook(
    playbook_id: PlaybookIdPath, body: PlaybookUpdate, scope: SecMasterWriter, session: SessionDep
) -> PlaybookEnvelope:
    """Enabling needs a PUBLISHED version: `active_version_id` names one, or the playbook
    has one."""
    service = PlaybookService(session, scope)
    row = await service.update(playbook_id, PlaybookChange(**body.model_dump()))
    return await playbook_envelope(service, row, scope)


@router.delete("/{playbook_id}", summary="Delete a playbook and its versions")
@may_answer(NotFound, Conflict)
async def delete_playbook(
    playbook_id: PlaybookIdPath, scope: SecMasterWriter, session: SessionDep
) -> PlaybookEnvelope:
    """An enabled playbook is refused (409): disable it first."""
    service = PlaybookService(session, scope)
    envelope = await playbook_envelope(service, await service.find(playbook_id), scope)
    await service.delete(playbook_id)
    return envelope


@router.get("/{playbook_id}/versions", summary="List a playbook's versions")
@may_answer(NotFound)
async def list_playbook_versions(
    playbook_id: PlaybookIdPath,
    scope: SecMasterReader,
    session: SessionDep,
    status: Annotated[PlaybookStatus | None, Query(description="Only versions of it.")] = None,
    enabled: Annotated[
        int | None,
        Query(ge=0, le=1, description="1: the version the playbook runs; 0: others."),
        WrittenInDigits,
    ] = None,
    version_type: Annotated[
        int | None,
        Query(ge=0, le=1, description="1: PUBLISHED versions; 0: drafts."),
        WrittenInDigits,
    ] = None,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 10,
) -> VersionList:
    """Oldest first."""
    service = PlaybookService(session, scope)
    where = VersionFilter(
        status=status.value if status else None,
        published=None if version_type is None else bool(version_type),
        active=None if enabled is None else bool(enabled),
    )
    playbook, rows, total = await service.version_listing(playbook_id, where, offset, limit)
    data = [version_item(v, playbook, scope) for v in rows]
    return VersionList(total=total, size=len(data), page=offset // limit + 1, data=data)


@router.post("/{playbook_id}/versions", summary="Add a version to a playbook")
@may_answer(NotFound, Conflict)
async def create_playbook_version(
    playbook_id: PlaybookIdPath, body: VersionCreate, scope: SecMasterWriter, session: SessionDep
) -> VersionEnvelope:
    """An EDITING version, with the actions and rule given."""
    _same_workspace(body.workspace_id, scope)
    if body.playbook_id is not None and body.playbook_id != playbook_id:
        raise ValidationFailed.for_field("playbook_id", "is not the path's playbook")
    service = PlaybookService(session, scope)
    spec = VersionSpec(
        dataclass_ref=body.dataclass_id,
        description=body.description,
        trigger_type=body.trigger_type,
        dataobject_create=body.dataobject_create,
        dataobject_update=body.dataobject_update,
        dataobject_delete=body.dataobject_delete,
        rule_enable=body.rule_enable,
        action_strategy=body.action_strategy,
        actions=action_specs(body.actions),
        rule=body.rule.rule if body.rule is not None else None,
    )
    row = await service.create_version(playbook_id, spec)
    return await version_envelope(service, row, scope)
