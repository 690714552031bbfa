"""Register PATCH, bulk and single: seed 004's rules, all or nothing, read back in both
dialects, audited."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import IncidentEvent, Role, User
from tests.factories import TenantInfo, login, make_member
from tests.secmaster.incidents.factories import seed_incidents
from tests.secmaster.incidents.payloads import incidents_path


async def rows(client: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    """Every register row of the workspace, by INC id."""
    page = await client.get("/v1/incidents", params={"limit": 200})
    assert page.status_code == 200, page.text
    return {row["incident"]["id"]: row for row in page.json()["incidents"]}


async def patch(client: httpx.AsyncClient, **body: Any) -> httpx.Response:
    return await client.patch("/v1/incidents", json=body)


async def user_id(sessions: async_sessionmaker[AsyncSession], email: str) -> str:
    async with sessions() as session:
        return str(await session.scalar(select(User.id).where(User.email == email)))


@pytest.fixture
async def three(sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo) -> list[str]:
    """Three incidents: INC-00001..3; their UUIDs."""
    return await seed_incidents(sessions, tenant, 3)


async def test_bulk_patch_changes_the_listed_incidents_only(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    three: list[str],
) -> None:
    analyst = await make_member(sessions, tenant, Role.analyst)

    response = await patch(
        admin_client,
        ids=["INC-00003", three[0]],
        title="Contained brute force",
        severity="Informational",
        status="Closed",
        assigned_to=await user_id(sessions, analyst),
    )

    assert response.status_code == 200, response.text
    changed = response.json()["incidents"]
    assert [row["incident"]["id"] for row in changed] == ["INC-00003", "INC-00001"]
    for row in changed:
        assert row["incident"]["title"] == "Contained brute force"
        assert row["incident"]["severity"] == "Informational"
        assert row["incident"]["status"] == "Closed"
        assert row["incident"]["assigned_to"]["email"] == analyst
        assert row["incident"]["updated_by"]["email"] == tenant.admin_email
    untouched = (await rows(admin_client))["INC-00002"]["incident"]
    assert untouched["title"] == "incident 1"
    assert untouched["status"] == "New"

    detail = await admin_client.get(
        incidents_path(tenant.project_hex, tenant.workspace_id) + f"/{three[0]}"
    )
    data_object = detail.json()["data"]["data_object"]
    assert data_object["title"] == "Contained brute force"
    assert data_object["severity"] == "Tips"
    assert data_object["handle_status"] == "Closed"
    assert data_object["owner"] == analyst
    assert "close_time" in data_object
    assert detail.json()["data"]["version"] == 2

    async with sessions() as session:
        events = (
            await session.scalars(
                select(IncidentEvent).where(
                    IncidentEvent.incident_id == uuid.UUID(three[0]),
                    IncidentEvent.action == "update",
                )
            )
        ).all()
    (event,) = events
    assert event.changes["title"] == {"before": "incident 0", "after": "Contained brute force"}
    assert event.changes["severity"] == {"before": "High", "after": "Tips"}
    assert event.changes["handle_status"] == {"before": "Open", "after": "Closed"}
    assert event.actor_email == tenant.admin_email


async def test_single_patch_answers_the_one_row(
    admin_client: httpx.AsyncClient, three: list[str]
) -> None:
    response = await admin_client.patch("/v1/incidents/INC-00002", json={"status": "In Progress"})

    assert response.status_code == 200, response.text
    assert response.json()["incident"]["id"] == "INC-00002"
    assert response.json()["incident"]["status"] == "In Progress"


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"ids": ["INC-00001"]}, "changes nothing"),
        ({"ids": ["INC-00001"], "tag_operation": "Add"}, "changes nothing"),
        ({"ids": [], "title": "x"}, "ids"),
        ({"ids": ["INC-00001"], "title": None}, "title"),
        ({"ids": ["INC-00001"], "status": None}, "status"),
        ({"ids": ["INC-00001"], "severity": None}, "severity"),
        ({"ids": ["INC-00001"], "severity": "Fatal"}, "severity"),
        ({"ids": ["INC-00001"], "status": "Blocked"}, "status"),
        ({"ids": ["INC-00001"], "occurred_date": "yesterday"}, "occurred_date"),
        ({"ids": ["INC-00001"], "detected_date": "2026-11-20T08:00:00"}, "detected_date"),
        ({"ids": ["INC-00001"], "source": "Carrier pigeon"}, "source"),
        ({"ids": ["INC-00001"], "tags": ["a"], "tag_operation": "Merge"}, "tag_operation"),
        ({"ids": ["INC-00001"], "colour": "red"}, "colour"),
        (
            {
                "ids": ["INC-00001"],
                "threat_objectives": [
                    {"threat_objective": "Fraud"},
                    {"threat_objective": "Fraud", "relevance": "Low"},
                ],
            },
            "listed twice",
        ),
        (
            {"ids": ["INC-00001"], "threat_objectives": [{"threat_objective": "Boredom"}]},
            "threat_objective",
        ),
    ],
)
async def test_invalid_patches_are_400_and_change_nothing(
    admin_client: httpx.AsyncClient, three: list[str], body: dict[str, Any], named: str
) -> None:
    before = await rows(admin_client)

    response = await admin_client.patch("/v1/incidents", json=body)

    assert response.status_code == 400, response.text
    answer = response.json()
    assert answer["error"] == "validation_failed"
    assert named in answer["message"] + str(answer.get("details"))
    assert await rows(admin_client) == before


async def test_an_inactive_or_foreign_assignee_is_400(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    three: list[str],
) -> None:
    email = await make_member(sessions, tenant, Role.analyst)
    async with sessions.begin() as session:
        await session.execute(update(User).where(User.email == email).values(is_active=False))
    before = await rows(admin_client)

    for assignee in (await user_id(sessions, email), str(uuid.uuid4())):
        response = await patch(admin_client, ids=["INC-00001"], assigned_to=assignee)
        assert response.status_code == 400, response.text
        assert "assigned_to" in response.json()["message"]
    assert await rows(admin_client) == before


async def test_any_unknown_id_is_404_and_nothing_changes(
    admin_client: httpx.AsyncClient, three: list[str]
) -> None:
    before = await rows(admin_client)

    for unknown in ("INC-00004", str(uuid.uuid4()), "not-an-id"):
        response = await patch(admin_client, ids=["INC-00001", unknown], title="Changed")
        assert response.status_code == 404, response.text
        assert response.json()["error"] == "not_found"
        assert unknown in response.json()["message"]
    assert await rows(admin_client) == before


async def test_null_clears_a_field(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    three: list[str],
) -> None:
    filled = await patch(
        admin_client,
        ids=["INC-00001"],
        assigned_to=str(tenant.admin_id),
        severity_reasoning="Domain admin account",
        responded_date="2026-11-21T10:00:00Z",
        contained_date="2026-11-21T11:00:00Z",
        detected_date="2026-11-20T09:00:00Z",
        tags=["ad"],
        threat_objectives=[{"threat_objective": "Sabotage"}],
    )
    assert filled.status_code == 200, filled.text

    response = await patch(
        admin_client,
        ids=["INC-00001"],
        assigned_to=None,
        severity_reasoning=None,
        responded_date=None,
        contained_date=None,
        description=None,
        source=None,
        tags=None,
        threat_objectives=None,
    )

    assert response.status_code == 200, response.text
    (row,) = response.json()["incidents"]
    incident = row["incident"]
    for field in ("assigned_to", "severity_reasoning", "responded_date", "contained_date"):
        assert incident[field] is None, field
    assert incident["source"] is None
    assert incident["description"] == ""
    assert row["tags"] == []
    assert row["threat_objectives"] == []
    detail = await admin_client.get(
        incidents_path(tenant.project_hex, tenant.workspace_id) + f"/{three[0]}"
    )
    assert "owner" not in detail.json()["data"]["data_object"]


async def test_tag_operations(admin_client: httpx.AsyncClient, three: list[str]) -> None:
    async def tags_after(**body: Any) -> dict[str, list[str]]:
        response = await patch(admin_client, ids=["INC-00001", "INC-00002"], **body)
        assert response.status_code == 200, response.text
        return {
            row["incident"]["id"]: sorted(t["content"] for t in row["tags"])
            for row in response.json()["incidents"]
        }

    assert await tags_after(tags=["vip", "ad"]) == {
        "INC-00001": ["ad", "vip"],
        "INC-00002": ["ad", "vip"],
    }
    assert await tags_after(tags=["mail", "ad"], tag_operation="Add") == {
        "INC-00001": ["ad", "mail", "vip"],
        "INC-00002": ["ad", "mail", "vip"],
    }
    assert await tags_after(tags=["vip", "absent"], tag_operation="Remove") == {
        "INC-00001": ["ad", "mail"],
        "INC-00002": ["ad", "mail"],
    }
    assert await tags_after(tags=["fresh"], tag_operation="Replace") == {
        "INC-00001": ["fresh"],
        "INC-00002": ["fresh"],
    }
    assert await tags_after(tags=["other"], tag_operation=None) == {
        "INC-00001": ["other"],
        "INC-00002": ["other"],
    }
    assert (await rows(admin_client))["INC-00003"]["tags"] == []


async def test_unchanged_threat_objectives_keep_their_created_date(
    admin_client: httpx.AsyncClient, three: list[str]
) -> None:
    first = await patch(
        admin_client,
        ids=["INC-00001"],
        threat_objectives=[
            {"threat_objective": "Fraud", "relevance": "High"},
            {"threat_objective": "Extortion", "relevance": "Low"},
        ],
    )
    assert first.status_code == 200, first.text
    dates = {
        link["threat_objective"]: link["created_date"]
        for link in first.json()["incidents"][0]["threat_objectives"]
    }
    await asyncio.sleep(0.01)

    second = await patch(
        admin_client,
        ids=["INC-00001"],
        threat_objectives=[
            # Unchanged; the date a client echoes back is not part of its identity.
            {"threat_objective": "Fraud", "relevance": "High", "created_date": None},
            {"threat_objective": "Extortion", "relevance": "High"},  # relevance changed
            {"threat_objective": "Sabotage"},  # new
        ],
    )

    assert second.status_code == 200, second.text
    links = {
        link["threat_objective"]: link
        for link in second.json()["incidents"][0]["threat_objectives"]
    }
    assert set(links) == {"Fraud", "Extortion", "Sabotage"}
    assert links["Fraud"]["created_date"] == dates["Fraud"]
    assert links["Extortion"]["created_date"] != dates["Extortion"]
    assert links["Extortion"]["relevance"] == "High"
    assert links["Sabotage"]["relevance"] is None


async def test_secmaster_changes_read_back_in_the_register(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, three: list[str]
) -> None:
    path = incidents_path(tenant.project_hex, tenant.workspace_id)
    response = await admin_client.put(
        f"{path}/{three[1]}",
        json={
            "data_object": {
                "title": "Renamed in SecMaster",
                "severity": "Medium",
                "handle_status": "Block",
                "arrive_time": "2026-11-22T07:00:00.000Z",
            }
        },
    )
    assert response.status_code == 200, response.text

    row = (await admin_client.get("/v1/incidents/INC-00002")).json()["incident"]
    assert row["title"] == "Renamed in SecMaster"
    assert row["severity"] == "Medium"
    assert row["status"] == "In Progress"
    assert row["detected_date"].startswith("2026-11-22T07:00:00")

    # Writing what the register shows (In Progress) leaves a blocked incident blocked.
    await patch(admin_client, ids=["INC-00002"], status="In Progress")
    detail = await admin_client.get(f"{path}/{three[1]}")
    assert detail.json()["data"]["data_object"]["handle_status"] == "Block"


async def test_source_change_reads_back_as_data_source(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, three: list[str]
) -> None:
    response = await patch(admin_client, ids=["INC-00001"], source="EDR")
    assert response.status_code == 200, response.text

    detail = await admin_client.get(
        incidents_path(tenant.project_hex, tenant.workspace_id) + f"/{three[0]}"
    )
    data_source = detail.json()["data"]["data_object"]["data_source"]
    assert data_source == {"source_type": 3, "product_name": "EDR", "product_feature": "login"}
    search = await admin_client.post(
        incidents_path(tenant.project_hex, tenant.workspace_id) + "/search",
        json={
            "condition": {
                "conditions": [{"name": "c", "data": ["data_source.product_name", "=", "EDR"]}],
                "logics": ["c"],
            }
        },
    )
    assert [d["id"] for d in search.json()["data"]] == [three[0]]


async def test_a_viewer_cannot_patch(
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    three: list[str],
) -> None:
    viewer = await make_member(sessions, tenant, Role.viewer)
    token = await login(client, viewer, tenant.project_name)

    response = await client.patch(
        "/v1/incidents", json={"ids": ["INC-00001"], "title": "x"}, headers={"X-Auth-Token": token}
    )

    assert response.status_code == 403
    assert response.json()["error"] == "permission_denied"


async def test_concurrent_bulk_patches_never_mix(
    live_server: str, sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    """Two PATCHes over overlapping ids, sent at once over real HTTP: each incident ends with
    every field from one of them (PostgreSQL row locks; SQLite's write lock)."""
    await seed_incidents(sessions, tenant, 60)
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as client:
        token = await login(client, tenant.admin_email, tenant.project_name)
        client.headers["X-Auth-Token"] = token
        writers = {
            "A": (list(range(1, 41)), "High", ["from-a"]),
            "B": (list(range(60, 20, -1)), "Low", ["from-b"]),
        }
        for _ in range(3):
            answers = await asyncio.gather(
                *(
                    patch(
                        client,
                        ids=[f"INC-{n:05d}" for n in numbers],
                        title=f"written by {name}",
                        severity=severity,
                        tags=tags,
                        threat_objectives=[{"threat_objective": "Fraud", "relevance": severity}],
                    )
                    for name, (numbers, severity, tags) in writers.items()
                )
            )
            assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]

            for row in (await rows(client)).values():
                incident = row["incident"]
                _, severity, tags = writers[incident["title"][-1]]
                assert incident["severity"] == severity, row
                assert [t["content"] for t in row["tags"]] == tags, row
                assert row["threat_objectives"][0]["relevance"] == severity, row
