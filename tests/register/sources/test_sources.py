"""The register's per-project incident sources."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.kit.migrate import upgrade
from socdesk.models import DEFAULT_SOURCES, Role
from tests.factories import TenantInfo, login, make_member, make_tenant


async def test_a_new_project_starts_with_the_default_sources(
    admin_client: httpx.AsyncClient,
) -> None:
    response = await admin_client.get("/v1/sources")

    assert response.status_code == 200
    assert [s["name"] for s in response.json()["sources"]] == sorted(DEFAULT_SOURCES)


async def test_analysts_add_sources_and_names_are_unique(
    client: httpx.AsyncClient,
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    analyst = {
        "X-Auth-Token": await login(
            client, await make_member(sessions, tenant, Role.analyst), tenant.project_name
        )
    }
    viewer = {
        "X-Auth-Token": await login(
            client, await make_member(sessions, tenant, Role.viewer), tenant.project_name
        )
    }

    added = await client.post("/v1/sources", json={"name": "Honeypot"}, headers=analyst)
    again = await client.post("/v1/sources", json={"name": "Honeypot"}, headers=analyst)
    refused = await client.post("/v1/sources", json={"name": "Mine"}, headers=viewer)
    empty = await client.post("/v1/sources", json={"name": ""}, headers=analyst)
    names = [s["name"] for s in (await admin_client.get("/v1/sources")).json()["sources"]]

    assert added.status_code == 201
    assert added.json()["source"]["name"] == "Honeypot"
    assert (again.status_code, again.json()["error"]) == (409, "conflict")
    assert (refused.status_code, refused.json()["error"]) == (403, "permission_denied")
    assert (empty.status_code, empty.json()["details"][0]["field"]) == (400, "name")
    assert "Honeypot" in names
    assert "Mine" not in names


async def test_sources_belong_to_one_project(
    client: httpx.AsyncClient,
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    other = await make_tenant(sessions)
    theirs = {"X-Auth-Token": await login(client, other.admin_email, other.project_name)}
    await admin_client.post("/v1/sources", json={"name": "Only ours"})

    names = [s["name"] for s in (await client.get("/v1/sources", headers=theirs)).json()["sources"]]

    assert "Only ours" not in names


def test_the_migration_gives_existing_projects_the_defaults(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0002")
    engine = sa.create_engine(url)
    project_id = uuid.uuid4()
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO projects (id, name, created_at, updated_at) "
                "VALUES (:id, 'old', :now, :now)"
            ),
            {"id": project_id.hex, "now": now},
        )

    upgrade(url)

    with engine.connect() as connection:
        names = connection.execute(sa.text("SELECT name FROM sources")).scalars().all()
    engine.dispose()
    assert sorted(names) == sorted(DEFAULT_SOURCES)


async def test_a_blank_source_name_is_400(admin_client: httpx.AsyncClient) -> None:
    response = await admin_client.post("/v1/sources", json={"name": "   "})

    assert response.status_code == 400
    assert "name" in str(response.json()["details"])


async def test_concurrent_adds_of_one_name_make_one_source(
    live_server: str, tenant: TenantInfo
) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as client:
        client.headers["X-Auth-Token"] = await login(
            client, tenant.admin_email, tenant.project_name
        )

        answers = await asyncio.gather(
            *(client.post("/v1/sources", json={"name": "Honeypot"}) for _ in range(4))
        )
        listed = (await client.get("/v1/sources")).json()["sources"]

    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409]
    assert [s["name"] for s in listed].count("Honeypot") == 1
