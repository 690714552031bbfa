"""The generic data-object routes, ~/soc/{dataclass_name}: create, show, change, delete and
search for every class but Incident (which keeps its own routes), with their audit trail; a
workspace never reaches another's objects, and a viewer reads but never writes."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import Role
from tests.factories import TenantInfo, login, make_member, make_tenant
from tests.objects.payloads import alert, asset, indicator
from tests.secmaster.incidents.payloads import incident_object
from tests.secmaster.objects.conftest import soc_path


async def _create(client: httpx.AsyncClient, soc: str, name: str, data: dict[str, Any]) -> str:
    response = await client.post(f"{soc}/{name}", json={"data_object": data})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["code"], body["success"]) == ("00000000", True)
    return str(body["data"]["id"])


def _search(conditions: list[list[Any]], **more: Any) -> dict[str, Any]:
    named = [{"name": f"c{i}", "data": data} for i, data in enumerate(conditions)]
    return {"condition": {"conditions": named}, **more}


async def test_create_show_change_delete_an_alert_with_its_history(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    new_id = await _create(
        admin_client, soc, "alerts", alert(create_time="2026-11-20T10:00:00Z+0800")
    )

    shown = (await admin_client.get(f"{soc}/alerts/{new_id}")).json()["data"]
    assert (shown["id"], shown["version"], shown["dataclass_ref"]["name"]) == (new_id, 1, "Alert")
    # Times are kept in SOCdesk's one form.
    assert shown["data_object"]["create_time"] == "2026-11-20T02:00:00.000Z"
    assert shown["create_time"] == "2026-11-20T02:00:00.000Z"

    changed = await admin_client.put(
        f"{soc}/alerts/{new_id}",
        json={
            "batch_ids": [new_id],
            "data_object": {"severity": "Fatal", "owner": "bob@x.example"},
        },
    )
    assert changed.status_code == 200, changed.text
    data = changed.json()["data"]
    assert (data["version"], data["data_object"]["severity"]) == (2, "Fatal")
    assert data["data_object"]["title"] == "Brute force on bastion"

    emptied = await admin_client.put(
        f"{soc}/alerts/{new_id}", json={"data_object": {"title": None}}
    )
    assert emptied.status_code == 400, emptied.text
    assert "title" in emptied.json()["message"]

    deleted = await admin_client.request(
        "DELETE", f"{soc}/alerts", json={"batch_ids": [new_id, "x", new_id]}
    )
    assert deleted.status_code == 200, deleted.text
    assert (deleted.json()["success_ids"], deleted.json()["error_ids"]) == ([new_id], ["x", new_id])
    assert deleted.json()["data"]["success_ids"] == [new_id]
    gone = await admin_client.get(f"{soc}/alerts/{new_id}")
    assert (gone.status_code, gone.json()["code"]) == (400, "SecMaster.20030005")

    history = (await admin_client.get(f"{soc}/alerts/{new_id}/history")).json()
    assert [e["action"] for e in history["data"]] == ["create", "update", "delete"]
    update = history["data"][1]
    assert {c["field"] for c in update["changes"]} == {"severity", "owner"}
    assert all(e["request_id"] and e["actor"] for e in history["data"])
    assert history["data"][2]["snapshot"]["severity"] == "Fatal"


async def test_create_answers_the_linked_incident_and_refuses_other_format_versions(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    incident = await admin_client.post(f"{soc}/incidents", json={"data_object": incident_object()})
    incident_id = incident.json()["data"]["id"]
    created = await admin_client.post(
        f"{soc}/indicators",
        json={
            "format_version": 1,
            "name": "n",
            "type": "t",
            "trigger_flag": True,
            "data_object": indicator(incident_id=incident_id),
        },
    )
    assert created.status_code == 200, created.text
    assert created.json()["data"]["event_id"] == incident_id

    refused = await admin_client.post(
        f"{soc}/indicators", json={"format_version": 3, "data_object": indicator()}
    )
    assert refused.status_code == 400
    assert "format_version" in refused.json()["message"]


async def test_unknown_and_reserved_class_names_are_secmasters_400(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    for name in ("spaceships", "Alert", "incident"):
        response = await admin_client.post(f"{soc}/{name}", json={"data_object": {}})
        assert response.status_code == 400, (name, response.text)
        assert response.json()["code"] == "SecMaster.20030005"
    listed = await admin_client.post(f"{soc}/spaceships/search", json={})
    assert listed.json()["code"] == "SecMaster.20030005"


async def test_incidents_keep_their_own_routes(admin_client: httpx.AsyncClient, soc: str) -> None:
    created = await admin_client.post(f"{soc}/incidents", json={"data_object": incident_object()})
    assert created.status_code == 200, created.text
    assert created.json()["data"]["dataclass_ref"]["name"] == "Incident"
    found = await admin_client.post(f"{soc}/incidents/search", json={})
    assert found.json()["total"] == 1


async def test_search_on_custom_class_fields_dotted_paths_included(
    admin_client: httpx.AsyncClient, soc: str, asset_class: str
) -> None:
    ids = {
        name: await _create(admin_client, soc, "assets", data)
        for name, data in (
            ("a", asset(hostname="alpha", rack=1, owner={"team": "red"})),
            ("b", asset(hostname="beta", tier="silver", rack=5, owner={"team": "blue"})),
            ("c", asset(hostname="gamma", rack=9, owner={"team": "Red team"})),
        )
    }

    async def found(body: dict[str, Any]) -> list[str]:
        response = await admin_client.post(f"{soc}/assets/search", json=body)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == len(page["data"])
        return sorted(k for k, v in ids.items() for d in page["data"] if d["id"] == v)

    assert await found(_search([["owner.team", "=", "red"]])) == ["a"]
    assert await found(_search([["owner.team", "contains", "RED"]])) == ["a", "c"]
    assert await found(_search([["rack", ">=", 5]])) == ["b", "c"]
    assert await found(_search([["tier", "in", "silver"]])) == ["b"]
    assert await found(_search([["hostname", "!=", "alpha"]])) == ["b", "c"]
    either = _search([["rack", "<", 2], ["tier", "=", "silver"]])
    either["condition"]["logics"] = ["c0", "or", "c1"]
    assert await found(either) == ["a", "b"]
    ordered = await admin_client.post(
        f"{soc}/assets/search", json={"sort_by": "rack", "order": "asc", "limit": 2}
    )
    page = ordered.json()
    assert [d["data_object"]["hostname"] for d in page["data"]] == ["alpha", "beta"]
    assert (page["total"], page["size"], page["page"]) == (3, 2, 1)

    bad = await admin_client.post(
        f"{soc}/assets/search", json=_search([["colour", "=", "x"], ["rack", ">", "many"]])
    )
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["data"]["errors"]} == {
        "condition.conditions.0.data.0",
        "condition.conditions.1.data.2",
    }


async def test_alert_search_by_promoted_fields(admin_client: httpx.AsyncClient, soc: str) -> None:
    low = await _create(admin_client, soc, "alerts", alert(severity="Low"))
    high = await _create(admin_client, soc, "alerts", alert(severity="High", title="exfil"))
    closed = await _create(
        admin_client, soc, "alerts", alert(severity="Fatal", handle_status="Closed")
    )

    async def found(body: dict[str, Any]) -> list[str]:
        response = await admin_client.post(f"{soc}/alerts/search", json=body)
        assert response.status_code == 200, response.text
        return [d["id"] for d in response.json()["data"]]

    assert await found(_search([["severity", ">=", "High"], ["handle_status", "=", "Open"]])) == [
        high
    ]
    assert await found(_search([["title", "contains", "EXF"]])) == [high]
    assert await found({"sort_by": "severity", "order": "DESC"}) == [closed, high, low]
    assert await found(_search([["data_source.source_type", "=", "3"]], limit=1)) == [closed]


async def test_a_workspace_never_reaches_anothers_objects(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    soc: str,
) -> None:
    mine = await _create(admin_client, soc, "alerts", alert())
    other = await make_tenant(sessions)
    theirs = soc_path(other)
    headers = {"X-Auth-Token": await login(client, other.admin_email, other.project_name)}

    shown = await client.get(f"{theirs}/alerts/{mine}", headers=headers)
    changed = await client.put(
        f"{theirs}/alerts/{mine}", headers=headers, json={"data_object": {"title": "x"}}
    )
    deleted = await client.request(
        "DELETE", f"{theirs}/alerts", headers=headers, json={"batch_ids": [mine]}
    )
    found = await client.post(f"{theirs}/alerts/search", headers=headers, json={})
    panel = await client.get(f"{theirs}/datapanel/Alert/data-objects/{mine}", headers=headers)
    # Their own workspace id with my objects' ids, and my workspace with their token.
    crossed = await client.get(f"{soc}/alerts/{mine}", headers=headers)

    assert shown.status_code == changed.status_code == panel.status_code == 400
    assert deleted.json()["error_ids"] == [mine]
    assert found.json()["total"] == 0
    assert crossed.status_code == 403
    still = (await admin_client.get(f"{soc}/alerts/{mine}")).json()["data"]
    assert (still["version"], still["data_object"]["title"]) == (1, "Brute force on bastion")


async def test_viewers_read_but_never_write(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    soc: str,
) -> None:
    existing = await _create(admin_client, soc, "alerts", alert())
    viewer = {
        "X-Auth-Token": await login(
            client, await make_member(sessions, tenant, Role.viewer), tenant.project_name
        )
    }

    reads = [
        await client.get(f"{soc}/alerts/{existing}", headers=viewer),
        await client.post(f"{soc}/alerts/search", headers=viewer, json={}),
        await client.post(f"{soc}/datapanel/Alert/data-objects/search", headers=viewer, json={}),
        await client.get(f"{soc}/datapanel/Alert/data-objects/{existing}", headers=viewer),
    ]
    writes = [
        await client.post(f"{soc}/alerts", headers=viewer, json={"data_object": alert()}),
        await client.put(
            f"{soc}/alerts/{existing}", headers=viewer, json={"data_object": {"title": "x"}}
        ),
        await client.request(
            "DELETE", f"{soc}/alerts", headers=viewer, json={"batch_ids": [existing]}
        ),
        await client.post(
            f"{soc}/datapanel/Alert/data-objects/batch-create",
            headers=viewer,
            json={"data_object": [alert()]},
        ),
    ]

    assert [r.status_code for r in reads] == [200] * 4
    assert [r.status_code for r in writes] == [403] * 4
    total = (await admin_client.post(f"{soc}/alerts/search", json={})).json()["total"]
    assert total == 1
