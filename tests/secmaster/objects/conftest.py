"""Paths and a workspace with its own class, for the data-object route tests."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import TenantInfo
from tests.objects.payloads import ASSET_CLASS


def soc_path(tenant: TenantInfo) -> str:
    return f"/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc"


@pytest.fixture
def soc(tenant: TenantInfo) -> str:
    return soc_path(tenant)


@pytest.fixture
async def asset_class(admin_client: httpx.AsyncClient, soc: str) -> str:
    """The workspace's own Asset class (route name `assets`); its id."""
    created = await admin_client.post(f"{soc}/dataclasses", json=ASSET_CLASS)
    assert created.status_code == 200, created.text
    return str(created.json()["id"])
