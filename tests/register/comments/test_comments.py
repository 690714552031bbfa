"""Comments on register incidents: `GET|POST /v1/incidents/{id}/comments`."""

from __future__ import annotations

import uuid
from datetime import datetime

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.incidents.comments import comment_counts
from socdesk.models import IncidentComment, Role
from tests.factories import TenantInfo, make_tenant
from tests.register.incidents.facts import admin_headers, create_incident, member_headers
from tests.secmaster.incidents.payloads import incidents_path


async def test_comments_are_added_and_listed_oldest_first(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    incident_id = await create_incident(admin_client, tenant)

    first = await admin_client.post("/v1/incidents/INC-00001/comments", json={"content": "one"})
    second = await admin_client.post(
        f"/v1/incidents/{incident_id}/comments", json={"content": "two"}
    )
    third = await admin_client.post("/v1/incidents/inc-1/comments", json={"content": "three"})
    listed = await admin_client.get(f"/v1/incidents/{incident_id}/comments")

    assert (first.status_code, second.status_code, third.status_code) == (201, 201, 201)
    comment = first.json()["comment"]
    assert set(comment) == {"id", "content", "created_date", "author"}
    assert comment["content"] == "one"
    assert datetime.fromisoformat(comment["created_date"]).tzinfo is not None
    assert comment["author"] == {
        "id": str(tenant.admin_id),
        "email": tenant.admin_email,
        "first_name": "",
        "last_name": "",
        "icon": None,
    }
    assert listed.status_code == 200
    body = listed.json()
    assert [c["content"] for c in body["comments"]] == ["one", "two", "three"]
    assert body["comments"][0] == comment
    assert body["next_cursor"] is None


async def test_comments_page_with_a_cursor(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    await create_incident(admin_client, tenant)
    for n in range(5):
        response = await admin_client.post(
            "/v1/incidents/INC-00001/comments", json={"content": f"comment {n}"}
        )
        assert response.status_code == 201

    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        body = (await admin_client.get("/v1/incidents/INC-00001/comments", params=params)).json()
        pages.append([c["content"] for c in body["comments"]])
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert pages == [["comment 0", "comment 1"], ["comment 2", "comment 3"], ["comment 4"]]


async def test_bad_comments_and_queries_are_400(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    await create_incident(admin_client, tenant)
    path = "/v1/incidents/INC-00001/comments"

    blank = await admin_client.post(path, json={"content": " \n\t "})
    empty = await admin_client.post(path, json={"content": ""})
    too_long = await admin_client.post(path, json={"content": "x" * 10_001})
    longest = await admin_client.post(path, json={"content": "x" * 10_000})
    unknown_field = await admin_client.post(path, json={"content": "ok", "pinned": True})
    not_text = await admin_client.post(path, json={"content": 7})
    no_body = await admin_client.post(path)
    nul = await admin_client.post(path, json={"content": "a\x00b"})
    bad_cursor = await admin_client.get(path, params={"cursor": "not-a-cursor"})
    zero_limit = await admin_client.get(path, params={"limit": 0})
    huge_limit = await admin_client.get(path, params={"limit": 1001})
    stored = (await admin_client.get(path)).json()["comments"]

    for response in (blank, empty, too_long, unknown_field, not_text, no_body, nul):
        assert response.status_code == 400, response.text
        assert response.json()["error"] == "validation_failed"
    assert blank.json()["details"][0]["field"] == "content"
    assert too_long.json()["details"][0]["field"] == "content"
    assert longest.status_code == 201
    assert (bad_cursor.status_code, bad_cursor.json()["details"][0]["field"]) == (400, "cursor")
    assert (zero_limit.status_code, zero_limit.json()["details"][0]["field"]) == (400, "limit")
    assert huge_limit.status_code == 400
    assert [len(c["content"]) for c in stored] == [10_000]


async def test_unknown_and_other_workspaces_incidents_are_404(
    client: httpx.AsyncClient,
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    ours = await create_incident(admin_client, tenant)
    other = await make_tenant(sessions)
    theirs = await admin_headers(client, other)

    unknown = await admin_client.get("/v1/incidents/INC-00002/comments")
    unknown_uuid = await admin_client.post(
        f"/v1/incidents/{uuid.uuid4()}/comments", json={"content": "x"}
    )
    malformed = await admin_client.get("/v1/incidents/nonsense/comments")
    their_read = await client.get(f"/v1/incidents/{ours}/comments", headers=theirs)
    their_read_by_number = await client.get("/v1/incidents/INC-00001/comments", headers=theirs)
    their_write = await client.post(
        f"/v1/incidents/{ours}/comments", json={"content": "sneaky"}, headers=theirs
    )
    async with sessions() as session:
        stored = await session.scalar(select(func.count()).select_from(IncidentComment))

    for response in (
        unknown,
        unknown_uuid,
        malformed,
        their_read,
        their_read_by_number,
        their_write,
    ):
        assert response.status_code == 404, response.text
        assert response.json()["error"] == "not_found"
    assert stored == 0


async def test_viewers_read_and_analysts_write(
    client: httpx.AsyncClient,
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    await create_incident(admin_client, tenant)
    viewer = await member_headers(client, sessions, tenant, Role.viewer)
    analyst = await member_headers(client, sessions, tenant, Role.analyst)
    path = "/v1/incidents/INC-00001/comments"

    written = await client.post(path, json={"content": "by analyst"}, headers=analyst)
    refused = await client.post(path, json={"content": "by viewer"}, headers=viewer)
    read = await client.get(path, headers=viewer)
    anonymous = await client.get(path)

    assert written.status_code == 201
    assert written.json()["comment"]["author"]["first_name"] == "Ada"
    assert (refused.status_code, refused.json()["error"]) == (403, "permission_denied")
    assert [c["content"] for c in read.json()["comments"]] == ["by analyst"]
    assert anonymous.status_code == 401


async def test_commenting_is_not_an_edit_of_the_incident(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    incident_id = await create_incident(admin_client, tenant)
    detail_path = f"{incidents_path(tenant.project_hex, tenant.workspace_id)}/{incident_id}"
    before = (await admin_client.get(detail_path)).json()["data"]

    await admin_client.post(f"/v1/incidents/{incident_id}/comments", json={"content": "note"})
    after = (await admin_client.get(detail_path)).json()["data"]

    assert (after["version"], after["update_time"]) == (before["version"], before["update_time"])


async def test_comment_counts_for_many_incidents(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    busy = uuid.UUID(await create_incident(admin_client, tenant, title="busy"))
    quiet = uuid.UUID(await create_incident(admin_client, tenant, title="quiet"))
    for n in range(3):
        await admin_client.post(f"/v1/incidents/{busy}/comments", json={"content": str(n)})

    async with sessions() as session:
        counts = await comment_counts(session, tenant.workspace_id, [busy, quiet, busy])
        elsewhere = await comment_counts(session, uuid.uuid4(), [busy])
        nothing = await comment_counts(session, tenant.workspace_id, [])

    assert counts == {busy: 3, quiet: 0}
    assert elsewhere == {busy: 0}
    assert nothing == {}
