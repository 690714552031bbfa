"""API keys (long-lived bearer tokens) and AK/SK access keys, managed over HTTP."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import Role
from tests.factories import TenantInfo, login, make_member


async def test_an_api_key_is_shown_once_and_authenticates(
    client: httpx.AsyncClient, admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    created = await admin_client.post(
        "/v3/auth/api-keys", json={"name": "soar", "expires_in_days": 30}
    )
    key = created.json()["api_key"]

    listed = await admin_client.get("/v3/auth/api-keys")
    used = await client.get(tenant.workspaces_path, headers={"X-Auth-Token": key["key"]})

    assert created.status_code == 201
    assert key["key"].startswith("sdkey_")
    assert key["name"] == "soar"
    assert key["expires_at"] is not None
    assert listed.json()["api_keys"] == [{k: v for k, v in key.items() if k != "key"}]
    assert used.status_code == 200


async def test_a_revoked_api_key_is_401(
    client: httpx.AsyncClient, admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    key = (await admin_client.post("/v3/auth/api-keys", json={"name": "ci"})).json()["api_key"]

    revoked = await admin_client.delete(f"/v3/auth/api-keys/{key['id']}")
    used = await client.get(tenant.workspaces_path, headers={"X-Auth-Token": key["key"]})
    listed = (await admin_client.get("/v3/auth/api-keys")).json()["api_keys"]

    assert revoked.status_code == 204
    assert used.status_code == 401
    assert listed[0]["revoked_at"] is not None


async def test_nobody_revokes_another_users_api_key(
    client: httpx.AsyncClient,
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    key = (await admin_client.post("/v3/auth/api-keys", json={"name": "mine"})).json()["api_key"]
    analyst = await login(
        client, await make_member(sessions, tenant, Role.analyst), tenant.project_name
    )

    response = await client.delete(
        f"/v3/auth/api-keys/{key['id']}", headers={"X-Auth-Token": analyst}
    )
    still = await client.get(tenant.workspaces_path, headers={"X-Auth-Token": key["key"]})

    assert response.status_code == 404
    assert still.status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x", "expires_in_days": 0}, "expires_in_days"),
        # Numbers are numbers: no boolean (true is not 1), no string, no fraction.
        ({"name": "x", "expires_in_days": True}, "expires_in_days"),
        ({"name": "x", "expires_in_days": "30"}, "expires_in_days"),
        ({"name": "x", "expires_in_days": 1.5}, "expires_in_days"),
        ({"name": "x", "expires_in_days": 30.0}, "expires_in_days"),
        ({"name": 7}, "name"),
        ({"name": "x", "scope": "all"}, "scope"),
        ({}, "name"),
    ],
)
async def test_bad_api_key_requests_are_400_naming_the_field(
    admin_client: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    response = await admin_client.post("/v3/auth/api-keys", json=body)
    listed = await admin_client.get("/v3/auth/api-keys")

    assert response.status_code == 400
    assert field in response.json()["error"]["message"]
    assert listed.json()["api_keys"] == []


async def test_revoking_with_a_malformed_id_is_400(admin_client: httpx.AsyncClient) -> None:
    response = await admin_client.delete("/v3/auth/api-keys/not-an-id")

    assert response.status_code == 400
    assert "key_id" in response.json()["error"]["message"]


async def test_access_keys_are_created_listed_and_revoked(admin_client: httpx.AsyncClient) -> None:
    created = (await admin_client.post("/v3/auth/access-keys")).json()["access_key"]

    listed = (await admin_client.get("/v3/auth/access-keys")).json()["access_keys"]
    revoked = await admin_client.delete(f"/v3/auth/access-keys/{created['access_key']}")
    unknown = await admin_client.delete("/v3/auth/access-keys/NOSUCHKEY")
    after = (await admin_client.get("/v3/auth/access-keys")).json()["access_keys"]

    assert len(created["access_key"]) == 20
    assert len(created["secret_key"]) == 40
    assert [k["access_key"] for k in listed] == [created["access_key"]]
    assert "secret_key" not in listed[0]
    assert revoked.status_code == 204
    assert unknown.status_code == 404
    assert after[0]["revoked_at"] is not None
