"""Helpers for the register's comment, risk and avatar tests."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import Role
from tests.factories import TenantInfo, login, make_member
from tests.secmaster.incidents.payloads import incident_object, incidents_path


async def create_incident(client: httpx.AsyncClient, tenant: TenantInfo, **overrides: Any) -> str:
    """An incident made through the SecMaster create route; its UUID."""
    response = await client.post(
        incidents_path(tenant.project_hex, tenant.workspace_id),
        json={"data_object": incident_object(**overrides)},
    )
    assert response.status_code == 200, response.text
    incident_id: str = response.json()["data"]["id"]
    return incident_id


async def member_headers(
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    role: Role,
) -> dict[str, str]:
    """Auth headers of a new member with `role` in the tenant's workspace."""
    email = await make_member(sessions, tenant, role)
    return {"X-Auth-Token": await login(client, email, tenant.project_name)}


async def admin_headers(client: httpx.AsyncClient, tenant: TenantInfo) -> dict[str, str]:
    return {"X-Auth-Token": await login(client, tenant.admin_email, tenant.project_name)}
