"""Deleting an incident (SecMaster DELETE and batch-delete, the register's DELETE) leaves no
trace of it in the objects linked to it: the links are gone, from both sides, and no object's
`incident_id` names it (each such object gets an audited change); deleting an object removes
its links too."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.objects.payloads import alert, indicator
from tests.secmaster.incidents.payloads import incident_object


async def _create(client: httpx.AsyncClient, soc: str, name: str, data: dict[str, Any]) -> str:
    response = await client.post(f"{soc}/{name}", json={"data_object": data})
    assert response.status_code == 200, response.text
    return str(response.json()["data"]["id"])


async def _linked(client: httpx.AsyncClient, soc: str, path: str) -> list[str]:
    response = await client.post(f"{soc}/{path}/search", json={})
    assert response.status_code == 200, response.text
    return sorted(d["id"] for d in response.json()["data"])


async def _delete(client: httpx.AsyncClient, soc: str, how: str, incident: str) -> None:
    if how == "secmaster-delete":
        response = await client.request(
            "DELETE", f"{soc}/incidents", json={"batch_ids": [incident]}
        )
    elif how == "secmaster-batch-delete":
        response = await client.post(
            f"{soc}/incidents/batch-delete", json={"batch_ids": [incident]}
        )
    else:
        response = await client.delete(f"/v1/incidents/{incident}")
    assert response.status_code in (200, 204), response.text


@pytest.mark.parametrize("how", ["secmaster-delete", "secmaster-batch-delete", "register"])
async def test_a_deleted_incident_leaves_no_trace_in_its_objects(
    admin_client: httpx.AsyncClient, soc: str, how: str
) -> None:
    incident = await _create(admin_client, soc, "incidents", incident_object())
    kept = await _create(admin_client, soc, "incidents", incident_object(title="Kept"))
    named = await _create(admin_client, soc, "alerts", alert(incident_id=incident))
    linked = await _create(admin_client, soc, "indicators", indicator())
    other = await _create(admin_client, soc, "alerts", alert(incident_id=kept))
    response = await admin_client.post(
        f"{soc}/incidents/{incident}/indicators", json={"ids": [linked]}
    )
    assert response.status_code == 200, response.text
    assert await _linked(admin_client, soc, f"incidents/{incident}/alerts") == [named]

    await _delete(admin_client, soc, how, incident)

    assert await _linked(admin_client, soc, f"alerts/{named}/incidents") == []
    assert await _linked(admin_client, soc, f"indicators/{linked}/incidents") == []
    shown = (await admin_client.get(f"{soc}/alerts/{named}")).json()["data"]
    assert "incident_id" not in shown["data_object"]
    assert shown["version"] == 2
    assert shown["data_object"]["update_time"] == shown["update_time"]
    assert shown["data_object"]["title"] == "Brute force on bastion"
    by_field = await admin_client.post(
        f"{soc}/alerts/search",
        json={"condition": {"conditions": [{"name": "c", "data": ["incident_id", "=", incident]}]}},
    )
    assert by_field.json()["total"] == 0
    history = (await admin_client.get(f"{soc}/alerts/{named}/history")).json()["data"]
    assert history[-1]["action"] == "update"
    assert history[-1]["changes"] == [{"field": "incident_id", "before": incident, "after": None}]
    # Another incident's objects are untouched.
    untouched = (await admin_client.get(f"{soc}/alerts/{other}")).json()["data"]
    assert (untouched["version"], untouched["data_object"]["incident_id"]) == (1, kept)
    assert await _linked(admin_client, soc, f"incidents/{kept}/alerts") == [other]
    # The object changed is a whole one: a later change is checked and written as usual.
    changed = await admin_client.put(f"{soc}/alerts/{named}", json={"data_object": {"title": "t"}})
    assert changed.status_code == 200, changed.text


async def test_a_deleted_object_leaves_no_link(admin_client: httpx.AsyncClient, soc: str) -> None:
    incident = await _create(admin_client, soc, "incidents", incident_object())
    named = await _create(admin_client, soc, "alerts", alert(incident_id=incident))
    linked = await _create(admin_client, soc, "indicators", indicator())
    await admin_client.post(f"{soc}/indicators/{linked}/incidents", json={"ids": [incident]})

    await admin_client.request("DELETE", f"{soc}/alerts", json={"batch_ids": [named]})
    await admin_client.request("DELETE", f"{soc}/indicators", json={"batch_ids": [linked]})

    assert await _linked(admin_client, soc, f"incidents/{incident}/alerts") == []
    assert await _linked(admin_client, soc, f"incidents/{incident}/indicators") == []
