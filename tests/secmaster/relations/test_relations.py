"""Relations between data objects (~/soc/{type}/{id}/{related}): written from one side, read
from both, removed with either object; batch-order; a workspace never reaches another's links
and a viewer never writes one."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import Role
from tests.factories import TenantInfo, login, make_member, make_tenant
from tests.objects.payloads import alert, indicator
from tests.secmaster.incidents.payloads import incident_object
from tests.secmaster.objects.conftest import soc_path


async def _create(client: httpx.AsyncClient, soc: str, name: str, data: dict[str, Any]) -> str:
    response = await client.post(f"{soc}/{name}", json={"data_object": data})
    assert response.status_code == 200, response.text
    return str(response.json()["data"]["id"])


async def _linked(client: httpx.AsyncClient, soc: str, path: str, **body: Any) -> list[str]:
    response = await client.post(f"{soc}/{path}/search", json=body)
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == len(page["data"]) or body
    return sorted(d["id"] for d in page["data"])


async def test_an_incidents_alerts_read_from_both_sides(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    incident = await _create(admin_client, soc, "incidents", incident_object())
    first = await _create(admin_client, soc, "alerts", alert())
    second = await _create(admin_client, soc, "alerts", alert(severity="Low"))

    linked = await admin_client.post(
        f"{soc}/incidents/{incident}/alerts", json={"ids": [first, second, "nope", incident]}
    )
    again = await admin_client.post(f"{soc}/incidents/{incident}/alerts", json={"ids": [first]})

    assert linked.status_code == 200, linked.text
    assert linked.json()["data"] == {
        "success_ids": [first, second],
        "error_ids": ["nope", incident],
    }
    assert again.json()["data"]["success_ids"] == [first]
    assert await _linked(admin_client, soc, f"incidents/{incident}/alerts") == sorted(
        [first, second]
    )
    assert await _linked(admin_client, soc, f"alerts/{first}/incidents") == [incident]
    # The related class's conditions apply.
    high = {"condition": {"conditions": [{"name": "c", "data": ["severity", "=", "High"]}]}}
    assert await _linked(admin_client, soc, f"incidents/{incident}/alerts", **high) == [first]

    unlinked = await admin_client.request(
        "DELETE", f"{soc}/alerts/{first}/incidents", json={"ids": [incident, second]}
    )
    assert unlinked.json()["data"] == {"success_ids": [incident], "error_ids": [second]}
    assert await _linked(admin_client, soc, f"incidents/{incident}/alerts") == [second]

    history = (await admin_client.get(f"{soc}/alerts/{first}/history")).json()["data"]
    assert [e["action"] for e in history] == ["create", "link", "unlink"]
    trail = (await admin_client.get(f"{soc}/incidents/{incident}/history")).json()["data"]
    assert [e["action"] for e in trail][-2:] == ["link", "unlink"]


async def test_alert_indicator_links_and_deletes_remove_them(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    alerts = [await _create(admin_client, soc, "alerts", alert()) for _ in range(2)]
    indicators = [await _create(admin_client, soc, "indicators", indicator()) for _ in range(2)]

    batch = await admin_client.post(
        f"{soc}/alerts/indicators/batch-create",
        json={"dataobject_ids": [*alerts, "x"], "related_dataobject_ids": indicators},
    )
    assert batch.status_code == 200, batch.text
    assert batch.json()["data"] == {"success_ids": alerts, "error_ids": ["x"]}
    assert await _linked(admin_client, soc, f"indicators/{indicators[0]}/alerts") == sorted(alerts)

    deleted = await admin_client.request("DELETE", f"{soc}/alerts", json={"batch_ids": [alerts[0]]})
    assert deleted.json()["success_ids"] == [alerts[0]]
    assert await _linked(admin_client, soc, f"indicators/{indicators[0]}/alerts") == [alerts[1]]
    assert await _linked(admin_client, soc, f"alerts/{alerts[1]}/indicators") == sorted(indicators)


async def test_an_object_named_with_its_incident_is_linked_and_deleting_the_incident_unlinks(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    incident = await _create(admin_client, soc, "incidents", incident_object())
    other = await _create(admin_client, soc, "incidents", incident_object())
    named = await _create(admin_client, soc, "alerts", alert(incident_id=incident))
    assert await _linked(admin_client, soc, f"incidents/{incident}/alerts") == [named]

    moved = await admin_client.put(
        f"{soc}/alerts/{named}", json={"data_object": {"incident_id": other}}
    )
    assert moved.status_code == 200, moved.text
    assert await _linked(admin_client, soc, f"alerts/{named}/incidents") == [other]

    gone = await admin_client.request("DELETE", f"{soc}/incidents", json={"batch_ids": [other]})
    assert gone.status_code == 200, gone.text
    assert await _linked(admin_client, soc, f"alerts/{named}/incidents") == []


async def test_batch_order_makes_one_incident_from_the_alerts(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    low = await _create(
        admin_client,
        soc,
        "alerts",
        alert(severity="Low", first_observed_time="2026-11-19T08:00:00Z"),
    )
    high = await _create(
        admin_client,
        soc,
        "alerts",
        alert(severity="High", last_observed_time="2026-11-22T08:00:00Z"),
    )
    body = {
        "ids": [low, high, "bad"],
        "incident_content": {
            "title": "Bastion under attack",
            "incident_type": {"category": "Intrusion", "incident_type": "Brute force"},
        },
    }

    ordered = await admin_client.post(f"{soc}/alerts/batch-order", json=body)

    assert ordered.status_code == 200, ordered.text
    assert ordered.json()["data"] == {"success_ids": [low, high], "error_ids": ["bad"]}
    (incident,) = await _linked(admin_client, soc, f"alerts/{low}/incidents")
    made = (await admin_client.get(f"{soc}/incidents/{incident}")).json()["data"]["data_object"]
    assert (made["title"], made["severity"]) == ("Bastion under attack", "High")
    assert made["first_observed_time"] == "2026-11-19T08:00:00.000Z"
    assert made["last_observed_time"] == "2026-11-22T08:00:00.000Z"
    assert await _linked(admin_client, soc, f"incidents/{incident}/alerts") == sorted([low, high])
    closed = (await admin_client.get(f"{soc}/alerts/{low}")).json()["data"]["data_object"]
    assert (closed["handle_status"], closed["incident_id"]) == ("Closed", incident)
    history = (await admin_client.get(f"{soc}/alerts/{low}/history")).json()["data"]
    assert "handle_status" in {c["field"] for c in history[1]["changes"]}

    # Closed alerts are not ordered again.
    twice = await admin_client.post(f"{soc}/alerts/batch-order", json=body)
    assert twice.json()["data"] == {"success_ids": [], "error_ids": ["bad", low, high]}


async def test_a_workspace_never_reaches_anothers_links(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    soc: str,
) -> None:
    mine = await _create(admin_client, soc, "alerts", alert())
    my_incident = await _create(admin_client, soc, "incidents", incident_object())
    other = await make_tenant(sessions)
    theirs = soc_path(other)
    headers = {"X-Auth-Token": await login(client, other.admin_email, other.project_name)}
    their_incident = (
        await client.post(
            f"{theirs}/incidents", headers=headers, json={"data_object": incident_object()}
        )
    ).json()["data"]["id"]

    attempts = [
        await client.post(
            f"{theirs}/incidents/{their_incident}/alerts", headers=headers, json={"ids": [mine]}
        ),
        await client.post(
            f"{theirs}/incidents/alerts/batch-create",
            headers=headers,
            json={"dataobject_ids": [their_incident], "related_dataobject_ids": [mine]},
        ),
        await client.post(
            f"{theirs}/alerts/batch-order",
            headers=headers,
            json={
                "ids": [mine],
                "incident_content": {
                    "title": "t",
                    "incident_type": {"category": "c", "incident_type": "t"},
                },
            },
        ),
    ]
    read = await client.post(f"{theirs}/alerts/{mine}/incidents/search", headers=headers, json={})
    unlink = await client.request(
        "DELETE", f"{theirs}/alerts/{mine}/incidents", headers=headers, json={"ids": [my_incident]}
    )

    # A batch's object left with nothing to link to is an error id too.
    errors = [[mine], [their_incident, mine], [mine]]
    assert [a.json()["data"]["error_ids"] for a in attempts] == errors
    assert [a.json()["data"]["success_ids"] for a in attempts] == [[], [], []]
    # SecMaster answers an id naming nothing with 400 (as show does).
    assert read.status_code == unlink.status_code == 400
    mine_now = (await admin_client.get(f"{soc}/alerts/{mine}")).json()["data"]["data_object"]
    assert mine_now["handle_status"] == "Open"


async def test_viewers_read_links_but_never_write_them(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    soc: str,
) -> None:
    incident = await _create(admin_client, soc, "incidents", incident_object())
    existing = await _create(admin_client, soc, "alerts", alert())
    viewer = {
        "X-Auth-Token": await login(
            client, await make_member(sessions, tenant, Role.viewer), tenant.project_name
        )
    }
    path = f"{soc}/incidents/{incident}/alerts"

    read = await client.post(f"{path}/search", headers=viewer, json={})
    writes = [
        await client.post(path, headers=viewer, json={"ids": [existing]}),
        await client.request("DELETE", path, headers=viewer, json={"ids": [existing]}),
        await client.post(
            f"{soc}/incidents/alerts/batch-create",
            headers=viewer,
            json={"dataobject_ids": [incident], "related_dataobject_ids": [existing]},
        ),
        await client.post(
            f"{soc}/alerts/batch-order",
            headers=viewer,
            json={
                "ids": [existing],
                "incident_content": {
                    "title": "t",
                    "incident_type": {"category": "c", "incident_type": "t"},
                },
            },
        ),
    ]

    assert read.status_code == 200
    assert [r.status_code for r in writes] == [403] * 4
    assert await _linked(admin_client, soc, f"{path[len(soc) + 1 :]}") == []
