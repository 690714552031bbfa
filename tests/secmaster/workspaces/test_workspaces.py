"""SecMaster workspace routes, roles, and tenant isolation."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import Role
from tests.factories import TenantInfo, login, make_member, make_tenant


async def as_member(
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    role: Role,
    workspace_name: str | None = None,
) -> dict[str, str]:
    email = await make_member(sessions, tenant, role, workspace_name)
    return {"X-Auth-Token": await login(client, email, tenant.project_name)}


async def test_an_admin_creates_lists_and_shows_workspaces(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    created = await admin_client.post(
        tenant.workspaces_path,
        json={"name": "red team", "description": "exercises", "tags": [{"key": "k", "value": "v"}]},
    )
    workspace = created.json()

    listed = await admin_client.get(tenant.workspaces_path, params={"limit": 1, "offset": 1})
    by_name = await admin_client.get(tenant.workspaces_path, params={"name": "red"})
    shown = await admin_client.get(f"{tenant.workspaces_path}/{workspace['id']}")

    assert created.status_code == 200
    assert workspace["name"] == "red team"
    assert workspace["project_id"] == tenant.project_hex
    assert workspace["creator_id"] == str(tenant.admin_id)
    assert workspace["is_view"] is False
    assert listed.json()["count"] == 2
    assert [w["name"] for w in listed.json()["workspaces"]] == ["red team"]
    assert [w["id"] for w in by_name.json()["workspaces"]] == [workspace["id"]]
    assert shown.json() == {"workspace": workspace}


async def test_the_workspace_id_may_be_written_without_dashes(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    response = await admin_client.get(f"{tenant.workspaces_path}/{tenant.workspace_id.hex}")

    assert response.status_code == 200
    assert response.json()["workspace"]["id"] == str(tenant.workspace_id)


async def test_a_duplicate_workspace_name_is_409(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    response = await admin_client.post(tenant.workspaces_path, json={"name": "main"})

    assert response.status_code == 409
    assert response.json()["code"] == "SecMaster.20000409"


async def test_members_see_only_their_workspaces(
    client: httpx.AsyncClient,
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    private = (await admin_client.post(tenant.workspaces_path, json={"name": "private"})).json()
    viewer = await as_member(client, sessions, tenant, Role.viewer)

    listed = await client.get(tenant.workspaces_path, headers=viewer)
    shown = await client.get(f"{tenant.workspaces_path}/{private['id']}", headers=viewer)

    assert [w["name"] for w in listed.json()["workspaces"]] == ["main"]
    assert listed.json()["count"] == 1
    assert shown.status_code == 403
    assert shown.json()["code"] == "SecMaster.20010001"


async def test_another_projects_token_gets_403_on_every_workspace_route(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    other = await make_tenant(sessions)
    intruder = {"X-Auth-Token": await login(client, other.admin_email, other.project_name)}
    mine = f"{tenant.workspaces_path}/{tenant.workspace_id}"
    # Their own project id with our workspace id is refused too.
    crossed = f"{other.workspaces_path}/{tenant.workspace_id}"

    answers = [
        await client.get(tenant.workspaces_path, headers=intruder),
        await client.post(tenant.workspaces_path, headers=intruder, json={"name": "x"}),
        await client.get(mine, headers=intruder),
        await client.put(mine, headers=intruder, json={"name": "taken over"}),
        await client.get(crossed, headers=intruder),
        await client.put(crossed, headers=intruder, json={"name": "taken over"}),
    ]

    assert [a.status_code for a in answers] == [403] * 6
    assert {a.json()["code"] for a in answers} == {"SecMaster.20010001"}


async def test_a_viewer_cannot_write(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    viewer = await as_member(client, sessions, tenant, Role.viewer)

    rename = await client.put(
        f"{tenant.workspaces_path}/{tenant.workspace_id}", headers=viewer, json={"name": "mine"}
    )
    create = await client.post(tenant.workspaces_path, headers=viewer, json={"name": "new"})
    shown = await client.get(f"{tenant.workspaces_path}/{tenant.workspace_id}", headers=viewer)

    assert (rename.status_code, rename.json()["code"]) == (403, "SecMaster.20010002")
    assert (create.status_code, create.json()["code"]) == (403, "SecMaster.20010002")
    assert shown.json()["workspace"]["name"] == "main"


async def test_a_workspace_admin_renames_it(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    admin = await as_member(client, sessions, tenant, Role.admin)

    response = await client.put(
        f"{tenant.workspaces_path}/{tenant.workspace_id}",
        headers=admin,
        json={"name": "blue team", "description": "defence"},
    )

    assert response.status_code == 200
    assert response.json()["name"] == "blue team"
    assert response.json()["modifier_name"] == "Ada Lovelace"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/not-hex/workspaces", "project_id"),
        ("/v1/{project}/workspaces/12345", "workspace_id"),
        ("/v1/{project}/workspaces?limit=0", "limit"),
        ("/v1/{project}/workspaces?ids=a,b", "ids"),
    ],
)
async def test_malformed_ids_and_paging_are_400_naming_the_field(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, path: str, field: str
) -> None:
    response = await admin_client.get(path.format(project=tenant.project_hex))

    assert response.status_code == 400
    assert response.json()["code"] == "SecMaster.20000400"
    assert field in response.json()["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "x" * 65}, "name"),
        ({"name": "ok", "is_view": True}, "is_view"),
        ({"name": "ok", "colour": "red"}, "colour"),
        ({"name": "ok", "tags": [{"value": "v"}]}, "tags.0.key"),
    ],
)
async def test_bad_create_bodies_are_400_naming_the_field(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, body: dict[str, object], field: str
) -> None:
    response = await admin_client.post(tenant.workspaces_path, json=body)
    listed = await admin_client.get(tenant.workspaces_path)

    assert response.status_code == 400
    assert field in response.json()["message"]
    assert listed.json()["count"] == 1


async def test_register_routes_act_on_the_default_workspace_or_x_workspace_id(
    client: httpx.AsyncClient,
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    second = (await admin_client.post(tenant.workspaces_path, json={"name": "second"})).json()
    analyst_email = await make_member(sessions, tenant, Role.analyst, "second")
    analyst = {"X-Auth-Token": await login(client, analyst_email, tenant.project_name)}

    default = await client.get("/v1/users", headers=analyst)
    chosen = await client.get("/v1/users", headers={**analyst, "X-Workspace-Id": second["id"]})
    foreign = await client.get(
        "/v1/users", headers={**analyst, "X-Workspace-Id": str(tenant.workspace_id)}
    )
    unknown = await client.get(
        "/v1/users", headers={**analyst, "X-Workspace-Id": str(uuid.uuid4())}
    )
    malformed = await client.get("/v1/users", headers={**analyst, "X-Workspace-Id": "nope"})

    # The analyst's default is "second", the first workspace they joined.
    assert {u["email"] for u in default.json()["users"]} == {analyst_email, tenant.admin_email}
    assert chosen.json() == default.json()
    assert foreign.status_code == 403
    assert foreign.json()["error"] == "workspace_not_found"
    assert unknown.status_code == 403
    assert malformed.status_code == 400
    assert malformed.json()["details"][0]["field"] == "X-Workspace-Id"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        # A number is no ISO time (lax parsing took it as seconds since 1970).
        ({"create_time_start": "-234920"}, "create_time_start"),
        ({"create_time_end": "1700000000"}, "create_time_end"),
        ({"ids": "þ"}, "ids"),
        ({"ids": "3fa85f64-5717-4562-b3fc-2c963f66afa6,nope"}, "ids"),
    ],
)
async def test_list_filters_that_are_not_what_the_document_declares_are_400(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, params: dict[str, str], field: str
) -> None:
    spec = (await admin_client.get("/openapi.json")).json()
    declared = {
        p["name"] for p in spec["paths"]["/v1/{project_id}/workspaces"]["get"]["parameters"]
    }

    refused = await admin_client.get(tenant.workspaces_path, params=params)
    listed = await admin_client.get(
        tenant.workspaces_path,
        params={"create_time_start": "2000-01-01T00:00:00Z", "ids": f" {tenant.workspace_id} ,"},
    )

    assert field in declared
    assert refused.status_code == 400
    assert field in refused.json()["message"]
    assert listed.status_code == 200
    assert [w["id"] for w in listed.json()["workspaces"]] == [str(tenant.workspace_id)]
