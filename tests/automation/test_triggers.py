"""Playbook triggers (automation/triggers.py): the triage pair runs when a matching incident is
written through either dialect, a batch-create and an import, in the write's transaction; not
when the rule fails or the request says `trigger_flag: false`; and a workflow's own changes
never fire playbooks again."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import IncidentTag, WorkflowRun
from tests.automation.bpmn_files import TRIAGE
from tests.automation.runs.helpers import runnable, runner
from tests.factories import TenantInfo
from tests.secmaster.incidents.payloads import incident_object, incidents_path
from tests.secmaster.workflows.helpers import workflows_path
from tests.transfer.files import json_file

SEVERE = {
    "expression_type": "common",
    "conditions": [{"name": "severe", "data": ["severity", "in", "High", "Fatal"]}],
    "logics": ["severe"],
}


def _soc(tenant: TenantInfo) -> str:
    return f"/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc"


async def _ok(response: Any) -> dict[str, Any]:
    answer = await response
    assert answer.status_code in (200, 201), answer.text
    body: dict[str, Any] = answer.json()
    return body


async def enabled_pair(
    client: httpx.AsyncClient,
    tenant: TenantInfo,
    *,
    on: str = "dataobject_create",
    rule: dict[str, Any] | None = SEVERE,
    dataclass: str = "Incident",
    cron: str | None = None,
    workflow: tuple[str, str] = (TRIAGE, "Triage high severity"),
) -> str:
    """The triage workflow (or `workflow`'s BPMN and name), enabled, and a published, enabled
    playbook running it on `on` of `dataclass` under `rule` (or, given a `cron`, on its
    ticks); the workflow's id."""
    workflow_id = await runnable(client, tenant, *workflow)
    await _ok(client.put(f"{workflows_path(tenant)}/{workflow_id}", json={"enabled": True}))
    soc = _soc(tenant)
    playbook = (await _ok(client.post(f"{soc}/playbooks", json={"name": f"P {workflow_id}"})))[
        "data"
    ]["id"]
    version: dict[str, Any] = {
        "dataclass_id": dataclass,
        "trigger_type": "EVENT",
        on: True,
        "rule_enable": rule is not None,
        "action_strategy": "ASYNC",
        "actions": [{"name": "triage", "action_type": "AOP_WORKFLOW", "action_id": workflow_id}],
    }
    if rule is not None:
        version["rule"] = {"rule": rule}
    if cron is not None:
        version.update(trigger_type="TIMER", rule={"rule": {"cron": cron}})
    made = await _ok(client.post(f"{soc}/playbooks/{playbook}/versions", json=version))
    version_id = made["data"]["id"]
    versions = f"{soc}/playbooks/versions/{version_id}"
    await _ok(client.put(versions, json={"status": "APPROVING"}))
    await _ok(client.post(f"{versions}/approval", json={"result": "PASS", "content": "ok"}))
    await _ok(
        client.put(
            f"{soc}/playbooks/{playbook}", json={"enabled": True, "active_version_id": version_id}
        )
    )
    return workflow_id


async def runs_of(sessions: async_sessionmaker[AsyncSession]) -> list[WorkflowRun]:
    async with sessions() as session:
        return list(await session.scalars(select(WorkflowRun).order_by(WorkflowRun.created_at)))


async def tags_of(sessions: async_sessionmaker[AsyncSession], incident_id: str) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(
            select(IncidentTag.content).where(IncidentTag.incident_id == uuid.UUID(incident_id))
        )
        return sorted(rows)


async def test_a_severe_incident_created_through_secmaster_is_triaged(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await enabled_pair(admin_client, tenant)
    path = incidents_path(tenant.project_hex, tenant.workspace_id)

    severe = await _ok(admin_client.post(path, json={"data_object": incident_object()}))
    mild = await _ok(admin_client.post(path, json={"data_object": incident_object(severity="Low")}))
    held = await _ok(
        admin_client.post(path, json={"data_object": incident_object(), "trigger_flag": False})
    )

    runs = await runs_of(sessions)
    assert [(str(r.dataobject_id), r.trigger_type, r.status) for r in runs] == [
        (severe["data"]["id"], "EVENT", "RUNNING")
    ]
    assert await runner(sessions).drain() == 1
    assert await tags_of(sessions, severe["data"]["id"]) == ["triage"]
    assert await tags_of(sessions, mild["data"]["id"]) == []
    assert await tags_of(sessions, held["data"]["id"]) == []
    assert [r.status for r in await runs_of(sessions)] == ["FINISHED"]


async def test_register_creates_batch_creates_and_imports_fire_it_too(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await enabled_pair(admin_client, tenant)
    soc = _soc(tenant)

    registered = await _ok(
        admin_client.post("/v1/incidents", json={"title": "from the register", "severity": "High"})
    )
    batch = await admin_client.post(
        f"{soc}/datapanel/Incident/data-objects/batch-create",
        json={
            "trigger_flag": True,
            "data_object": [
                incident_object(title="b1"),
                incident_object(title="b2", severity="Low"),
            ],
        },
    )
    assert batch.status_code == 200, batch.text
    held = await admin_client.post(
        f"{soc}/datapanel/Incident/data-objects/batch-create",
        json={"trigger_flag": False, "data_object": [incident_object(title="b3")]},
    )
    assert held.status_code == 200, held.text
    imported = await _ok(
        admin_client.post(
            f"{soc}/incidents/import",
            files={"uploadFile": ("i.json", json_file([incident_object(title="imported")]))},
        )
    )

    fired = {str(r.dataobject_id) for r in await runs_of(sessions)}
    assert len(fired) == 3  # the register's, the severe one of the batch, the imported one
    assert {batch.json()[0]["id"], *imported["data"]["ids"]} < fired
    assert registered["incident"]["severity"] == "High"
    assert held.json()[0]["id"] not in fired
    assert batch.json()[1]["id"] not in fired
    assert await runner(sessions).drain() == len(fired)


async def test_a_workflows_own_change_does_not_fire_playbooks_again(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # On every update of any incident: the triage run's tag and note are updates.
    await enabled_pair(admin_client, tenant, on="dataobject_update", rule=None)
    path = incidents_path(tenant.project_hex, tenant.workspace_id)
    created = await _ok(admin_client.post(path, json={"data_object": incident_object()}))
    incident_id = created["data"]["id"]
    assert await runs_of(sessions) == []

    await _ok(admin_client.put(f"{path}/{incident_id}", json={"data_object": {"title": "renamed"}}))
    assert len(await runs_of(sessions)) == 1
    assert await runner(sessions).drain() == 1

    assert await tags_of(sessions, incident_id) == ["triage"]
    assert [r.status for r in await runs_of(sessions)] == ["FINISHED"]
