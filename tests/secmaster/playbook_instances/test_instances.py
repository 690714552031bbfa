"""Playbook instances (automation/playbooks/instances.py): one per firing, recorded with its
runs, its status and times derived from them; list filters and paging, show, topology, audit
logs, monitor; RETRY and TERMINATE through the runs; tenants and viewers."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.automation.timers import fire_due_timers
from socdesk.kit.clock import utcnow
from socdesk.models import Role
from tests.automation.runs.helpers import runner
from tests.automation.test_triggers import enabled_pair, runs_of
from tests.factories import TenantInfo, login, make_member, make_tenant
from tests.secmaster.incidents.payloads import incident_object, incidents_path


def _soc(tenant: TenantInfo) -> str:
    return f"/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc"


def _ok(answer: httpx.Response) -> Any:
    assert answer.status_code == 200, answer.text
    return answer.json()


async def _incident(client: httpx.AsyncClient, tenant: TenantInfo, **fields: str) -> str:
    path = incidents_path(tenant.project_hex, tenant.workspace_id)
    made = _ok(await client.post(path, json={"data_object": incident_object(**fields)}))
    return str(made["data"]["id"])


async def _playbook_id(client: httpx.AsyncClient, tenant: TenantInfo) -> str:
    listed = _ok(await client.get(f"{_soc(tenant)}/playbooks"))
    return str(listed["data"][0]["id"])


async def test_a_firing_is_an_instance_whose_status_and_times_come_from_its_runs(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    workflow_id = await enabled_pair(admin_client, tenant)
    severe = await _incident(admin_client, tenant)
    await _incident(admin_client, tenant, severity="Low")  # fails the rule: no instance
    base = f"{_soc(tenant)}/playbooks/instances"

    listed = _ok(await admin_client.get(base))
    assert listed["count"] == 1
    (running,) = listed["instances"]
    assert running["status"] == "RUNNING"
    assert running["end_time"] is None
    assert (running["trigger_type"], running["dataobject"]["id"]) == ("EVENT", severe)
    assert running["playbook"]["name"] == f"P {workflow_id}"
    assert running["playbook"]["version"] == "v1"
    assert running["dataclass"]["name"] == "Incident"
    (run,) = await runs_of(sessions)
    assert str(run.playbook_instance_id) == running["id"]

    assert await runner(sessions).drain() == 1
    shown = _ok(await admin_client.get(f"{base}/{running['id']}"))
    assert shown["status"] == "FINISHED"
    assert shown["end_time"] is not None
    assert shown["start_time"] <= shown["end_time"]

    topology = _ok(await admin_client.get(f"{base}/{running['id']}/topology"))
    entries = topology["action_instances"]
    assert topology["count"] == len(entries) > 1
    assert entries[0]["instance_log"]["instance_type"] == "AOP_WORKFLOW"
    assert entries[0]["instance_log"]["instance_id"] == str(run.id)
    assert entries[0]["action"]["action_id"] == workflow_id
    assert entries[0]["action"]["name"] == "triage"
    tasks = [e["instance_log"] for e in entries[1:]]
    assert {t["parent_instance_id"] for t in tasks} == {str(run.id)}
    assert all(t["status"] == "FINISHED" and t["log_level"] == "INFO" for t in tasks)

    logs = _ok(await admin_client.post(f"{base}/auditlogs", json={"instance_id": running["id"]}))
    assert logs["count"] == len(tasks)
    assert [g["action_id"] for g in logs["audit_logs"]] == [t["action_id"] for t in tasks]
    assert all(g["trigger_type"] == "EVENT" for g in logs["audit_logs"])
    none = _ok(await admin_client.post(f"{base}/auditlogs", json={"log_level": "ERROR"}))
    assert none == {"count": 0, "audit_logs": []}
    newest = _ok(
        await admin_client.post(
            f"{base}/auditlogs", params={"sort_dir": "DESC", "limit": 1}, json={}
        )
    )
    assert newest["count"] == len(tasks)
    assert [g["action_id"] for g in newest["audit_logs"]] == [tasks[-1]["action_id"]]


async def test_filters_and_paging(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    workflow_id = await enabled_pair(admin_client, tenant)
    ids = [await _incident(admin_client, tenant, title=f"i{n}") for n in range(3)]
    base = f"{_soc(tenant)}/playbooks/instances"
    assert await runner(sessions).drain() == 3
    later = await _incident(admin_client, tenant, title="later")

    def listing(**params: Any) -> Any:
        return admin_client.get(base, params=params)

    page = _ok(await listing(limit=2, offset=1))
    everything = _ok(await listing(limit=10))
    assert everything["count"] == page["count"] == 4
    assert [i["dataobject"]["id"] for i in everything["instances"]] == [later, *reversed(ids)]
    assert page["instances"] == everything["instances"][1:3]
    assert _ok(await listing(status="RUNNING"))["count"] == 1
    assert _ok(await listing(status="FINISHED"))["count"] == 3
    assert _ok(await listing(status="FAILED"))["count"] == 0
    assert _ok(await listing(trigger_type="TIMER"))["count"] == 0
    assert _ok(await listing(trigger_type="EVENT"))["count"] == 4
    assert _ok(await listing(playbook_name=workflow_id[:8]))["count"] == 4
    assert _ok(await listing(playbook_name="nothing like it"))["count"] == 0
    assert _ok(await listing(dataclass_name="Incident"))["count"] == 4
    (one,) = _ok(await listing(dataobject_name=ids[0]))["instances"]
    assert one["dataobject"]["id"] == ids[0]
    assert _ok(await listing(dataobject_name="not an id"))["count"] == 0
    future = (utcnow() + timedelta(hours=1)).isoformat()
    assert _ok(await listing(from_date=future))["count"] == 0
    assert _ok(await listing(to_date=future))["count"] == 4
    # Ended by then: the three finished ones (the running one has no end).
    assert _ok(await listing(to_date=future, date_type="END"))["count"] == 3

    refused = [
        await listing(status="DONE"),
        await listing(trigger_type="MANUAL"),
        await listing(from_date="yesterday"),
        await listing(date_type="MIDDLE"),
        await listing(limit=0),
        await listing(offset=-1),
    ]
    assert [r.status_code for r in refused] == [400] * len(refused)

    playbook_id = await _playbook_id(admin_client, tenant)
    monitor = _ok(await admin_client.get(f"{_soc(tenant)}/playbooks/{playbook_id}/monitor"))
    figures = monitor["data"]
    assert (figures["total_instance_num"], figures["event_instance_run_num"]) == (4, 4)
    assert (figures["success_instance_num"], figures["running_instance_num"]) == (3, 1)
    assert (figures["fail_instance_num"], figures["schedule_instance_run_num"]) == (0, 0)
    assert figures["average_run_time"] >= 0
    quickest, slowest = figures["min_run_time_instance"], figures["max_run_time_instance"]
    assert quickest["playbook_instance_id"] in {i["id"] for i in everything["instances"][1:]}
    assert quickest["playbook_instance_run_time"] <= slowest["playbook_instance_run_time"]
    deleted = _ok(
        await admin_client.get(
            f"{_soc(tenant)}/playbooks/{playbook_id}/monitor",
            params={"version_query_type": "DELETED"},
        )
    )
    assert deleted["data"]["total_instance_num"] == 0
    bad = await admin_client.get(
        f"{_soc(tenant)}/playbooks/{playbook_id}/monitor", params={"start_time": "soon"}
    )
    assert bad.status_code == 400


async def test_terminate_then_retry_go_through_its_runs(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await enabled_pair(admin_client, tenant)
    await _incident(admin_client, tenant)
    base = f"{_soc(tenant)}/playbooks/instances"
    (instance,) = _ok(await admin_client.get(base))["instances"]
    operation = f"{base}/{instance['id']}/operation"

    retry_early = await admin_client.post(operation, json={"operation": "RETRY"})
    assert retry_early.status_code == 409
    terminated = _ok(await admin_client.post(operation, json={"operation": "TERMINATE"}))
    assert terminated["status"] == "TERMINATED"
    assert terminated["end_time"] is not None
    again = await admin_client.post(operation, json={"operation": "TERMINATE"})
    assert again.status_code == 409
    assert [r.status for r in await runs_of(sessions)] == ["TERMINATED"]

    retried = _ok(await admin_client.post(operation, json={"operation": "RETRY"}))
    assert retried["status"] == "RETRYING"
    assert retried["end_time"] is None
    assert await runner(sessions).drain() == 1
    assert _ok(await admin_client.get(f"{base}/{instance['id']}"))["status"] == "FINISHED"
    (run,) = await runs_of(sessions)
    assert run.retry_count == 1

    refused = [
        await admin_client.post(operation, json={"operation": "PAUSE"}),
        await admin_client.post(operation, json={}),
        await admin_client.post(operation, json={"operation": "RETRY", "extra": 1}),
    ]
    assert [r.status_code for r in refused] == [400] * len(refused)


async def test_a_timer_tick_is_an_instance_on_no_object(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    enabled_at = utcnow()
    await enabled_pair(admin_client, tenant, cron="*/5 * * * *", rule=None)
    later = enabled_at + timedelta(minutes=6)
    fired = await asyncio.gather(fire_due_timers(sessions, later), fire_due_timers(sessions, later))
    assert sorted(fired) == [0, 1]

    listed = _ok(await admin_client.get(f"{_soc(tenant)}/playbooks/instances"))
    assert listed["count"] == 1
    (instance,) = listed["instances"]
    assert (instance["trigger_type"], instance["dataobject"]) == ("TIMER", None)
    assert instance["dataclass"]["name"] == "Incident"
    assert instance["dataclass"]["id"]
    (run,) = await runs_of(sessions)
    assert str(run.playbook_instance_id) == instance["id"]
    playbook_id = await _playbook_id(admin_client, tenant)
    monitor = _ok(await admin_client.get(f"{_soc(tenant)}/playbooks/{playbook_id}/monitor"))
    assert monitor["data"]["schedule_instance_run_num"] == 1


async def test_other_workspaces_see_nothing_and_viewers_only_read(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    tenant: TenantInfo,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await enabled_pair(admin_client, tenant)
    await _incident(admin_client, tenant)
    assert await runner(sessions).drain() == 1
    mine = f"{_soc(tenant)}/playbooks/instances"
    (instance,) = _ok(await admin_client.get(mine))["instances"]
    playbook_id = await _playbook_id(admin_client, tenant)

    other = await make_tenant(sessions)
    theirs_headers = {"X-Auth-Token": await login(client, other.admin_email, other.project_name)}
    theirs = f"{_soc(other)}/playbooks/instances"
    answers = [
        await client.get(f"{theirs}/{instance['id']}", headers=theirs_headers),
        await client.get(f"{theirs}/{instance['id']}/topology", headers=theirs_headers),
        await client.post(
            f"{theirs}/{instance['id']}/operation",
            json={"operation": "RETRY"},
            headers=theirs_headers,
        ),
        await client.get(f"{_soc(other)}/playbooks/{playbook_id}/monitor", headers=theirs_headers),
    ]
    # SecMaster answers an id that names nothing here with its 400 SecMaster.20030005.
    assert [a.status_code for a in answers] == [400] * len(answers)
    assert {a.json()["code"] for a in answers} == {"SecMaster.20030005"}
    listed = _ok(await client.get(theirs, headers=theirs_headers))
    assert listed == {"count": 0, "instances": []}
    logs = _ok(
        await client.post(
            f"{theirs}/auditlogs", json={"instance_id": instance["id"]}, headers=theirs_headers
        )
    )
    assert logs == {"count": 0, "audit_logs": []}

    viewer = {
        "X-Auth-Token": await login(
            client, await make_member(sessions, tenant, Role.viewer), tenant.project_name
        )
    }
    reads = [
        await client.get(mine, headers=viewer),
        await client.get(f"{mine}/{instance['id']}", headers=viewer),
        await client.get(f"{mine}/{instance['id']}/topology", headers=viewer),
        await client.post(f"{mine}/auditlogs", json={}, headers=viewer),
    ]
    assert [r.status_code for r in reads] == [200] * len(reads)
    write = await client.post(
        f"{mine}/{instance['id']}/operation", json={"operation": "TERMINATE"}, headers=viewer
    )
    assert write.status_code == 403
    assert _ok(await admin_client.get(f"{mine}/{instance['id']}"))["status"] == "FINISHED"


async def test_a_batch_write_records_all_its_instances_with_one_insert(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await enabled_pair(admin_client, tenant)
    inserts: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO PLAYBOOK_INSTANCES"):
            inserts.append(statement)

    engine = sessions.kw["bind"].sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        batch = await admin_client.post(
            f"{_soc(tenant)}/datapanel/Incident/data-objects/batch-create",
            json={
                "trigger_flag": True,
                "data_object": [incident_object(title=f"b{n}") for n in range(5)],
            },
        )
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert batch.status_code == 200, batch.text
    assert len(inserts) == 1
    listed = _ok(
        await admin_client.get(f"{_soc(tenant)}/playbooks/instances", params={"limit": 10})
    )
    assert listed["count"] == 5
    assert {i["dataobject"]["id"] for i in listed["instances"]} == {o["id"] for o in batch.json()}
    runs = await runs_of(sessions)
    assert sorted(str(r.playbook_instance_id) for r in runs) == sorted(
        i["id"] for i in listed["instances"]
    )
