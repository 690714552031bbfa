"""A credential is checked against the store on every request: there is no cache of verified
tokens, so a revoked token or API key, or a deactivated user, is refused from the very next
request on, also on the routes whose credential and workspace are read in one query
(docs/authentication.md)."""

from __future__ import annotations

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.iam.accounts import AccountService
from socdesk.models import Role, User
from tests.factories import TenantInfo, login, make_member
from tests.secmaster.incidents.factories import seed_incidents


def _incidents_path(tenant: TenantInfo) -> str:
    return f"{tenant.workspaces_path}/{tenant.workspace_id}/soc/incidents"


async def _reads(
    client: httpx.AsyncClient, tenant: TenantInfo, incident_id: str, token: str
) -> list[int]:
    """The statuses of a SecMaster GET, a register GET and a search made with `token`."""
    path = _incidents_path(tenant)
    headers = {"X-Auth-Token": token}
    return [
        (await client.get(f"{path}/{incident_id}", headers=headers)).status_code,
        (await client.get("/v1/incidents/INC-00001", headers=headers)).status_code,
        (await client.post(f"{path}/search", json={}, headers=headers)).status_code,
    ]


async def test_a_revoked_session_token_is_refused_at_once(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    token = await login(client, tenant.admin_email, tenant.project_name)
    before = await _reads(client, tenant, incident_id, token)

    revoked = await client.delete(
        "/v3/auth/tokens", headers={"X-Auth-Token": token, "X-Subject-Token": token}
    )
    after = await _reads(client, tenant, incident_id, token)

    assert before == [200, 200, 200]
    assert revoked.status_code == 204
    assert after == [401, 401, 401]


async def test_a_revoked_api_key_is_refused_at_once(
    client: httpx.AsyncClient,
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    key = (await admin_client.post("/v3/auth/api-keys", json={"name": "ci"})).json()["api_key"]
    before = await _reads(client, tenant, incident_id, key["key"])

    revoked = await admin_client.delete(f"/v3/auth/api-keys/{key['id']}")
    after = await _reads(client, tenant, incident_id, key["key"])

    assert before == [200, 200, 200]
    assert revoked.status_code == 204
    assert after == [401, 401, 401]


async def test_a_deactivated_users_token_is_refused_at_once(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    token = await login(client, tenant.admin_email, tenant.project_name)
    before = await _reads(client, tenant, incident_id, token)

    async with sessions.begin() as session:
        await session.execute(
            update(User).where(User.id == tenant.admin_id).values(is_active=False)
        )
    after = await _reads(client, tenant, incident_id, token)

    assert before == [200, 200, 200]
    assert after == [401, 401, 401]


async def test_a_membership_removed_or_weakened_counts_from_the_next_request(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    """The role read with the credential is the role stored now."""
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    email = await make_member(sessions, tenant, Role.analyst)
    token = await login(client, email, tenant.project_name)
    path = _incidents_path(tenant)
    headers = {"X-Auth-Token": token}
    body = {"batch_ids": [incident_id], "data_object": {"title": "x"}}

    as_analyst = await client.post(f"{path}/batch-update", json=body, headers=headers)
    async with sessions.begin() as session:
        await AccountService(session).add_member(
            tenant.project_name, tenant.workspace_name, email, Role.viewer
        )
    as_viewer = await client.post(f"{path}/batch-update", json=body, headers=headers)
    still_reads = await client.get(f"{path}/{incident_id}", headers=headers)

    assert as_analyst.status_code == 200, as_analyst.text
    assert as_viewer.status_code == 403
    assert as_viewer.json()["code"] == "SecMaster.20010002"
    assert still_reads.status_code == 200
