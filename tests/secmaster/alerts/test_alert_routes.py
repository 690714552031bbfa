"""The SDK's alert routes that differ from the generic ones: create answering the whole alert
(type MANUAL, where a batch-create's are DATA_SOURCE), batch-update all or none, batch-delete;
errors name their field and change nothing, a workspace never reaches another's alerts, and a
viewer never writes."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import Role
from tests.factories import TenantInfo, login, make_member, make_tenant
from tests.objects.payloads import alert
from tests.secmaster.objects.conftest import soc_path


async def _create(client: httpx.AsyncClient, soc: str, **fields: Any) -> dict[str, Any]:
    response = await client.post(f"{soc}/alerts", json={"data_object": alert(**fields)})
    assert response.status_code == 200, response.text
    return dict(response.json()["data"])


async def _shown(client: httpx.AsyncClient, soc: str, alert_id: str) -> dict[str, Any]:
    response = await client.get(f"{soc}/alerts/{alert_id}")
    assert response.status_code == 200, response.text
    return dict(response.json()["data"])


async def test_create_answers_the_whole_alert_typed_manual_and_batches_are_data_source(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    created = await _create(admin_client, soc)
    batch = await admin_client.post(
        f"{soc}/datapanel/Alert/data-objects/batch-create", json={"data_object": [alert()]}
    )

    assert created["data_object"]["title"] == "Brute force on bastion"
    assert (created["version"], created["type"], created["event_id"]) == (1, "MANUAL", None)
    assert created["dataclass_ref"]["name"] == "Alert"
    assert created == {**await _shown(admin_client, soc, created["id"]), "event_id": None}
    assert batch.status_code == 200, batch.text
    fed = await _shown(admin_client, soc, batch.json()[0]["id"])
    assert fed["type"] == "DATA_SOURCE"


async def test_batch_update_writes_the_fields_over_every_listed_alert_with_history(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    first = (await _create(admin_client, soc))["id"]
    second = (await _create(admin_client, soc, title="Port scan"))["id"]

    response = await admin_client.post(
        f"{soc}/alerts/batch-update",
        json={
            "batch_ids": [
                first,
                second,
                first,
                "not-an-id",
                "8f1c3a52-5f0e-4e7e-9a52-0c1d2e3f4a5b",
            ],
            "data_object": {"handle_status": "Block", "owner": "bob@x.example"},
        },
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert sorted(body["success_ids"]) == sorted([first, second])
    assert body["error_ids"] == [first, "not-an-id", "8f1c3a52-5f0e-4e7e-9a52-0c1d2e3f4a5b"]
    assert body["data"]["id"] in (first, second)
    assert body["data"]["data_object"]["handle_status"] == "Block"
    for alert_id, title in ((first, "Brute force on bastion"), (second, "Port scan")):
        shown = await _shown(admin_client, soc, alert_id)
        assert (shown["version"], shown["data_object"]["title"]) == (2, title)
        assert shown["data_object"]["owner"] == "bob@x.example"
        history = (await admin_client.get(f"{soc}/alerts/{alert_id}/history")).json()["data"]
        assert [e["action"] for e in history] == ["create", "update"]
        changed = {c["field"]: c["after"] for c in history[1]["changes"]}
        assert changed == {"handle_status": "Block", "owner": "bob@x.example"}


async def test_batch_update_is_all_or_nothing_and_names_the_field(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    first = (await _create(admin_client, soc))["id"]
    second = (await _create(admin_client, soc))["id"]

    bad_value = await admin_client.post(
        f"{soc}/alerts/batch-update",
        json={"batch_ids": [first, second], "data_object": {"severity": "Apocalyptic"}},
    )
    emptied = await admin_client.post(
        f"{soc}/alerts/batch-update",
        json={"batch_ids": [first, second], "data_object": {"title": None}},
    )
    no_ids = await admin_client.post(
        f"{soc}/alerts/batch-update", json={"data_object": {"title": "x"}}
    )
    none_found = await admin_client.post(
        f"{soc}/alerts/batch-update", json={"batch_ids": ["nope"], "data_object": {"title": "x"}}
    )
    not_an_object = await admin_client.post(
        f"{soc}/alerts/batch-update", json={"batch_ids": [first], "data_object": ["x"]}
    )

    assert bad_value.status_code == 400, bad_value.text
    errors = bad_value.json()["data"]["errors"]
    assert {(e["row"], e["field"]) for e in errors} == {(0, "severity"), (1, "severity")}
    assert emptied.status_code == 400
    assert {e["field"] for e in emptied.json()["data"]["errors"]} == {"title"}
    assert no_ids.status_code == 400
    assert "batch_ids" in no_ids.text
    # SecMaster answers an id that names nothing with 400 (as show_alert does).
    assert none_found.status_code == 400
    assert "batch_ids" in none_found.json()["message"]
    assert not_an_object.status_code == 400
    assert "data_object" in not_an_object.text
    for alert_id in (first, second):
        shown = await _shown(admin_client, soc, alert_id)
        assert (shown["version"], shown["data_object"]["severity"]) == (1, "High")


async def test_batch_delete_and_delete_remove_alerts_and_report_the_rest(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    first = (await _create(admin_client, soc))["id"]
    second = (await _create(admin_client, soc))["id"]

    batch = await admin_client.post(f"{soc}/alerts/batch-delete", json={"batch_ids": [first, "x"]})
    plain = await admin_client.request(
        "DELETE", f"{soc}/alerts", json={"batch_ids": [second, first]}
    )
    empty = await admin_client.post(f"{soc}/alerts/batch-delete")

    assert batch.status_code == 200, batch.text
    assert batch.json()["data"] == {"success_ids": [first], "error_ids": ["x"]}
    assert plain.json()["data"] == {"success_ids": [second], "error_ids": [first]}
    assert empty.json()["data"] == {"success_ids": [], "error_ids": []}
    total = (await admin_client.post(f"{soc}/alerts/search", json={})).json()["total"]
    assert total == 0
    history = (await admin_client.get(f"{soc}/alerts/{first}/history")).json()["data"]
    assert [e["action"] for e in history] == ["create", "delete"]


async def test_a_workspace_never_reaches_anothers_alerts(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    soc: str,
) -> None:
    mine = (await _create(admin_client, soc))["id"]
    other = await make_tenant(sessions)
    theirs = soc_path(other)
    headers = {"X-Auth-Token": await login(client, other.admin_email, other.project_name)}

    changed = await client.post(
        f"{theirs}/alerts/batch-update",
        headers=headers,
        json={"batch_ids": [mine], "data_object": {"title": "x"}},
    )
    deleted = await client.post(
        f"{theirs}/alerts/batch-delete", headers=headers, json={"batch_ids": [mine]}
    )
    # My workspace with their token.
    crossed = await client.post(f"{soc}/alerts", headers=headers, json={"data_object": alert()})

    assert changed.status_code == 400
    assert deleted.json()["data"] == {"success_ids": [], "error_ids": [mine]}
    assert crossed.status_code == 403
    still = await _shown(admin_client, soc, mine)
    assert (still["version"], still["data_object"]["title"]) == (1, "Brute force on bastion")
    total = (await admin_client.post(f"{soc}/alerts/search", json={})).json()["total"]
    assert total == 1


async def test_viewers_never_write_alerts(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    soc: str,
) -> None:
    existing = (await _create(admin_client, soc))["id"]
    viewer = {
        "X-Auth-Token": await login(
            client, await make_member(sessions, tenant, Role.viewer), tenant.project_name
        )
    }

    writes = [
        await client.post(f"{soc}/alerts", headers=viewer, json={"data_object": alert()}),
        await client.post(
            f"{soc}/alerts/batch-update",
            headers=viewer,
            json={"batch_ids": [existing], "data_object": {"title": "x"}},
        ),
        await client.post(
            f"{soc}/alerts/batch-delete", headers=viewer, json={"batch_ids": [existing]}
        ),
    ]

    assert [r.status_code for r in writes] == [403] * 3
    shown = await _shown(admin_client, soc, existing)
    assert (shown["version"], shown["data_object"]["title"]) == (1, "Brute force on bastion")
    total = (await admin_client.post(f"{soc}/alerts/search", json={})).json()["total"]
    assert total == 1
