"""The demo tenant's sample incidents, as the APIs show them to a new user."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.cli.demo_data import (
    COMMENTS,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_PROJECT,
    SAMPLES,
    DemoTenant,
    prepare_demo,
)
from tests.factories import make_tenant, password_body


async def _prepare(sessions: async_sessionmaker[AsyncSession]) -> DemoTenant | None:
    async with sessions.begin() as session:
        return await prepare_demo(session)


async def _demo_headers(client: httpx.AsyncClient) -> dict[str, str]:
    body = password_body(DEMO_EMAIL, DEMO_PROJECT, DEMO_PASSWORD)
    response = await client.post("/v3/auth/tokens", json=body)
    assert response.status_code == 201, response.text
    return {"X-Auth-Token": response.headers["X-Subject-Token"]}


async def _rows(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = await client.get("/v1/incidents?limit=200&sort=id", headers=headers)
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["incidents"]
    return rows


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def test_the_demo_workspace_holds_weeks_of_varied_incidents(
    sessions: async_sessionmaker[AsyncSession], client: httpx.AsyncClient
) -> None:
    demo = await _prepare(sessions)
    headers = await _demo_headers(client)
    rows = await _rows(client, headers)
    incidents = [row["incident"] for row in rows]
    created = [_time(i["created_date"]) for i in incidents]
    now = datetime.now(UTC)

    assert demo is not None
    assert demo.seeded == len(SAMPLES) == len(rows) >= 30
    assert [i["id"] for i in incidents] == [f"INC-{n:05d}" for n in range(1, len(rows) + 1)]
    assert created == sorted(created)  # numbers grow with time
    assert now - timedelta(days=45) < created[0] < now - timedelta(days=28)
    assert now - timedelta(days=1) < created[-1] <= now
    assert {i["severity"] for i in incidents} == {
        "Informational",
        "Low",
        "Medium",
        "High",
        "Critical",
    }
    assert {i["status"] for i in incidents} == {"New", "In Progress", "Review", "Closed"}
    assert len({i["source"] for i in incidents}) >= 8
    owners = Counter(i["assigned_to"]["email"] for i in incidents if i["assigned_to"])
    assert len(owners) == 3
    assert min(owners.values()) >= 5
    assert sum(1 for row in rows if row["tags"]) >= 30
    assert sum(1 for row in rows if row["threat_objectives"]) >= 15
    assert sum(row["comment_count"] for row in rows) == sum(map(len, COMMENTS.values()))
    assert sum(1 for row in rows if row["risk_associations"]) >= 8
    closed = [i for i in incidents if i["status"] == "Closed"]
    assert all(i["contained_date"] and i["responded_date"] for i in closed)


async def test_the_demo_is_written_through_the_canonical_change_path(
    sessions: async_sessionmaker[AsyncSession], client: httpx.AsyncClient
) -> None:
    demo = await _prepare(sessions)
    assert demo is not None
    headers = await _demo_headers(client)
    soc = f"/v1/{demo.project_id}/workspaces/{demo.workspace_id}/soc/incidents"

    blocked = await client.post(
        f"{soc}/search",
        headers=headers,
        json={
            "condition": {"conditions": [{"name": "b", "data": ["handle_status", "=", "Block"]}]}
        },
    )
    oldest = await client.post(f"{soc}/search", headers=headers, json={"limit": 1, "order": "ASC"})
    first = oldest.json()["data"][0]
    history = await client.get(f"{soc}/{first['id']}/history", headers=headers)
    events = history.json()["data"]

    assert blocked.json()["total"] >= 1
    assert events[0]["action"] == "create"
    assert events[0]["actor"] == DEMO_EMAIL
    assert {c["field"] for c in events[0]["changes"]} >= {"title", "severity", "handle_status"}
    assert all(event["action"] in ("create", "update") for event in events)


async def test_a_restart_keeps_the_demo_as_it_is(
    sessions: async_sessionmaker[AsyncSession], client: httpx.AsyncClient
) -> None:
    first = await _prepare(sessions)
    headers = await _demo_headers(client)
    before = await _rows(client, headers)

    again = await _prepare(sessions)

    assert first is not None
    assert again is not None
    assert again.seeded == 0
    assert (again.project_id, again.workspace_id) == (first.project_id, first.workspace_id)
    assert await _rows(client, headers) == before


async def test_a_store_with_other_tenants_gets_no_demo(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await make_tenant(sessions)

    assert await _prepare(sessions) is None
