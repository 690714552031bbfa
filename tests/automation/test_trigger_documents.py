"""The documents playbook rules read (automation/triggers.py `_documents`): read set-based, a
chunk per statement, when the write hands none over; and on a delete, the object's last state."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.automation.runs.helpers import chain, service_task
from tests.automation.test_triggers import enabled_pair, runs_of
from tests.factories import TenantInfo
from tests.objects.payloads import alert
from tests.secmaster.incidents.payloads import incident_object, incidents_path

SEVERE_COUNT, MILD_COUNT = 30, 10
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
