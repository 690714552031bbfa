"""Workflow rules in the domain's terms, on a real database: one activated version per
workflow (the database holds it too), and imports that write nothing when they fail."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.automation.repository import SortOrder, WorkflowFilter, WorkflowSort
from socdesk.automation.service import NewVersion, NewWorkflow, VersionChange, WorkflowService
from socdesk.automation.transfer import WorkflowImporter
from socdesk.automation.versions import ApprovalResult
from socdesk.iam.principal import AuthMethod, Principal
from socdesk.kit.errors import ValidationFailed
from socdesk.models import Project, Role, User, VersionStatus, WorkflowVersion, Workspace
from socdesk.workspaces.scope import WorkspaceScope
from tests.automation.bpmn_files import TRIAGE, triage
from tests.factories import TenantInfo


async def _service(session: AsyncSession, tenant: TenantInfo) -> WorkflowService:
    user = await session.get(User, tenant.admin_id)
    project = await session.get(Project, tenant.project_id)
    workspace = await session.get(Workspace, tenant.workspace_id)
    assert user is not None
    assert project is not None
    assert workspace is not None
    scope = WorkspaceScope(Principal(user, project, AuthMethod.token), workspace, Role.admin)
    return WorkflowService(session, scope)


async def test_approving_a_version_deactivates_the_one_before(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    async with sessions.begin() as session:
        service = await _service(session, tenant)
        workflow = await service.create(NewWorkflow("Triage", "Incident"))
        ids = []
        for name in ("one", "two"):
            version = await service.create_version(str(workflow.id), NewVersion(name, TRIAGE))
            submit = VersionChange(status=VersionStatus.pending_approval)
            await service.update_version(str(version.id), submit)
            await service.approve(str(version.id), ApprovalResult.PASS, "")
            ids.append(version.id)

    async with sessions.begin() as session:
        service = await _service(session, tenant)
        _, rows = await service.version_listing(str(workflow.id), None)
        statuses = {row.id: row.status for row in rows}
        shown = await service.find(str(workflow.id))

    assert statuses == {ids[0]: "not_activated", ids[1]: "activated"}
    assert shown.version_id == ids[1]


async def test_the_database_refuses_a_second_activated_version(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    async with sessions.begin() as session:
        service = await _service(session, tenant)
        workflow = await service.create(NewWorkflow("Triage", "Incident"))
        for name in ("one", "two"):
            await service.create_version(str(workflow.id), NewVersion(name, TRIAGE))

    with pytest.raises(IntegrityError):
        async with sessions.begin() as session:
            await session.execute(
                update(WorkflowVersion)
                .where(WorkflowVersion.workflow_id == workflow.id)
                .values(status="activated")
            )


async def test_a_failed_import_writes_nothing_even_after_earlier_workflows_passed(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    good = triage(('name="Triage high severity"', 'name="Good"'))
    bad = triage(("bpmn:endEvent", "bpmn:task"))
    async with sessions.begin() as session:
        service = await _service(session, tenant)
        await WorkflowImporter(service).run(good.encode(), "good.bpmn")
        with pytest.raises(ValidationFailed) as refused:
            await WorkflowImporter(service).run(bad.encode(), "bad.bpmn")
        everything = WorkflowFilter()
        page = await service.listing(everything, WorkflowSort.name, SortOrder.ASC, 0, 100)

    assert "has no end event" in refused.value.message
    assert [w.name for w in page.workflows] == ["Good"]
