"""Register incidents: the row shape, list, read, create, delete, and reading back through
SecMaster."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import IncidentEvent, Role, User
from tests.factories import TenantInfo, login, make_member, make_tenant
from tests.secmaster.incidents.factories import seed_incidents
from tests.secmaster.incidents.payloads import incident_object, incidents_path

USER_KEYS = {"email", "first_name", "icon", "id", "last_name"}
INCIDENT_KEYS = {
    "assigned_to",
    "contained_date",
    "created_date",
    "description",
    "detected_date",
    "id",
    "occurred_date",
    "opened_by",
    "responded_date",
    "severity",
    "severity_reasoning",
    "source",
    "status",
    "title",
    "updated_by",
    "updated_date",
}


async def test_a_secmaster_incident_reads_as_a_register_row(
    admin_client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    (made,) = await seed_incidents(
        sessions,
        tenant,
        [
            incident_object(
                severity="Fatal",
                owner=tenant.admin_email,
                arrive_time="2026-11-20T09:00:00.000Z",
            )
        ],
    )

    by_number = (await admin_client.get("/v1/incidents/INC-00001")).json()
    by_uuid = (await admin_client.get(f"/v1/incidents/{made}")).json()

    assert by_number == by_uuid
    assert set(by_number) == {
        "comment_count",
        "incident",
        "risk_associations",
        "tags",
        "threat_objectives",
    }
    incident = by_number["incident"]
    assert set(incident) == INCIDENT_KEYS
    assert incident["id"] == "INC-00001"
    assert incident["severity"] == "Critical"
    assert incident["status"] == "New"
    assert incident["source"] == "HSS"
    assert incident["occurred_date"].startswith("2026-11-20T08:00:00")
    assert incident["detected_date"].startswith("2026-11-20T09:00:00")
    assert set(incident["opened_by"]) == USER_KEYS
    assert incident["opened_by"]["id"] == str(tenant.admin_id)
    assert incident["assigned_to"]["email"] == tenant.admin_email
    assert incident["updated_by"]["id"] == str(tenant.admin_id)
    assert by_number["comment_count"] == 0
    assert by_number["tags"] == []
    assert by_number["threat_objectives"] == []


async def test_create_fills_secmaster_defaults_and_reads_back_there(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    response = await admin_client.post(
        "/v1/incidents",
        json={
            "title": "Phishing wave",
            "severity": "High",
            "status": "Review",
            "source": "WAF",
            "tags": ["phishing", "mail", "phishing"],
            "threat_objectives": [{"threat_objective": "Fraud", "relevance": "High"}],
            "responded_date": "2026-11-21T10:00:00+01:00",
        },
    )
    assert response.status_code == 201, response.text
    row = response.json()
    assert row["incident"]["id"] == "INC-00001"
    assert row["incident"]["status"] == "Review"
    assert row["incident"]["opened_by"]["email"] == tenant.admin_email
    assert row["incident"]["responded_date"].startswith("2026-11-21T09:00:00")
    assert sorted(t["content"] for t in row["tags"]) == ["mail", "phishing"]
    assert row["tags"][0]["org_id"] == str(tenant.project_id)
    assert row["threat_objectives"][0]["threat_objective"] == "Fraud"

    page = await admin_client.post(
        incidents_path(tenant.project_hex, tenant.workspace_id) + "/search", json={}
    )
    (detail,) = page.json()["data"]
    data_object = detail["data_object"]
    assert data_object["title"] == "Phishing wave"
    assert data_object["severity"] == "High"
    assert data_object["handle_status"] == "Open"
    assert data_object["creator"] == tenant.admin_email
    assert data_object["incident_type"] == {"category": "Other", "incident_type": "Other"}
    assert data_object["data_source"]["product_name"] == "WAF"
    assert data_object["description"] == "Phishing wave"


async def test_create_refuses_an_unknown_source_and_writes_nothing(
    admin_client: httpx.AsyncClient,
) -> None:
    response = await admin_client.post(
        "/v1/incidents", json={"title": "x", "source": "Carrier pigeon"}
    )

    assert response.status_code == 400
    assert response.json()["error"] == "validation_failed"
    assert "source" in response.json()["message"]
    assert (await admin_client.get("/v1/incidents")).json()["incidents"] == []


async def test_unknown_ids_are_404_in_the_register_envelope(
    admin_client: httpx.AsyncClient,
) -> None:
    for path in ("/v1/incidents/INC-00042", f"/v1/incidents/{uuid.uuid4()}", "/v1/incidents/x"):
        response = await admin_client.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"] == "not_found"


async def test_another_workspace_cannot_see_or_delete_the_incident(
    client: httpx.AsyncClient,
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    await seed_incidents(sessions, tenant, 1)
    other = await make_tenant(sessions)
    token = await login(client, other.admin_email, other.project_name)
    headers = {"X-Auth-Token": token}

    assert (await client.get("/v1/incidents/INC-00001", headers=headers)).status_code == 404
    assert (await client.delete("/v1/incidents/INC-00001", headers=headers)).status_code == 404
    listed = await client.get("/v1/incidents", headers=headers)
    assert listed.json()["incidents"] == []
    assert (await admin_client.get("/v1/incidents/INC-00001")).status_code == 200


async def test_delete_removes_the_incident_and_leaves_its_trail(
    admin_client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    (made,) = await seed_incidents(sessions, tenant, 1)

    response = await admin_client.delete("/v1/incidents/INC-00001")

    assert response.status_code == 204
    assert (await admin_client.get("/v1/incidents/INC-00001")).status_code == 404
    async with sessions() as session:
        actions = await session.scalars(
            select(IncidentEvent.action).where(IncidentEvent.incident_id == uuid.UUID(made))
        )
        assert sorted(actions) == ["create", "delete"]


async def test_the_list_pages_by_cursor_without_repeats(
    admin_client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    await seed_incidents(sessions, tenant, 7)  # created in one statement: same create_time

    seen: list[str] = []
    cursor = None
    for _ in range(10):
        params: dict[str, str | int] = {"limit": 3, "sort": "-created_date"}
        if cursor:
            params["cursor"] = cursor
        page = (await admin_client.get("/v1/incidents", params=params)).json()
        seen += [row["incident"]["id"] for row in page["incidents"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert sorted(seen) == [f"INC-{n:05d}" for n in range(1, 8)]
    assert len(set(seen)) == 7


async def test_the_list_sorts_by_number_and_filters(
    admin_client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    await seed_incidents(
        sessions,
        tenant,
        [
            incident_object(title="Ransom note", severity="Fatal"),
            incident_object(title="Port scan", severity="Low", handle_status="Block"),
            incident_object(title="Odd login", severity="Low", owner=tenant.admin_email),
        ],
    )

    async def ids(**params: object) -> list[str]:
        response = await admin_client.get("/v1/incidents", params={"sort": "id", **params})
        assert response.status_code == 200, response.text
        return [row["incident"]["id"] for row in response.json()["incidents"]]

    assert await ids() == ["INC-00001", "INC-00002", "INC-00003"]
    assert await ids(sort="-id") == ["INC-00003", "INC-00002", "INC-00001"]
    assert await ids(severity="Low") == ["INC-00002", "INC-00003"]
    assert await ids(status="In Progress") == ["INC-00002"]  # blocked reads as In Progress
    assert await ids(text="RANSOM") == ["INC-00001"]
    assert await ids(assigned_to=str(tenant.admin_id)) == ["INC-00003"]
    assert await ids(source="HSS") == ["INC-00001", "INC-00002", "INC-00003"]


async def test_bad_list_parameters_are_400(admin_client: httpx.AsyncClient) -> None:
    for params in (
        {"sort": "colour"},
        {"cursor": "not-a-cursor"},
        {"limit": 0},
        {"status": "Gone"},
    ):
        response = await admin_client.get("/v1/incidents", params=params)
        assert response.status_code == 400, params
        assert response.json()["error"] == "validation_failed"


async def test_an_inactive_creator_still_reads_as_a_user(
    admin_client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    email = await make_member(sessions, tenant, Role.analyst)
    await seed_incidents(sessions, tenant, [incident_object(creator=email)])
    async with sessions.begin() as session:
        await session.execute(update(User).where(User.email == email).values(is_active=False))

    row = (await admin_client.get("/v1/incidents/INC-00001")).json()

    assert row["incident"]["opened_by"]["email"] == email


async def test_the_row_counts_comments_and_lists_risks(
    admin_client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    await seed_incidents(sessions, tenant, 2)
    for text in ("first look", "escalated"):
        posted = await admin_client.post("/v1/incidents/INC-00002/comments", json={"content": text})
        assert posted.status_code == 201, posted.text
    risk = await admin_client.post("/v1/risks", json={"title": "Ransomware on file servers"})
    risk_id = risk.json()["risk"]["id"]
    linked = await admin_client.put("/v1/incidents/INC-00002/risks", json={"risk_ids": [risk_id]})
    assert linked.status_code == 200, linked.text

    page = (await admin_client.get("/v1/incidents", params={"sort": "id"})).json()["incidents"]

    assert [row["comment_count"] for row in page] == [0, 2]
    assert [row["risk_associations"] for row in page] == [[], [risk_id]]


async def test_the_create_event_lists_the_register_facts(
    admin_client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    response = await admin_client.post(
        "/v1/incidents",
        json={
            "title": "Insider copying files",
            "status": "Review",
            "tags": ["insider"],
            "threat_objectives": [{"threat_objective": "Data Disclosure", "relevance": "High"}],
            "severity_reasoning": "Customer data",
        },
    )
    assert response.status_code == 201, response.text

    async with sessions() as session:
        event = await session.scalar(select(IncidentEvent).where(IncidentEvent.action == "create"))
    assert event is not None
    changes = event.changes
    assert changes["status"] == {"before": None, "after": "review"}
    assert changes["tags"] == {"before": None, "after": ["insider"]}
    assert changes["threat_objectives"]["after"] == [
        {"threat_objective": "Data Disclosure", "relevance": "High"}
    ]
    assert changes["severity_reasoning"]["after"] == "Customer data"
    assert "arrive_time" not in changes  # nothing written, nothing listed
    assert "owner" not in changes


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "x", "source": ""}, "source"),
        ({"title": "x", "occurred_date": "0001-01-01T00:00:00+01:00"}, "occurred_date"),
        ({"title": "x", "responded_date": "9999-12-31T23:59:59-01:00"}, "responded_date"),
        ({"title": "x", "contained_date": "2026-11-20"}, "contained_date"),
        ({"title": "   "}, "title"),
    ],
)
async def test_bad_creates_are_400_naming_the_field(
    admin_client: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    response = await admin_client.post("/v1/incidents", json=body)

    assert response.status_code == 400, response.text
    answer = response.json()
    assert field in answer["message"] + str(answer["details"])
    assert (await admin_client.get("/v1/incidents")).json()["incidents"] == []


async def test_lookups_that_match_nobody_find_nothing(
    admin_client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    await seed_incidents(sessions, tenant, [incident_object(owner="")])

    by_stranger = await admin_client.get("/v1/incidents", params={"assigned_to": str(uuid.uuid4())})
    arabic_digits = await admin_client.get("/v1/incidents/INC-\u0660\u0661")

    assert by_stranger.json()["incidents"] == []
    assert arabic_digits.status_code == 404


async def test_a_row_is_read_in_one_statement(
    app: FastAPI,
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    await seed_incidents(sessions, tenant, [incident_object(owner=tenant.admin_email)])
    change = {"tags": ["b", "a"], "threat_objectives": [{"threat_objective": "Fraud"}]}
    assert (await admin_client.patch("/v1/incidents/INC-00001", json=change)).status_code == 200
    comment = {"content": "seen"}
    assert (await admin_client.post("/v1/incidents/INC-00001/comments", json=comment)).is_success
    reads: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "incident_tags" in statement or "incident_comments" in statement:
            reads.append(statement)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        answer = (await admin_client.get("/v1/incidents/INC-00001")).json()
    finally:
        event.remove(engine, "before_cursor_execute", record)

    # The incident, its users, tags, threat objectives, risks and comments: one statement.
    assert len(reads) == 1
    assert "incident_threat_objectives" in reads[0]
    assert "users" in reads[0]
    assert [tag["content"] for tag in answer["tags"]] == ["a", "b"]
    assert [link["threat_objective"] for link in answer["threat_objectives"]] == ["Fraud"]
    assert answer["comment_count"] == 1
    assert answer["incident"]["assigned_to"]["email"] == tenant.admin_email
