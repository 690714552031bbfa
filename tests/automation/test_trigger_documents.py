"""The documents playbook rules read (automation/triggers.py `_documents`): read set-based, a
chunk per statement, when the write hands none over; and on a delete, the object's last state,
which the runs a delete fired also decide on (their changes to it skipped)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import WorkflowRunTask
from tests.automation.runs.helpers import chain, runner, service_task
from tests.automation.runs.test_conditions import gateway
from tests.automation.test_triggers import enabled_pair, runs_of
from tests.factories import TenantInfo
from tests.objects.payloads import alert
from tests.secmaster.incidents.payloads import incident_object, incidents_path

SEVERE_COUNT, MILD_COUNT = 30, 10
NOWHERE = str(uuid.uuid4())
TAG_ALERT = chain("tag", ("t", service_task("t", "add_tag", tag="seen"))).replace(
    'isExecutable="true"', 'isExecutable="true" socdesk:dataclass="Alert"'
)


@contextmanager
def incident_reads(app: FastAPI) -> Iterator[list[str]]:
    """The SELECTs on the incidents table the app runs meanwhile."""
    seen: list[str] = []

    def spy(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        text = " ".join(statement.split()).lower()
        if text.startswith("select") and "from incidents" in text:
            seen.append(text)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", spy)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", spy)


async def test_a_batch_create_reads_the_rule_documents_in_one_statement(
    app: FastAPI,
    admin_client: httpx.AsyncClient,
    tenant: TenantInfo,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await enabled_pair(admin_client, tenant)
    soc = f"/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc"
    objects = [incident_object(title=f"severe {i}") for i in range(SEVERE_COUNT)] + [
        incident_object(title=f"mild {i}", severity="Low") for i in range(MILD_COUNT)
    ]

    with incident_reads(app) as reads:
        answer = await admin_client.post(
            f"{soc}/datapanel/Incident/data-objects/batch-create",
            json={"trigger_flag": True, "data_object": objects},
        )

    assert answer.status_code == 200, answer.text
    created = [item["id"] for item in answer.json()]
    fired = sorted(str(r.dataobject_id) for r in await runs_of(sessions))
    assert fired == sorted(created[:SEVERE_COUNT])
    # One read of the 40 new incidents for the rule, not one per incident.
    assert len(reads) <= 2, reads


async def test_a_delete_rule_matches_the_deleted_objects_last_state(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await enabled_pair(admin_client, tenant, on="dataobject_delete")
    path = incidents_path(tenant.project_hex, tenant.workspace_id)
    severe = (await admin_client.post(path, json={"data_object": incident_object()})).json()
    mild = (
        await admin_client.post(path, json={"data_object": incident_object(severity="Low")})
    ).json()
    assert await runs_of(sessions) == []  # created: not what the playbook listens to

    deleted = await admin_client.post(
        f"{path}/batch-delete", json={"batch_ids": [severe["data"]["id"], mild["data"]["id"]]}
    )

    assert deleted.status_code == 200, deleted.text
    assert [str(r.dataobject_id) for r in await runs_of(sessions)] == [severe["data"]["id"]]


async def test_a_delete_rule_on_alerts_matches_their_last_state(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await enabled_pair(
        admin_client, tenant, on="dataobject_delete", dataclass="Alert", workflow=(TAG_ALERT, "tag")
    )
    soc = f"/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc"
    made = await admin_client.post(
        f"{soc}/datapanel/Alert/data-objects/batch-create",
        json={"data_object": [alert(), alert(severity="Low")]},
    )
    assert made.status_code == 200, made.text
    high, low = (item["id"] for item in made.json())

    deleted = await admin_client.post(f"{soc}/alerts/batch-delete", json={"batch_ids": [high, low]})

    assert deleted.status_code == 200, deleted.text
    assert [str(r.dataobject_id) for r in await runs_of(sessions)] == [high]


async def _tasks(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[str, str, str]]:
    async with sessions() as session:
        rows = await session.scalars(select(WorkflowRunTask).order_by(WorkflowRunTask.started_at))
        return [(r.element_id, r.status, r.output) for r in rows]


async def test_a_run_a_delete_fired_decides_on_the_last_state_and_skips_changing_it(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    routed = (gateway('severity == "High"'), "routed")
    await enabled_pair(admin_client, tenant, on="dataobject_delete", workflow=routed)
    path = incidents_path(tenant.project_hex, tenant.workspace_id)
    severe = (await admin_client.post(path, json={"data_object": incident_object()})).json()
    deleted = await admin_client.post(
        f"{path}/batch-delete", json={"batch_ids": [severe["data"]["id"]]}
    )
    assert deleted.status_code == 200, deleted.text

    assert await runner(sessions).drain() == 1

    # The gateway read the deleted incident's severity; the tag it had nothing to go on.
    assert [(r.status, r.error) for r in await runs_of(sessions)] == [("FINISHED", "")]
    ((element, status, output),) = await _tasks(sessions)
    assert (element, status) == ("high", "FINISHED")
    assert json.loads(output) == {"skipped": "the data object was deleted"}


async def test_an_action_on_another_object_that_is_gone_still_fails_the_run(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    elsewhere = chain("elsewhere", ("t", service_task("t", "add_tag", tag="x", target=NOWHERE)))
    await enabled_pair(
        admin_client, tenant, on="dataobject_delete", workflow=(elsewhere, "elsewhere")
    )
    path = incidents_path(tenant.project_hex, tenant.workspace_id)
    severe = (await admin_client.post(path, json={"data_object": incident_object()})).json()
    await admin_client.post(f"{path}/batch-delete", json={"batch_ids": [severe["data"]["id"]]})

    assert await runner(sessions).drain() == 1

    ((run_status, error),) = [(r.status, r.error) for r in await runs_of(sessions)]
    assert run_status == "FAILED"
    assert error.startswith("t: ")
    assert NOWHERE in error


async def test_an_alert_run_a_delete_fired_finishes_with_its_tag_skipped(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await enabled_pair(
        admin_client, tenant, on="dataobject_delete", dataclass="Alert", workflow=(TAG_ALERT, "tag")
    )
    soc = f"/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc"
    made = await admin_client.post(
        f"{soc}/datapanel/Alert/data-objects/batch-create", json={"data_object": [alert()]}
    )
    (high,) = (item["id"] for item in made.json())
    await admin_client.post(f"{soc}/alerts/batch-delete", json={"batch_ids": [high]})

    assert await runner(sessions).drain() == 1

    assert [r.status for r in await runs_of(sessions)] == ["FINISHED"]
    ((element, status, output),) = await _tasks(sessions)
    assert (element, status, json.loads(output)["skipped"]) == (
        "t",
        "FINISHED",
        "the data object was deleted",
    )
