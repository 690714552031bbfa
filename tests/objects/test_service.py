"""The data-object store in the domain's terms, on a real database (both stores): a batch is
all or none, written set-based with one event per object, promoted columns follow the
document, searches reach JSON paths, and a workspace holds only its own objects."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.classes.registry import ALERT, VULNERABILITY
from socdesk.iam.principal import AuthMethod, Principal
from socdesk.kit.conditions import SearchBody
from socdesk.kit.errors import NotFound, ValidationFailed
from socdesk.models import DataObject, DataObjectEvent, Project, Role, User, Workspace
from socdesk.objects.changes import Batch
from socdesk.objects.service import DataObjectService
from socdesk.workspaces.scope import WorkspaceScope
from tests.factories import TenantInfo, make_tenant
from tests.objects.payloads import alert, vulnerability


async def _scope(session: AsyncSession, tenant: TenantInfo) -> WorkspaceScope:
    user = await session.get(User, tenant.admin_id)
    project = await session.get(Project, tenant.project_id)
    workspace = await session.get(Workspace, tenant.workspace_id)
    assert user is not None
    assert project is not None
    assert workspace is not None
    return WorkspaceScope(Principal(user, project, AuthMethod.token), workspace, Role.admin)


async def _counts(session: AsyncSession) -> tuple[int, int]:
    objects = await session.scalar(select(func.count()).select_from(DataObject))
    events = await session.scalar(select(func.count()).select_from(DataObjectEvent))
    return int(objects or 0), int(events or 0)


async def test_a_batch_writes_each_object_its_columns_and_one_event(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    batch = Batch("nightly", "feed", trigger_flag=True)
    async with sessions.begin() as session:
        service = DataObjectService(session, await _scope(session, tenant))
        created = await service.create_many(
            ALERT, [alert(severity="Fatal", title="x" * 300), alert(handle_status="Closed")], batch
        )
    async with sessions.begin() as session:
        rows = {r.id: r for r in await session.scalars(select(DataObject).order_by(DataObject.id))}
        events = list(await session.scalars(select(DataObjectEvent)))

    first, second = (rows[c.id] for c in created)
    assert (first.severity, first.status, len(first.title or "")) == (4, "Open", 255)
    assert (second.severity, second.status) == (3, "Closed")
    assert first.data_object["id"] == str(first.id)
    assert first.id < second.id  # time-ordered, in input order
    assert sorted(e.object_id for e in events) == sorted(rows)
    assert {(e.action, e.batch_name, e.batch_type, e.trigger_flag) for e in events} == {
        ("create", "nightly", "feed", True)
    }
    assert all(e.actor_email == tenant.admin_email for e in events)


async def test_one_bad_object_refuses_the_batch_and_writes_nothing(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    async with sessions.begin() as session:
        service = DataObjectService(session, await _scope(session, tenant))
        with pytest.raises(ValidationFailed) as refused:
            await service.create_many(
                ALERT, [alert(), alert(severity="Huge"), "not an object"], Batch()
            )

    assert [(d.row, d.field) for d in refused.value.details] == [
        (1, "severity"),
        (2, "data_object"),
    ]
    async with sessions.begin() as session:
        assert await _counts(session) == (0, 0)


async def test_search_reads_json_paths_and_columns_alike(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    async with sessions.begin() as session:
        service = DataObjectService(session, await _scope(session, tenant))
        await service.create_many(
            VULNERABILITY,
            [
                vulnerability(vul_name="a", count=1, vulnerability={"level": "high"}),
                vulnerability(vul_name="b", count=7, vulnerability={"level": "low"}),
            ],
            Batch(),
        )
    async with sessions.begin() as session:
        service = DataObjectService(session, await _scope(session, tenant))

        async def names(*data: list[object]) -> list[str]:
            conditions = [{"name": f"c{i}", "data": d} for i, d in enumerate(data)]
            body = SearchBody.model_validate(
                {"condition": {"conditions": conditions}, "sort_by": "count", "order": "ASC"}
            )
            found, total = await service.search(VULNERABILITY, body)
            assert total == len(found)
            return [r.data_object["vul_name"] for r in found]

        assert await names(["count", ">", 2]) == ["b"]
        assert await names(["vulnerability.level", "=", "high"]) == ["a"]
        assert await names(["vul_name", "in", "a", "b"]) == ["a", "b"]
        assert await names(["count", "<=", 7], ["vul_name", "!=", "a"]) == ["b"]


async def test_another_workspace_sees_none_of_the_objects(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    other = await make_tenant(sessions)
    async with sessions.begin() as session:
        service = DataObjectService(session, await _scope(session, tenant))
        (created,) = await service.create_many(ALERT, [alert()], Batch())
    async with sessions.begin() as session:
        theirs = DataObjectService(session, await _scope(session, other))
        found, total = await theirs.search(ALERT, SearchBody())
        with pytest.raises(NotFound):
            await theirs.show(ALERT, str(created.id))
        deleted = await theirs.delete(ALERT, [str(created.id)])

    assert (found, total) == ([], 0)
    assert (deleted.done, deleted.refused) == ([], [str(created.id)])
    async with sessions.begin() as session:
        assert await _counts(session) == (1, 1)
