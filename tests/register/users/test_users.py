"""The register's user list."""

from __future__ import annotations

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import Role, User
from tests.factories import TenantInfo, make_member


async def test_the_user_list_shows_who_is_active(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    email = await make_member(sessions, tenant, Role.analyst)
    async with sessions.begin() as session:
        await session.execute(update(User).where(User.email == email).values(is_active=False))

    users = (await admin_client.get("/v1/users")).json()["users"]

    by_email = {u["email"]: u for u in users}
    assert by_email[email]["active"] is False
    assert by_email[tenant.admin_email]["active"] is True
    assert set(by_email[email]) == {"id", "email", "first_name", "last_name", "icon", "active"}
