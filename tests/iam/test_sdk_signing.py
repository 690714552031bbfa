"""The official Huawei Cloud SecMaster SDK, unchanged, against a live SOCdesk (AK/SK signing)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.signer.signer import Signer
from huaweicloudsdksecmaster.v1 import (
    CreateWorkspaceRequest,
    CreateWorkspaceRequestBody,
    ListWorkspacesRequest,
    ShowWorkspaceRequest,
)
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import AccessKey, Role
from socdesk.settings import Settings
from tests.factories import TenantInfo, make_access_key, make_member, make_tenant
from tests.sdk import sdk_client


@pytest.fixture
async def admin_keys(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, tenant: TenantInfo
) -> tuple[str, str]:
    return await make_access_key(sessions, settings, tenant, tenant.admin_email)


def expect_error(call: Callable[[], Any]) -> ClientRequestException:
    with pytest.raises(ClientRequestException) as caught:
        call()
    return caught.value


async def test_sdk_lists_creates_and_shows_workspaces(
    live_server: str, tenant: TenantInfo, admin_keys: tuple[str, str]
) -> None:
    client = sdk_client(live_server, *admin_keys, tenant.project_hex)

    created = client.create_workspace(
        CreateWorkspaceRequest(
            project_id=tenant.project_hex,
            body=CreateWorkspaceRequestBody(
                name="sdk-made",
                description="from the SDK",
                region_id="cn-north-4",
                enterprise_project_id="0",
                is_view=False,
                project_name=tenant.project_name,
            ),
        )
    )
    listed = client.list_workspaces(ListWorkspacesRequest(project_id=tenant.project_hex, limit=10))
    shown = client.show_workspace(
        ShowWorkspaceRequest(project_id=tenant.project_hex, workspace_id=created.id)
    )

    assert created.name == "sdk-made"
    assert created.project_id == tenant.project_hex
    assert created.region_id == "cn-north-4"
    assert listed.count == 2
    assert {w.name for w in listed.workspaces} == {"main", "sdk-made"}
    assert shown.workspace.description == "from the SDK"
    assert shown.workspace.creator_id == str(tenant.admin_id)


async def test_sdk_gets_403_for_a_foreign_project(
    live_server: str,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    admin_keys: tuple[str, str],
) -> None:
    other = await make_tenant(sessions)
    client = sdk_client(live_server, *admin_keys, other.project_hex)

    error = expect_error(
        lambda: client.list_workspaces(ListWorkspacesRequest(project_id=other.project_hex))
    )

    assert error.status_code == 403
    assert error.error_code == "SecMaster.20010001"
    assert error.request_id  # the X-request-id header, read by the SDK


async def test_sdk_gets_403_for_a_workspace_it_is_not_a_member_of(
    live_server: str,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: TenantInfo,
) -> None:
    viewer = await make_member(sessions, tenant, Role.viewer)
    ak, sk = await make_access_key(sessions, settings, tenant, viewer)
    admin = sdk_client(
        live_server,
        *await make_access_key(sessions, settings, tenant, tenant.admin_email),
        tenant.project_hex,
    )
    private = admin.create_workspace(
        CreateWorkspaceRequest(
            project_id=tenant.project_hex, body=CreateWorkspaceRequestBody(name="private")
        )
    )
    client = sdk_client(live_server, ak, sk, tenant.project_hex)

    error = expect_error(
        lambda: client.show_workspace(
            ShowWorkspaceRequest(project_id=tenant.project_hex, workspace_id=private.id)
        )
    )
    visible = client.list_workspaces(ListWorkspacesRequest(project_id=tenant.project_hex))

    assert (error.status_code, error.error_code) == (403, "SecMaster.20010001")
    assert [w.name for w in visible.workspaces] == ["main"]


def _tamper_body(request: Any, **_: Any) -> None:
    body = request.body if isinstance(request.body, bytes) else str(request.body).encode()
    request.body = body.replace(b"honest", b"hOnest")


async def test_a_body_changed_after_signing_is_401(
    live_server: str,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    admin_keys: tuple[str, str],
) -> None:
    client = sdk_client(live_server, *admin_keys, tenant.project_hex, hook=_tamper_body)

    error = expect_error(
        lambda: client.create_workspace(
            CreateWorkspaceRequest(
                project_id=tenant.project_hex, body=CreateWorkspaceRequestBody(name="honest")
            )
        )
    )
    untampered = sdk_client(live_server, *admin_keys, tenant.project_hex)
    names = {
        w.name
        for w in untampered.list_workspaces(
            ListWorkspacesRequest(project_id=tenant.project_hex)
        ).workspaces
    }

    assert error.status_code == 401
    assert error.error_code == "SecMaster.20000401"
    assert names == {"main"}


async def test_a_stale_signing_date_is_401(
    live_server: str, tenant: TenantInfo, admin_keys: tuple[str, str]
) -> None:
    ak, sk = admin_keys
    credentials = BasicCredentials(ak, sk, tenant.project_hex)

    def sign_twenty_minutes_ago(request: Any, **_: Any) -> None:
        stale = datetime.now(UTC) - timedelta(minutes=20)
        request.header_params["X-Sdk-Date"] = stale.strftime("%Y%m%dT%H%M%SZ")
        Signer(credentials).sign(request)

    client = sdk_client(live_server, ak, sk, tenant.project_hex, hook=sign_twenty_minutes_ago)

    error = expect_error(
        lambda: client.list_workspaces(ListWorkspacesRequest(project_id=tenant.project_hex))
    )

    assert error.status_code == 401


@pytest.mark.parametrize("wrong", ["access_key", "secret_key"])
async def test_an_unknown_access_key_or_wrong_secret_is_401(
    live_server: str, tenant: TenantInfo, admin_keys: tuple[str, str], wrong: str
) -> None:
    ak, sk = admin_keys
    if wrong == "access_key":
        ak = "UNKNOWNACCESSKEY0000"
    else:
        sk = sk[:-1] + ("0" if sk[-1] != "0" else "1")
    client = sdk_client(live_server, ak, sk, tenant.project_hex)

    error = expect_error(
        lambda: client.list_workspaces(ListWorkspacesRequest(project_id=tenant.project_hex))
    )

    assert error.status_code == 401


async def test_a_revoked_access_key_is_401(
    live_server: str,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    admin_keys: tuple[str, str],
) -> None:
    ak, sk = admin_keys
    async with sessions.begin() as session:
        await session.execute(
            update(AccessKey).where(AccessKey.access_key == ak).values(revoked_at=datetime.now(UTC))
        )
    client = sdk_client(live_server, ak, sk, tenant.project_hex)

    error = expect_error(
        lambda: client.list_workspaces(ListWorkspacesRequest(project_id=tenant.project_hex))
    )

    assert error.status_code == 401


async def test_the_sdk_writes_again_and_again_but_a_captured_write_cannot_be_replayed(
    live_server: str, tenant: TenantInfo, admin_keys: tuple[str, str]
) -> None:
    captured: list[tuple[str, str, dict[str, str], Any]] = []

    def capture(request: Any, **_: Any) -> None:
        captured.append((request.method, request.url, dict(request.header_params), request.body))

    client = sdk_client(live_server, *admin_keys, tenant.project_hex, hook=capture)
    for name in ("first", "second", "third"):
        client.create_workspace(
            CreateWorkspaceRequest(
                project_id=tenant.project_hex, body=CreateWorkspaceRequestBody(name=name)
            )
        )
    method, url, headers, body = captured[0]
    with httpx.Client() as raw:
        replayed = raw.request(method, url, headers=headers, content=body)
    listed = client.list_workspaces(ListWorkspacesRequest(project_id=tenant.project_hex))
    listed_again = client.list_workspaces(ListWorkspacesRequest(project_id=tenant.project_hex))

    assert replayed.status_code == 401
    assert replayed.json()["code"] == "SecMaster.20000401"
    assert "replay" in replayed.json()["message"]
    assert {w.name for w in listed.workspaces} == {"main", "first", "second", "third"}
    assert listed_again.count == 4
