"""The run and to-do list filters SecMaster's SDK sends: each one excludes what it does not
name (`playbook_id` by the playbook whose instance started the run; `defence_id`, `note` and
`creator_name` naming what SOCdesk runs and to-dos do not have match none)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.automation.runs.helpers import runnable, runner, started
from tests.automation.runs.test_runs import USER
from tests.automation.test_triggers import enabled_pair
from tests.factories import TenantInfo
from tests.secmaster.incidents.factories import seed_incidents
from tests.secmaster.incidents.payloads import incident_object, incidents_path
from tests.secmaster.workflows.helpers import workflows_path


async def _ok(client: httpx.AsyncClient, path: str, **params: Any) -> Any:
    answer = await client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_playbook_id_keeps_the_runs_its_instances_started_and_defence_id_matches_none(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    workflow_id = await enabled_pair(admin_client, tenant)
    soc = f"/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc"
    [playbook] = (await _ok(admin_client, f"{soc}/playbooks"))["data"]
    created = await admin_client.post(
        incidents_path(tenant.project_hex, tenant.workspace_id),
        json={"data_object": incident_object()},
    )
    assert created.status_code == 200, created.text
    # Low: the playbook's rule leaves it out, so only the manual run acts on it.
    (other_incident,) = await seed_incidents(sessions, tenant, [incident_object(severity="Low")])
    manual_id = await started(admin_client, tenant, workflow_id, other_incident)
    await runner(sessions).drain()
    runs = f"{workflows_path(tenant)}/instances"

    every = await _ok(admin_client, runs)
    of_playbook = await _ok(admin_client, runs, playbook_id=playbook["id"])
    of_another = await _ok(admin_client, runs, playbook_id=str(uuid.uuid4()))
    of_defence = await _ok(admin_client, runs, defence_id="line-1")

    assert every["count"] == 2
    [triggered] = of_playbook["instances"]
    assert of_playbook["count"] == 1
    assert triggered["id"] != manual_id
    assert triggered["dataobject_id"] == created.json()["data"]["id"]
    assert (triggered["playbook"]["id"], triggered["playbook"]["name"]) == (
        playbook["id"],
        playbook["name"],
    )
    assert [r["playbook"] for r in every["instances"] if r["id"] == manual_id] == [None]
    assert (of_another["count"], of_another["instances"]) == (0, [])
    assert (of_defence["count"], of_defence["instances"]) == (0, [])


async def test_the_todo_list_filters_by_note_and_creator_name(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    workflow_id = await runnable(admin_client, tenant, USER, "asking")
    first, second = await seed_incidents(sessions, tenant, 2)
    run_id = await started(admin_client, tenant, workflow_id, first)
    await started(admin_client, tenant, workflow_id, second)
    await runner(sessions).drain()
    tasks = f"/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc/tasks"

    every = await _ok(admin_client, tasks)
    by_run = await _ok(admin_client, tasks, creator_name=f"workflow:{run_id}")
    by_other_run = await _ok(admin_client, tasks, creator_name=f"workflow:{uuid.uuid4()}")
    by_person = await _ok(admin_client, tasks, creator_name="demo@socdesk.local")
    by_note = await _ok(admin_client, tasks, note="urgent")

    assert every["total"] == 2
    [mine] = by_run["data"]
    assert (by_run["total"], mine["action_instance_id"], mine["creator_name"]) == (
        1,
        run_id,
        f"workflow:{run_id}",
    )
    for excluded in (by_other_run, by_person, by_note):
        assert (excluded["total"], excluded["data"]) == (0, [])
