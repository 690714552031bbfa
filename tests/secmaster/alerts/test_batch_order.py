"""Batch-order at volume: 2,000 alerts made into one incident in one request, set-based (the
incident spans them, every alert is linked, closed as converted and audited as a one-alert
change would be); an alert linked elsewhere moves; the cap comes from the settings."""

from __future__ import annotations

from typing import Any

import httpx

from tests.objects.payloads import alert
from tests.secmaster.incidents.payloads import incident_object

CONTENT = {
    "title": "Spray against the VPN",
    "incident_type": {"category": "Intrusion", "incident_type": "Brute force"},
}
CONVERTED = {"close_comment", "close_reason", "close_time", "handle_status", "incident_id"}


async def _batch(client: httpx.AsyncClient, soc: str, alerts: list[dict[str, Any]]) -> list[str]:
    response = await client.post(
        f"{soc}/datapanel/Alert/data-objects/batch-create", json={"data_object": alerts}
    )
    assert response.status_code == 200, response.text
    return [str(r["id"]) for r in response.json()]


async def _total(client: httpx.AsyncClient, soc: str, path: str, **body: Any) -> int:
    response = await client.post(f"{soc}/{path}/search", json={"limit": 1, **body})
    assert response.status_code == 200, response.text
    return int(response.json()["total"])


async def test_two_thousand_alerts_become_one_incident(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    alerts = [
        alert(
            title=f"Failed login {n}",
            severity=("Low", "Medium", "High")[n % 3],
            first_observed_time=f"2026-11-{10 + n % 10:02d}T08:00:00.000Z",
        )
        for n in range(2000)
    ]
    alerts[1234]["severity"] = "Fatal"
    alerts[77]["first_observed_time"] = "2026-10-01T00:00:00.000Z"
    alerts[1500]["last_observed_time"] = "2026-12-01T12:00:00.000Z"
    ids = await _batch(admin_client, soc, alerts)
    elsewhere = (
        await admin_client.post(f"{soc}/incidents", json={"data_object": incident_object()})
    ).json()["data"]["id"]
    moved = await admin_client.put(
        f"{soc}/alerts/{ids[5]}", json={"data_object": {"incident_id": elsewhere}}
    )
    assert moved.status_code == 200, moved.text

    ordered = await admin_client.post(
        f"{soc}/alerts/batch-order",
        json={"ids": [*ids, "bad", ids[0]], "incident_content": CONTENT},
    )

    assert ordered.status_code == 200, ordered.text
    assert ordered.json()["data"] == {"success_ids": ids, "error_ids": ["bad", ids[0]]}
    first = (await admin_client.get(f"{soc}/alerts/{ids[0]}")).json()["data"]
    incident = first["data_object"]["incident_id"]
    made = (await admin_client.get(f"{soc}/incidents/{incident}")).json()["data"]["data_object"]
    assert (made["title"], made["severity"]) == ("Spray against the VPN", "Fatal")
    assert made["first_observed_time"] == "2026-10-01T00:00:00.000Z"
    assert made["last_observed_time"] == "2026-12-01T12:00:00.000Z"
    assert await _total(admin_client, soc, f"incidents/{incident}/alerts") == 2000
    # The alert linked elsewhere is linked to the new incident only.
    assert await _total(admin_client, soc, f"incidents/{elsewhere}/alerts") == 0
    assert await _total(admin_client, soc, f"alerts/{ids[5]}/incidents") == 1
    closed = {
        "condition": {"conditions": [{"name": "c", "data": ["handle_status", "=", "Closed"]}]}
    }
    assert await _total(admin_client, soc, "alerts", **closed) == 2000
    assert first["version"] == 2
    assert first["data_object"]["close_reason"] == "Other"
    assert first["data_object"]["close_comment"] == f"Converted to incident {incident}"
    assert first["data_object"]["title"] == "Failed login 0"
    assert first["update_time"] == first["data_object"]["update_time"]
    history = (await admin_client.get(f"{soc}/alerts/{ids[0]}/history")).json()["data"]
    assert [e["action"] for e in history] == ["create", "update"]
    change = {c["field"]: (c["before"], c["after"]) for c in history[1]["changes"]}
    assert [c["field"] for c in history[1]["changes"]] == sorted(CONVERTED)
    assert change["handle_status"] == ("Open", "Closed")
    assert change["incident_id"] == (None, incident)
    assert change["close_time"][1] == first["data_object"]["close_time"]
    assert history[1]["source"] == "batch-order"
    assert history[1]["request_id"] == ordered.headers["X-request-id"]
    moved_history = (await admin_client.get(f"{soc}/alerts/{ids[5]}/history")).json()["data"]
    moved_change = {c["field"]: c for c in moved_history[-1]["changes"]}
    assert (moved_change["incident_id"]["before"], moved_change["incident_id"]["after"]) == (
        elsewhere,
        incident,
    )


async def test_the_cap_is_the_settings_and_refusing_writes_nothing(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    ids = await _batch(admin_client, soc, [alert()])
    too_many = [ids[0]] + [f"x{n}" for n in range(10_000)]

    refused = await admin_client.post(
        f"{soc}/alerts/batch-order", json={"ids": too_many, "incident_content": CONTENT}
    )

    assert refused.status_code == 400, refused.text
    assert refused.json()["message"].startswith("ids:")
    assert "10000" in refused.json()["message"]
    shown = (await admin_client.get(f"{soc}/alerts/{ids[0]}")).json()["data"]
    assert (shown["version"], shown["data_object"]["handle_status"]) == (1, "Open")
    assert await _total(admin_client, soc, "incidents") == 0
