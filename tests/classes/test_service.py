"""A workspace's data classes in the domain's terms: the built-in ones with what it added, its
own, found by any of their names, and none of another workspace's."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.classes.definitions import NewClass, NewField
from socdesk.classes.registry import ALERT, BUILT_IN_CLASSES
from socdesk.classes.service import DataClassService
from socdesk.classes.types import DataClassTypes, NewType
from socdesk.classes.validation import check_data_object
from socdesk.iam.principal import AuthMethod, Principal
from socdesk.kit.errors import Conflict, NotFound, ValidationFailed
from socdesk.models import Project, Role, User, Workspace
from socdesk.workspaces.scope import WorkspaceScope
from tests.factories import TenantInfo, make_tenant

ASSET = NewClass(
    "Asset",
    "Asset",
    fields=[
        NewField("hostname", "Host name", "String", required=True),
        NewField("tier", "Tier", "Enum", enum_values=("gold", "silver")),
    ],
)


async def _scope(session: AsyncSession, tenant: TenantInfo) -> WorkspaceScope:
    user = await session.get(User, tenant.admin_id)
    project = await session.get(Project, tenant.project_id)
    workspace = await session.get(Workspace, tenant.workspace_id)
    assert user is not None
    assert project is not None
    assert workspace is not None
    return WorkspaceScope(Principal(user, project, AuthMethod.token), workspace, Role.admin)


async def test_own_classes_follow_the_built_in_ones_and_are_found_by_any_name(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    async with sessions.begin() as session:
        service = DataClassService(session, await _scope(session, tenant))
        created = await service.create(ASSET)
        await service.add_fields("assets", [NewField("rack", "Rack", "Integer")])
    async with sessions.begin() as session:
        service = DataClassService(session, await _scope(session, tenant))
        classes = await service.classes()
        found = [await service.find(ref) for ref in (created.id, "ASSET", "assets")]

    assert [c.name for c in classes] == [*(c.name for c in BUILT_IN_CLASSES), "Asset"]
    assert {c.id for c in found} == {created.id}
    asset = found[0]
    assert [f.key for f in asset.fields] == [
        "id",
        "create_time",
        "update_time",
        "incident_id",
        "hostname",
        "tier",
        "rack",
    ]
    assert check_data_object(asset, {"hostname": "web-1", "tier": "gold", "rack": 4}) == []
    assert [p.field for p in check_data_object(asset, {"tier": "bronze"})] == [
        "hostname",
        "tier",
    ]


async def test_added_fields_join_a_built_in_class_in_that_workspace_only(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    other = await make_tenant(sessions)
    async with sessions.begin() as session:
        service = DataClassService(session, await _scope(session, tenant))
        await service.add_fields("Alert", [NewField("ticket", "Ticket", "String")])
        await service.add_fields("Alert", [NewField("queue", "Queue", "String")])
    async with sessions.begin() as session:
        mine = await DataClassService(session, await _scope(session, tenant)).find("alerts")
        theirs = await DataClassService(session, await _scope(session, other)).find("alerts")

    assert [f.key for f in mine.fields[len(ALERT.fields) :]] == ["ticket", "queue"]
    assert theirs.fields == ALERT.fields


async def test_another_workspace_finds_none_of_these_classes_nor_types(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    other = await make_tenant(sessions)
    async with sessions.begin() as session:
        scope = await _scope(session, tenant)
        created = await DataClassService(session, scope).create(ASSET)
        _, kind = await DataClassTypes(session, scope).create(
            "Indicator", NewType(category="IP", category_code="ip")
        )
    async with sessions.begin() as session:
        scope = await _scope(session, other)
        with pytest.raises(NotFound):
            await DataClassService(session, scope).find(created.id)
        with pytest.raises(NotFound):
            await DataClassTypes(session, scope).enable("Indicator", [str(kind.id)], False)
        _, rows, total, _ = await DataClassTypes(session, scope).page("Indicator", 0, 10, None)

    assert (list(rows), total) == ([], 0)


async def test_a_definition_is_refused_whole(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    async with sessions.begin() as session:
        service = DataClassService(session, await _scope(session, tenant))
        await service.create(ASSET)
        with pytest.raises(Conflict):
            await service.create(
                NewClass("Hosts", "Host", route_name="assets", fields=ASSET.fields)
            )
        with pytest.raises(ValidationFailed) as refused:
            await service.add_fields(
                "Asset", [NewField("hostname", "Again", "String"), NewField("ok", "Ok", "String")]
            )

    assert [d.field for d in refused.value.details] == ["fields[0].field_key"]
    async with sessions.begin() as session:
        asset = await DataClassService(session, await _scope(session, tenant)).find("Asset")
    assert "ok" not in asset.by_key
