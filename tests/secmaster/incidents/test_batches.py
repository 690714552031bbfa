"""Batch delete (the seed's contract, field for field) and batch update (all or none)."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import Incident, IncidentEvent
from tests.factories import TenantInfo, make_tenant
from tests.secmaster.incidents.factories import seed_incidents
from tests.secmaster.incidents.payloads import incident_object, incidents_path


@pytest.fixture
def path(tenant: TenantInfo) -> str:
    return incidents_path(tenant.project_hex, tenant.workspace_id)


async def count(sessions: async_sessionmaker[AsyncSession], model: type) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_batch_delete_sorts_ids_into_success_and_error(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    mine = await seed_incidents(sessions, tenant, 3)
    other = await make_tenant(sessions)
    foreign = await seed_incidents(sessions, other, 1)
    unknown = str(uuid.uuid4())
    batch = [mine[0], "not-an-id", mine[1], unknown, mine[0], foreign[0], 42]

    response = await admin_client.post(f"{path}/batch-delete", json={"batch_ids": batch})

    assert response.status_code == 200
    assert response.json() == {
        "code": "00000000",
        "message": "",
        "data": {
            "success_ids": [mine[0], mine[1]],
            "error_ids": ["not-an-id", mine[0], "42", unknown, foreign[0]],
        },
    }
    remaining = await admin_client.post(f"{path}/search", json={})
    assert [d["id"] for d in remaining.json()["data"]] == [mine[2]]
    assert await count(sessions, Incident) == 2  # mine[2] and the other tenant's


@pytest.mark.parametrize("body", [None, {}, {"batch_ids": []}, {"batch_ids": None}])
async def test_batch_delete_without_ids_is_200_with_empty_lists(
    admin_client: httpx.AsyncClient, path: str, body: dict[str, object] | None
) -> None:
    response = await admin_client.post(f"{path}/batch-delete", json=body)

    assert response.status_code == 200
    assert response.json()["data"] == {"success_ids": [], "error_ids": []}


async def test_delete_on_the_collection_is_batch_delete(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    ids = await seed_incidents(sessions, tenant, 2)

    response = await admin_client.request("DELETE", path, json={"batch_ids": ids})

    assert response.json()["data"] == {"success_ids": ids, "error_ids": []}
    assert await count(sessions, Incident) == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"batch_ids": "abc"}, "batch_ids"),
        ({"ids": []}, "ids"),
        ({"batch_ids": ["x"] * 10_001}, "batch_ids"),
    ],
)
async def test_malformed_batch_delete_bodies_are_400(
    admin_client: httpx.AsyncClient, path: str, body: dict[str, object], field: str
) -> None:
    response = await admin_client.post(f"{path}/batch-delete", json=body)

    assert response.status_code == 400
    assert field in response.json()["message"]


async def test_ten_thousand_ids_in_one_batch_delete(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    ids = await seed_incidents(sessions, tenant, 9_990)
    unknown = [str(uuid.uuid4()) for _ in range(10)]

    response = await admin_client.post(f"{path}/batch-delete", json={"batch_ids": ids + unknown})

    data = response.json()["data"]
    assert len(data["success_ids"]) == 9_990
    assert data["error_ids"] == unknown
    assert await count(sessions, Incident) == 0
    async with sessions() as session:
        deletes = await session.scalar(select(func.count()).where(IncidentEvent.action == "delete"))
    assert deletes == 9_990


async def test_batch_update_changes_every_listed_incident_and_audits_each(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    ids = await seed_incidents(sessions, tenant, 3)

    response = await admin_client.post(
        f"{path}/batch-update",
        json={
            "batch_ids": ids[:2],
            "data_object": {
                "severity": "Low",
                "handle_status": "Closed",
                "close_reason": "Resolved",
                "remediation": {"recommendation": "patched"},
            },
        },
    )
    shown = [(await admin_client.get(f"{path}/{i}")).json()["data"] for i in ids]
    history = (await admin_client.get(f"{path}/{ids[0]}/history")).json()["data"]

    assert response.status_code == 200
    answered = dict(response.json()["data"])
    assert (answered.pop("success_ids"), answered.pop("error_ids")) == (ids[:2], [])
    # The rest is the first listed incident after the change (the SDK's IncidentDetail).
    assert answered == shown[0]
    for detail in shown[:2]:
        data = detail["data_object"]
        assert (data["severity"], data["handle_status"], data["close_reason"]) == (
            "Low",
            "Closed",
            "Resolved",
        )
        assert data["remediation"] == {"recommendation": "patched"}
        assert data["title"].startswith("incident")
        assert "close_time" in data
        assert detail["version"] == 2
    assert shown[2]["data_object"]["severity"] == "High"
    assert shown[2]["version"] == 1
    changed = {c["field"]: (c["before"], c["after"]) for c in history[-1]["changes"]}
    assert changed["severity"] == ("High", "Low")
    assert changed["handle_status"] == ("Open", "Closed")
    assert changed["close_time"][1] == shown[0]["data_object"]["close_time"]


async def test_batch_update_reopens_only_blocked_and_closed_incidents(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    from tests.secmaster.incidents.payloads import incident_object

    ids = await seed_incidents(
        sessions, tenant, [incident_object(handle_status=s) for s in ("Open", "Block", "Closed")]
    )

    await admin_client.post(
        f"{path}/batch-update", json={"batch_ids": ids, "data_object": {"handle_status": "Open"}}
    )

    async with sessions() as session:
        statuses = dict((await session.execute(select(Incident.id, Incident.status))).all())
    assert [statuses[uuid.UUID(i)] for i in ids] == ["new", "in_progress", "in_progress"]


async def test_batch_update_with_one_bad_id_changes_nothing(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    ids = await seed_incidents(sessions, tenant, 2)
    foreign = await seed_incidents(sessions, await make_tenant(sessions), 1)

    response = await admin_client.post(
        f"{path}/batch-update",
        json={"batch_ids": [*ids, foreign[0]], "data_object": {"severity": "Low"}},
    )
    severities = {
        (await admin_client.get(f"{path}/{i}")).json()["data"]["data_object"]["severity"]
        for i in ids
    }

    assert response.status_code == 400
    assert foreign[0] in response.json()["message"]
    assert severities == {"High"}


async def test_batch_update_of_ten_thousand(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    ids = await seed_incidents(sessions, tenant, 10_000)

    response = await admin_client.post(
        f"{path}/batch-update", json={"batch_ids": ids, "data_object": {"owner": "bob@x.example"}}
    )

    assert len(response.json()["data"]["success_ids"]) == 10_000
    async with sessions() as session:
        owners = (await session.execute(select(Incident.owner).distinct())).scalars().all()
        updates = await session.scalar(select(func.count()).where(IncidentEvent.action == "update"))
    assert owners == ["bob@x.example"]
    assert updates == 10_000


async def test_a_bulk_create_keeps_fields_only_some_rows_have(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    """Large batches go through COPY on PostgreSQL, which takes its columns from one row."""
    from tests.secmaster.incidents.payloads import incident_object

    objects = [incident_object(title="open")] + [
        incident_object(title=f"closed {i}", handle_status="Closed", owner="ann@x.example")
        for i in range(299)
    ]

    ids = await seed_incidents(sessions, tenant, objects)

    last = (await admin_client.get(f"{path}/{ids[-1]}")).json()["data"]["data_object"]
    first = (await admin_client.get(f"{path}/{ids[0]}")).json()["data"]["data_object"]
    assert last["handle_status"] == "Closed"
    assert "close_time" in last
    assert last["owner"] == "ann@x.example"
    assert "close_time" not in first
    assert "owner" not in first


async def test_batch_update_accepts_a_repeated_id(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    ids = await seed_incidents(sessions, tenant, 1)

    response = await admin_client.post(
        f"{path}/batch-update",
        json={"batch_ids": [ids[0], ids[0]], "data_object": {"severity": "Low"}},
    )

    assert response.status_code == 200
    assert response.json()["data"]["success_ids"] == ids


async def test_a_change_cannot_remove_the_create_time(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    """A null create_time (the fuzzer found it a 500 on both stores) is a 400 naming it, and
    nothing changes, on PUT and batch-update alike."""
    soc = f"/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc"
    made = await admin_client.post(f"{soc}/incidents", json={"data_object": incident_object()})
    incident = made.json()["data"]["id"]

    put = await admin_client.put(
        f"{soc}/incidents/{incident}", json={"data_object": {"create_time": None}}
    )
    batch = await admin_client.post(
        f"{soc}/incidents/batch-update",
        json={"batch_ids": [incident], "data_object": {"create_time": None}},
    )

    for refused in (put, batch):
        assert refused.status_code == 400, refused.text
        assert "data_object.create_time" in refused.json()["message"]
    shown = (await admin_client.get(f"{soc}/incidents/{incident}")).json()["data"]
    assert shown["version"] == 1
