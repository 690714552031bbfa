"""The SDK's indicator and vulnerability routes over raw HTTP: errors name their field and
change nothing, a workspace never reaches another's indicators, a viewer never writes."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import Role
from tests.factories import TenantInfo, login, make_member, make_tenant
from tests.objects.payloads import indicator, vulnerability
from tests.secmaster.objects.conftest import soc_path


async def _create(client: httpx.AsyncClient, soc: str, **fields: Any) -> dict[str, Any]:
    response = await client.post(f"{soc}/indicators", json={"data_object": indicator(**fields)})
    assert response.status_code == 200, response.text
    return dict(response.json()["data"])


async def _shown(client: httpx.AsyncClient, soc: str, indicator_id: str) -> dict[str, Any]:
    response = await client.get(f"{soc}/indicators/{indicator_id}")
    assert response.status_code == 200, response.text
    return dict(response.json()["data"])


async def _total(client: httpx.AsyncClient, soc: str) -> int:
    response = await client.post(f"{soc}/indicators/search", json={})
    assert response.status_code == 200, response.text
    return int(response.json()["total"])


async def test_create_answers_the_whole_indicator_and_the_generic_event_id(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    created = await _create(admin_client, soc)

    assert (created["name"], created["type"], created["version"]) == ("C2 address", "MANUAL", 1)
    assert created["event_id"] is None
    assert created["data_object"]["id"] == created["id"]
    assert created == {**await _shown(admin_client, soc, created["id"]), "event_id": None}


async def test_invalid_writes_and_searches_name_their_field_and_change_nothing(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    existing = (await _create(admin_client, soc))["id"]

    bad_verdict = await admin_client.post(
        f"{soc}/indicators", json={"data_object": indicator(verdict="Purple")}
    )
    no_value = await admin_client.post(
        f"{soc}/indicators", json={"data_object": {"name": "x", "verdict": "Black"}}
    )
    bad_change = await admin_client.put(
        f"{soc}/indicators/{existing}", json={"data_object": {"confidence": "high"}}
    )
    emptied = await admin_client.put(
        f"{soc}/indicators/{existing}", json={"data_object": {"value": None}}
    )
    bad_ids = await admin_client.post(f"{soc}/indicators/search", json={"ids": ["nope"]})
    other_class = await admin_client.post(
        f"{soc}/indicators/search", json={"dataclass_id": "Alert"}
    )
    bad_sort = await admin_client.post(f"{soc}/indicators/search", json={"sort_by": "nothing"})
    bad_limit = await admin_client.post(f"{soc}/indicators/search", json={"limit": 0})
    unknown = await admin_client.get(f"{soc}/indicators/{'0' * 32}")
    malformed = await admin_client.get(f"{soc}/indicators/not-an-id")
    vul_unknown = await admin_client.get(f"{soc}/vulnerability/{'0' * 32}")
    vul_bad = await admin_client.post(f"{soc}/vulnerability/search", json={"order": "SIDEWAYS"})

    def message(response: httpx.Response) -> str:
        assert response.status_code == 400, response.text
        return str(response.json()["message"])

    assert "verdict" in message(bad_verdict)
    assert all(f in message(no_value) for f in ("value", "indicator_type", "status"))
    assert "confidence" in message(bad_change)
    assert "value" in message(emptied)
    assert message(bad_ids).startswith("ids.0:")
    assert message(other_class).startswith("dataclass_id:")
    assert "sort_by" in bad_sort.json()["message"]
    assert bad_limit.status_code == 400
    assert "limit" in bad_limit.json()["message"]
    for missing in (unknown, malformed, vul_unknown):
        assert missing.status_code in (400, 404), missing.text
    assert "indicator_id" in malformed.json()["message"]
    assert vul_bad.status_code == 400
    assert "order" in vul_bad.json()["message"]
    shown = await _shown(admin_client, soc, existing)
    assert (shown["version"], shown["data_object"]["value"]) == (1, "203.0.113.7")
    assert await _total(admin_client, soc) == 1


async def test_a_workspace_never_reaches_anothers_indicators(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    soc: str,
) -> None:
    mine = (await _create(admin_client, soc))["id"]
    other = await make_tenant(sessions)
    theirs = soc_path(other)
    headers = {"X-Auth-Token": await login(client, other.admin_email, other.project_name)}

    shown = await client.get(f"{theirs}/indicators/{mine}", headers=headers)
    changed = await client.put(
        f"{theirs}/indicators/{mine}", headers=headers, json={"data_object": {"name": "x"}}
    )
    searched = await client.post(
        f"{theirs}/indicators/search", headers=headers, json={"ids": [mine]}
    )
    deleted = await client.request(
        "DELETE", f"{theirs}/indicators", headers=headers, json={"batch_ids": [mine]}
    )
    crossed = await client.post(
        f"{soc}/indicators", headers=headers, json={"data_object": indicator()}
    )

    assert shown.status_code in (400, 404)
    assert changed.status_code in (400, 404)
    assert searched.json()["total"] == 0
    assert deleted.json()["data"] == {"success_ids": [], "error_ids": [mine]}
    assert crossed.status_code == 403
    still = await _shown(admin_client, soc, mine)
    assert (still["version"], still["name"]) == (1, "C2 address")


async def test_a_workspace_never_reaches_anothers_vulnerabilities(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    soc: str,
) -> None:
    made = await admin_client.post(
        f"{soc}/vulnerabilities", json={"data_object": vulnerability(vul_name="mine")}
    )
    assert made.status_code == 200, made.text
    mine = made.json()["data"]["id"]
    other = await make_tenant(sessions)
    theirs = soc_path(other)
    headers = {"X-Auth-Token": await login(client, other.admin_email, other.project_name)}
    their_own = await client.post(
        f"{theirs}/vulnerabilities",
        headers=headers,
        json={"data_object": vulnerability(vul_name="theirs")},
    )
    assert their_own.status_code == 200, their_own.text

    shown = await client.get(f"{theirs}/vulnerability/{mine}", headers=headers)
    found = await client.post(f"{theirs}/vulnerability/search", headers=headers, json={})
    by_name = await client.post(
        f"{theirs}/vulnerability/search",
        headers=headers,
        json={"condition": {"conditions": [{"name": "c", "data": ["vul_name", "=", "mine"]}]}},
    )
    crossed = await client.post(f"{soc}/vulnerability/search", headers=headers, json={})

    assert shown.status_code in (400, 404), shown.text
    assert "mine" not in shown.text
    assert found.status_code == 200, found.text
    assert [d["data_object"]["vul_name"] for d in found.json()["data"]] == ["theirs"]
    assert found.json()["total"] == 1
    assert by_name.json()["total"] == 0
    assert crossed.status_code == 403
    mine_shown = await admin_client.get(f"{soc}/vulnerability/{mine}")
    assert mine_shown.status_code == 200, mine_shown.text
    assert mine_shown.json()["data"]["data_object"]["vul_name"] == "mine"
    listed = (await admin_client.post(f"{soc}/vulnerability/search", json={})).json()
    assert [d["id"] for d in listed["data"]] == [mine]


async def test_viewers_read_but_never_write_indicators(
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
        await client.post(f"{soc}/indicators", headers=viewer, json={"data_object": indicator()}),
        await client.put(
            f"{soc}/indicators/{existing}", headers=viewer, json={"data_object": {"name": "x"}}
        ),
        await client.request(
            "DELETE", f"{soc}/indicators", headers=viewer, json={"batch_ids": [existing]}
        ),
    ]
    read = await client.get(f"{soc}/indicators/{existing}", headers=viewer)
    searched = await client.post(f"{soc}/indicators/search", headers=viewer, json={})

    assert [r.status_code for r in writes] == [403] * 3
    assert read.status_code == 200
    assert searched.json()["total"] == 1
    shown = await _shown(admin_client, soc, existing)
    assert (shown["version"], shown["name"]) == (1, "C2 address")
    assert await _total(admin_client, soc) == 1
