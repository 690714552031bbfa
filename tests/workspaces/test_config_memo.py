"""What each process keeps of a workspace's configuration (workspaces/config_memo.py): the
database bumps the workspace's revision on every write of it, however made, so a server never
answers from what another server has since changed; and a write of objects, once the
configuration is known, reads none of it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.app import create_app
from socdesk.models import Workspace
from socdesk.settings import Settings
from tests.automation.test_triggers import enabled_pair, runs_of
from tests.factories import TenantInfo, login, make_tenant
from tests.objects.payloads import alert
from tests.secmaster.incidents.payloads import incident_object, incidents_path

TICKET = {"fields": [{"field_key": "ticket", "name": "Ticket", "field_type": "String"}]}


@asynccontextmanager
async def another_server(
    settings: Settings, tenant: TenantInfo
) -> AsyncIterator[httpx.AsyncClient]:
    """A second app on the same database (as a second process would be), logged in as the
    tenant's administrator: its own engine, so its own memory of the configuration."""
    second: FastAPI = create_app(settings)
    transport = httpx.ASGITransport(app=second)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://second") as client:
            client.headers["X-Auth-Token"] = await login(
                client, tenant.admin_email, tenant.project_name
            )
            yield client
    finally:
        await second.state.engine.dispose()


def _soc(tenant: TenantInfo) -> str:
    return f"/v1/{tenant.project_id}/workspaces/{tenant.workspace_id}/soc"


async def _revision(sessions: async_sessionmaker[AsyncSession], workspace_id: uuid.UUID) -> int:
    async with sessions() as session:
        found = await session.scalar(
            select(Workspace.config_revision).where(Workspace.id == workspace_id)
        )
    assert found is not None
    return found


async def test_every_write_of_the_configuration_bumps_its_workspace_revision_only(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    other = await make_tenant(sessions)
    theirs = await _revision(sessions, other.workspace_id)
    soc = _soc(tenant)
    seen = [await _revision(sessions, tenant.workspace_id)]

    async def wrote() -> None:
        seen.append(await _revision(sessions, tenant.workspace_id))
        assert seen[-1] > seen[-2], seen

    assert (await admin_client.post(f"{soc}/dataclasses/Alert/fields", json=TICKET)).is_success
    await wrote()  # dataclass_fields
    asset = {"name": "Asset", "business_code": "Asset", "fields": TICKET["fields"]}
    assert (await admin_client.post(f"{soc}/dataclasses", json=asset)).is_success
    await wrote()  # custom_dataclasses
    await enabled_pair(admin_client, tenant)
    await wrote()  # playbooks, their versions and actions
    flow = f"{soc.removesuffix('/soc')}/components/socdesk_flow/configurations"
    saved = await admin_client.post(flow, json={"configuration": [{"list": [{"param": {}}]}]})
    assert saved.is_success, saved.text
    await wrote()  # component_configurations
    # A write no service makes (an operator's SQL) counts as well: the database keeps count.
    async with sessions.begin() as session:
        await session.execute(
            text("DELETE FROM dataclass_fields WHERE workspace_id = :w"),
            {"w": tenant.workspace_id if _is_postgres(session) else tenant.workspace_id.hex},
        )
    await wrote()
    assert await _revision(sessions, other.workspace_id) == theirs


def _is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def test_a_server_accepts_a_field_another_server_added_since(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, settings: Settings
) -> None:
    alerts = f"{_soc(tenant)}/alerts"
    with_ticket = {"data_object": alert(ticket="INC-1")}
    refused = await admin_client.post(alerts, json=with_ticket)
    assert refused.status_code == 400, refused.text
    async with another_server(settings, tenant) as second:
        added = await second.post(f"{_soc(tenant)}/dataclasses/Alert/fields", json=TICKET)
        assert added.is_success, added.text
    created = await admin_client.post(alerts, json=with_ticket)
    assert created.status_code == 200, created.text
    shown = await admin_client.get(f"{alerts}/{created.json()['data']['id']}")
    assert shown.json()["data"]["data_object"]["ticket"] == "INC-1"


async def test_a_playbook_enabled_on_another_server_fires_on_the_next_write(
    admin_client: httpx.AsyncClient,
    tenant: TenantInfo,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    incidents = incidents_path(tenant.project_hex, tenant.workspace_id)
    severe = {"data_object": incident_object()}
    assert (await admin_client.post(incidents, json=severe)).is_success
    assert await runs_of(sessions) == []
    async with another_server(settings, tenant) as second:
        workflow_id = await enabled_pair(second, tenant)
    assert (await admin_client.post(incidents, json=severe)).is_success
    assert [str(r.workflow_id) for r in await runs_of(sessions)] == [workflow_id]


async def test_an_object_write_reads_no_configuration_once_it_is_known(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, app: FastAPI
) -> None:
    alerts = f"{_soc(tenant)}/alerts"
    assert (await admin_client.post(alerts, json={"data_object": alert()})).is_success
    tables: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        tables.extend(
            t for t in ("dataclass_fields", "custom_dataclasses", "playbook") if t in statement
        )

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        assert (await admin_client.post(alerts, json={"data_object": alert()})).is_success
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert tables == []
