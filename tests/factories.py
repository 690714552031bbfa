"""Small typed helpers that put tenants, users and credentials into a test database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.iam.accounts import AccountService
from socdesk.iam.service import AuthService
from socdesk.models import Role
from socdesk.settings import Settings

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class TenantInfo:
    project_id: uuid.UUID
    project_name: str
    workspace_id: uuid.UUID
    workspace_name: str
    admin_id: uuid.UUID
    admin_email: str

    @property
    def project_hex(self) -> str:
        return self.project_id.hex

    @property
    def workspaces_path(self) -> str:
        return f"/v1/{self.project_hex}/workspaces"


async def make_tenant(
    sessions: async_sessionmaker[AsyncSession], name: str | None = None
) -> TenantInfo:
    """A project with one workspace and its project-admin user."""
    name = name or f"project-{uuid.uuid4().hex[:8]}"
    async with sessions.begin() as session:
        tenant = await AccountService(session).bootstrap(
            name, "main", f"admin@{name}.example", PASSWORD
        )
    return TenantInfo(
        tenant.project.id, name, tenant.workspace.id, "main", tenant.user.id, tenant.user.email
    )


async def make_member(
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    role: Role,
    workspace_name: str | None = None,
) -> str:
    """A new user of the tenant's project with `role` in a workspace; returns the email."""
    email = f"{role.value}-{uuid.uuid4().hex[:6]}@{tenant.project_name}.example"
    async with sessions.begin() as session:
        accounts = AccountService(session)
        await accounts.create_user(tenant.project_name, email, PASSWORD, "Ada", "Lovelace")
        await accounts.add_member(
            tenant.project_name, workspace_name or tenant.workspace_name, email, role
        )
    return email


async def make_access_key(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, tenant: TenantInfo, email: str
) -> tuple[str, str]:
    async with sessions.begin() as session:
        _project, user = await AccountService(session).user_named(tenant.project_name, email)
        record, secret = await AuthService(session, settings).create_access_key(user)
    return record.access_key, secret


def password_body(email: str, project: str, password: str = PASSWORD) -> dict[str, object]:
    return {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {"name": email, "password": password, "domain": {"name": project}}
                },
            },
            "scope": {"project": {"name": project}},
        }
    }


async def login(client: httpx.AsyncClient, email: str, project: str) -> str:
    """Log in through POST /v3/auth/tokens; the token."""
    response = await client.post("/v3/auth/tokens", json=password_body(email, project))
    assert response.status_code == 201, response.text
    return response.headers["X-Subject-Token"]
