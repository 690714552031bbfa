"""Keystone-style password login and session tokens."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.app import create_app
from socdesk.models import AuthToken, User
from socdesk.settings import Settings
from tests.factories import PASSWORD, TenantInfo, login, make_tenant, password_body


async def test_login_answers_201_with_the_token_in_x_subject_token(
    client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    response = await client.post(
        "/v3/auth/tokens", json=password_body(tenant.admin_email, tenant.project_name)
    )

    assert response.status_code == 201
    assert response.headers["X-Subject-Token"].startswith("sdtok_")
    assert response.headers["X-request-id"]
    token = response.json()["token"]
    assert token["methods"] == ["password"]
    assert token["user"] == {
        "id": tenant.admin_id.hex,
        "name": tenant.admin_email,
        "domain": {"id": tenant.project_hex, "name": tenant.project_name},
    }
    assert token["project"] == {"id": tenant.project_hex, "name": tenant.project_name}
    issued = datetime.fromisoformat(token["issued_at"])
    expires = datetime.fromisoformat(token["expires_at"])
    assert expires - issued == timedelta(hours=24)


async def test_login_scoped_by_project_id(client: httpx.AsyncClient, tenant: TenantInfo) -> None:
    body = password_body(tenant.admin_email, tenant.project_name)
    body["auth"]["scope"] = {"project": {"id": tenant.project_hex}}  # type: ignore[index]

    response = await client.post("/v3/auth/tokens", json=body)

    assert response.status_code == 201


async def test_tokens_are_stored_only_as_hashes(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    token = await login(client, tenant.admin_email, tenant.project_name)

    async with sessions() as session:
        stored = (await session.scalars(select(AuthToken.token_hash))).all()

    assert stored == [hashlib.sha256(token.encode()).hexdigest()]


@pytest.mark.parametrize(
    ("email", "password", "project"),
    [
        ("admin", "wrong password", "tenant"),
        ("nobody@nowhere.example", PASSWORD, "tenant"),
        ("admin", PASSWORD, "no-such-project"),
    ],
    ids=["wrong-password", "unknown-user", "unknown-project"],
)
async def test_refused_logins_are_401_without_saying_why(
    client: httpx.AsyncClient, tenant: TenantInfo, email: str, password: str, project: str
) -> None:
    email = tenant.admin_email if email == "admin" else email
    project = tenant.project_name if project == "tenant" else project

    response = await client.post("/v3/auth/tokens", json=password_body(email, project, password))

    assert response.status_code == 401
    assert "X-Subject-Token" not in response.headers
    assert response.json() == {
        "error": {
            "code": 401,
            "title": "Unauthorized",
            "message": "the credentials were not accepted",
        }
    }


async def test_a_user_of_another_project_cannot_log_in_to_this_one(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    other = await make_tenant(sessions)

    response = await client.post(
        "/v3/auth/tokens", json=password_body(other.admin_email, tenant.project_name)
    )

    assert response.status_code == 401


async def test_an_inactive_user_cannot_log_in_and_their_tokens_stop_working(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    token = await login(client, tenant.admin_email, tenant.project_name)
    async with sessions.begin() as session:
        await session.execute(
            update(User).where(User.id == tenant.admin_id).values(is_active=False)
        )

    relogin = await client.post(
        "/v3/auth/tokens", json=password_body(tenant.admin_email, tenant.project_name)
    )
    use = await client.get(tenant.workspaces_path, headers={"X-Auth-Token": token})

    assert relogin.status_code == 401
    assert use.status_code == 401


async def test_get_validates_a_token_and_delete_revokes_it(
    client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    token = await login(client, tenant.admin_email, tenant.project_name)
    both = {"X-Auth-Token": token, "X-Subject-Token": token}

    validated = await client.get("/v3/auth/tokens", headers=both)
    revoked = await client.delete("/v3/auth/tokens", headers=both)
    after = await client.get(tenant.workspaces_path, headers={"X-Auth-Token": token})

    assert validated.status_code == 200
    assert validated.headers["X-Subject-Token"] == token
    assert validated.json()["token"]["user"]["name"] == tenant.admin_email
    assert revoked.status_code == 204
    assert after.status_code == 401


async def test_validating_a_revoked_or_unknown_subject_is_404(
    client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    caller = await login(client, tenant.admin_email, tenant.project_name)
    subject = await login(client, tenant.admin_email, tenant.project_name)
    await client.delete(
        "/v3/auth/tokens", headers={"X-Auth-Token": caller, "X-Subject-Token": subject}
    )

    revoked = await client.get(
        "/v3/auth/tokens", headers={"X-Auth-Token": caller, "X-Subject-Token": subject}
    )
    unknown = await client.get(
        "/v3/auth/tokens", headers={"X-Auth-Token": caller, "X-Subject-Token": "sdtok_nothing"}
    )

    assert revoked.status_code == 404
    assert unknown.status_code == 404


async def test_another_projects_token_cannot_be_seen_or_revoked(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    other = await make_tenant(sessions)
    mine = await login(client, tenant.admin_email, tenant.project_name)
    theirs = await login(client, other.admin_email, other.project_name)

    seen = await client.get(
        "/v3/auth/tokens", headers={"X-Auth-Token": mine, "X-Subject-Token": theirs}
    )
    revoked = await client.delete(
        "/v3/auth/tokens", headers={"X-Auth-Token": mine, "X-Subject-Token": theirs}
    )
    still = await client.get(other.workspaces_path, headers={"X-Auth-Token": theirs})

    assert seen.status_code == 404
    assert revoked.status_code == 404
    assert still.status_code == 200


async def test_an_expired_token_is_401(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    token = await login(client, tenant.admin_email, tenant.project_name)
    async with sessions.begin() as session:
        await session.execute(
            update(AuthToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )

    response = await client.get(tenant.workspaces_path, headers={"X-Auth-Token": token})

    assert response.status_code == 401
    assert response.json()["code"] == "SecMaster.20000401"


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Auth-Token": "sdtok_made_up"}, {"Authorization": "Basic YTpi"}, {"X-Auth-Token": ""}],
    ids=["none", "unknown", "other-scheme", "empty"],
)
async def test_calls_without_a_valid_token_are_401(
    client: httpx.AsyncClient, tenant: TenantInfo, headers: dict[str, str]
) -> None:
    response = await client.get(tenant.workspaces_path, headers=headers)

    assert response.status_code == 401
    assert response.json()["code"] == "SecMaster.20000401"


async def test_a_bearer_authorization_header_works_like_x_auth_token(
    client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    token = await login(client, tenant.admin_email, tenant.project_name)

    response = await client.get(
        tenant.workspaces_path, headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 200


async def test_repeated_failures_block_the_account_for_a_while(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    # A long first block, so the test does not depend on how fast the requests run.
    strict = create_app(
        settings.model_copy(update={"login_free_failures": 2, "login_first_block_seconds": 600})
    )
    good = password_body(tenant.admin_email, tenant.project_name)
    bad = password_body(tenant.admin_email, tenant.project_name, "wrong password")
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=strict), base_url="http://testserver"
        ) as client:
            failures = [(await client.post("/v3/auth/tokens", json=bad)).status_code for _ in "ab"]
            blocked = await client.post("/v3/auth/tokens", json=good)
    finally:
        await strict.state.engine.dispose()

    assert failures == [401, 401]
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) >= 1
    assert "too many failed logins" in blocked.json()["error"]["message"]


async def test_a_successful_login_clears_earlier_failures(
    app: FastAPI, client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    bad = password_body(tenant.admin_email, tenant.project_name, "wrong password")
    for _ in range(app.state.settings.login_free_failures - 1):
        assert (await client.post("/v3/auth/tokens", json=bad)).status_code == 401
    await login(client, tenant.admin_email, tenant.project_name)

    after = [(await client.post("/v3/auth/tokens", json=bad)).status_code for _ in range(2)]

    assert after == [401, 401]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "auth"),
        ({"auth": {"identity": {"methods": ["totp"], "password": {}}}}, "auth.identity.methods.0"),
        ({"auth": {"identity": {"methods": ["password"]}}}, "auth.identity.password"),
        (
            {
                "auth": {
                    "identity": {
                        "methods": ["password"],
                        "password": {
                            "user": {"name": "a@b.example", "password": "x", "colour": "red"}
                        },
                    }
                }
            },
            "auth.identity.password.user.colour",
        ),
    ],
    ids=["empty", "unknown-method", "no-password", "unknown-field"],
)
async def test_malformed_login_bodies_are_400_naming_the_field(
    client: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    response = await client.post("/v3/auth/tokens", json=body)

    assert response.status_code == 400
    assert field in response.json()["error"]["message"]
