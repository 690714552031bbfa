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
from tests.automation.runs.helpers import chain, runnable, runner, service_task
from tests.factories import TenantInfo
from tests.objects.payloads import alert
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


def _alert_workflow(tag: str) -> tuple[str, str]:
    """A workflow of the Alert class that tags the alert `tag`; (BPMN, name)."""
    bpmn = chain(f"tag_{tag}", ("t", service_task("t", "add_tag", tag=tag))).replace(
        'isExecutable="true"', 'isExecutable="true" socdesk:dataclass="Alert"', 1
    )
    return bpmn, f"tag_{tag}"


async def _labels(client: httpx.AsyncClient, tenant: TenantInfo, alert_id: str) -> str:
    shown = await _ok(client.get(f"{_soc(tenant)}/alerts/{alert_id}"))
    return str(shown["data"]["data_object"].get("labels") or "")


async def test_a_batch_order_fires_the_incidents_create_and_the_alerts_update(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    soc = _soc(tenant)
    made = await admin_client.post(
        f"{soc}/datapanel/Alert/data-objects/batch-create",
        json={
            "data_object": [
                alert(title="mild 1", severity="Low"),
                alert(title="mild 2", severity="Tips"),
                alert(title="severe 1", severity="High"),
                alert(title="severe 2", severity="Low"),
            ]
        },
    )
    assert made.status_code == 200, made.text
    mild_1, mild_2, severe_1, severe_2 = [str(r["id"]) for r in made.json()]
    await enabled_pair(admin_client, tenant)  # severe incidents, on create: triage
    # Severe alerts, on update: tagged.
    await enabled_pair(
        admin_client,
        tenant,
        on="dataobject_update",
        dataclass="Alert",
        workflow=_alert_workflow("ordered"),
    )
    content = {"title": "Ordered", "incident_type": {"category": "Intrusion", "incident_type": "x"}}

    # The rules fail: the incident is Low (its alerts' highest), the alerts are not severe.
    mild = await _ok(
        admin_client.post(
            f"{soc}/alerts/batch-order",
            json={"ids": [mild_1, mild_2], "incident_content": content},
        )
    )
    assert mild["data"]["success_ids"] == [mild_1, mild_2]
    assert await runs_of(sessions) == []

    severe = await _ok(
        admin_client.post(
            f"{soc}/alerts/batch-order",
            json={"ids": [severe_1, severe_2], "incident_content": content},
        )
    )
    assert sorted(severe["data"]["success_ids"]) == sorted([severe_1, severe_2])
    incident_id = (await _ok(admin_client.get(f"{soc}/alerts/{severe_1}")))["data"]["data_object"][
        "incident_id"
    ]
    fired = sorted((r.dataclass_name, str(r.dataobject_id)) for r in await runs_of(sessions))
    # The incident (High: its alerts' highest) and the High alert; not the Low one.
    assert fired == sorted([("Incident", incident_id), ("Alert", severe_1)])
    assert await runner(sessions).drain() == 2
    assert await tags_of(sessions, incident_id) == ["triage"]
    assert await _labels(admin_client, tenant, severe_1) == "ordered"
    assert await _labels(admin_client, tenant, severe_2) == ""
    assert [r.status for r in await runs_of(sessions)] == ["FINISHED", "FINISHED"]


async def test_bulk_edits_of_either_dialect_fire_the_update_playbooks_whose_rule_passes(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    path = incidents_path(tenant.project_hex, tenant.workspace_id)
    ids = [
        (await _ok(admin_client.post(path, json={"data_object": incident_object(severity="Low")})))[
            "data"
        ]["id"]
        for _ in range(5)
    ]
    await enabled_pair(admin_client, tenant, on="dataobject_update")  # severe, on update

    register = await admin_client.patch("/v1/incidents", json={"ids": ids[:2], "severity": "High"})
    assert register.status_code == 200, register.text
    failing = await admin_client.patch("/v1/incidents", json={"ids": ids[2:], "title": "still low"})
    assert failing.status_code == 200, failing.text
    secmaster = await _ok(
        admin_client.post(
            f"{path}/batch-update",
            json={"batch_ids": [ids[2]], "data_object": {"severity": "Fatal"}},
        )
    )
    assert secmaster["data"]["success_ids"] == [ids[2]]
    low = await _ok(
        admin_client.post(
            f"{path}/batch-update",
            json={"batch_ids": ids[3:], "data_object": {"title": "low still"}},
        )
    )
    assert low["data"]["success_ids"] == ids[3:]

    fired = sorted(str(r.dataobject_id) for r in await runs_of(sessions))
    assert fired == sorted(ids[:3])
    assert await runner(sessions).drain() == 3
    assert [await tags_of(sessions, i) for i in ids] == [["triage"]] * 3 + [[]] * 2
