"""The trigger wiring's query: the published EVENT versions enabled playbooks run for a write
of a class, with their rules and ordered actions, in one statement."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.automation.playbooks.evaluator import matches
from socdesk.automation.playbooks.repository import (
    PlaybookVersionRepository,
    enabled_trigger_versions,
)
from socdesk.classes.registry import built_in_class
from socdesk.kit.changefeed import ChangeKind
from tests.factories import TenantInfo, login, make_tenant
from tests.secmaster.playbooks.helpers import enabled_workflow, ok, playbook, published, soc_path


def _class_id(name: str) -> uuid.UUID:
    data_class = built_in_class(name)
    assert data_class is not None
    return uuid.UUID(data_class.id)


async def _enabled(client: httpx.AsyncClient, soc: str, name: str, workflow_id: str) -> str:
    playbook_id = await playbook(client, soc, name)
    version = await published(client, soc, playbook_id, workflow_id)
    path = f"{soc}/playbooks/{playbook_id}"
    ok(await client.put(path, json={"enabled": True, "active_version_id": version["id"]}))
    return str(version["id"])


async def test_only_the_running_versions_of_the_class_and_event_are_found(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    soc = soc_path(tenant)
    workflow_id = await enabled_workflow(admin_client, soc)
    running = await _enabled(admin_client, soc, "Running", workflow_id)
    actions = f"{soc}/playbooks/versions/{running}/actions"
    # Published but not enabled: not found; nor another workspace's running one.
    disabled_id = await playbook(admin_client, soc, "Disabled")
    await published(admin_client, soc, disabled_id, workflow_id)
    other = await make_tenant(sessions)
    client.headers["X-Auth-Token"] = await login(client, other.admin_email, other.project_name)
    other_soc = soc_path(other)
    await _enabled(client, other_soc, "Elsewhere", await enabled_workflow(client, other_soc))

    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    async with sessions() as session:
        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", count)
        try:
            repository = PlaybookVersionRepository(session, tenant.workspace_id)
            on_create = await repository.enabled_trigger_versions(
                _class_id("Incident"), ChangeKind.create
            )
        finally:
            event.remove(engine, "before_cursor_execute", count)
        on_update = await repository.enabled_trigger_versions(
            _class_id("Incident"), ChangeKind.update
        )
        on_alerts = await repository.enabled_trigger_versions(_class_id("Alert"), ChangeKind.create)

    assert len(statements) == 1
    [found] = on_create
    assert str(found.version_id) == running
    assert found.playbook_name == "Running"
    assert found.rule_enable is True
    assert [str(a.workflow_id) for a in found.actions] == [workflow_id]
    assert matches(found.rule or "", {"severity": "High", "confidence": 90}) is True
    assert matches(found.rule or "", {"severity": "Low", "confidence": 90}) is False
    assert (on_update, on_alerts) == ([], [])
    assert ok(await admin_client.get(actions))["total"] == 1


async def test_actions_come_in_their_sort_order(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    soc = soc_path(tenant)
    workflow_id = await enabled_workflow(admin_client, soc)
    playbook_id = await playbook(admin_client, soc)
    body = {
        "dataclass_id": "Incident",
        "dataobject_create": True,
        "actions": [
            {"name": name, "action_id": workflow_id, "sort_order": order}
            for name, order in (("third", "30"), ("first", 10), ("second", "20"))
        ],
    }
    version = ok(await admin_client.post(f"{soc}/playbooks/{playbook_id}/versions", json=body))
    path = f"{soc}/playbooks/versions/{version['data']['id']}"
    ok(await admin_client.put(path, json={"status": "APPROVING"}))
    ok(await admin_client.post(f"{path}/approval", json={"result": "PASS"}))
    ok(await admin_client.put(path, json={"enabled": True}))

    async with sessions() as session:
        [found] = await enabled_trigger_versions(
            session, tenant.workspace_id, _class_id("Incident"), ChangeKind.create
        )

    assert [a.name for a in found.actions] == ["first", "second", "third"]
    assert (found.rule_enable, found.rule) == (False, None)
