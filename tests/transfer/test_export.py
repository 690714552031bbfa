"""Exporting incidents, and export → import reproducing them."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import Role
from tests.factories import TenantInfo, make_tenant
from tests.incidents.factories import seed_incidents
from tests.incidents.payloads import incident_object, incidents_path

RICH = incident_object(
    title='=HYPERLINK("http://evil")',
    description="+cmd|' /C calc'!A0",
    owner="@owner",
    labels="-1",
    environment={"vendor_type": "HWC", "region_id": "cn-north-4"},
    network_list=[{"direction": "IN", "src_ip": "10.0.0.1", "src_port": 22}],
    remediation={"recommendation": "'=already quoted", "url": "https://x.example"},
    malware={"malware_family": "Mirai"},
    system_info={"os": "linux", "kernel": 6},
    extend_properties={"ticket": "T-1"},
    confidence=80,
    close_comment="\tstarts with a tab",
    sla="60",
    arrive_time="2026-11-20T09:00:00.123Z",
)


@pytest.fixture
def path(tenant: TenantInfo) -> str:
    return incidents_path(tenant.project_hex, tenant.workspace_id)


def comparable(data_object: dict[str, Any]) -> dict[str, Any]:
    server_kept = {"id", "version", "update_time", "domain_id", "workspace_id", "create_time"}
    return {k: v for k, v in data_object.items() if k not in server_kept}


async def all_objects(client: httpx.AsyncClient, path: str) -> dict[str, dict[str, Any]]:
    found = await client.post(f"{path}/search", json={"limit": 1000})
    return {d["id"]: d["data_object"] for d in found.json()["data"]}


@pytest.mark.parametrize("kind", ["xlsx", "csv", "json"])
async def test_export_then_import_into_an_empty_workspace_reproduces_the_incidents(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
    kind: str,
) -> None:
    await seed_incidents(sessions, tenant, [RICH, incident_object(title="plain", severity="Low")])
    before = await all_objects(admin_client, path)
    exported = await admin_client.post(f"{path}/export", params={"format": kind}, json={})
    other = await make_tenant(sessions)
    other_client_path = incidents_path(other.project_hex, other.workspace_id)
    from tests.factories import login

    token = await login(admin_client, other.admin_email, other.project_name)
    headers = {"X-Auth-Token": token}

    imported = await admin_client.post(
        f"{other_client_path}/import",
        files={"uploadFile": (f"export.{kind}", exported.content)},
        headers=headers,
    )
    found = await admin_client.post(
        f"{other_client_path}/search", json={"limit": 1000}, headers=headers
    )
    after = {d["id"]: d["data_object"] for d in found.json()["data"]}

    assert exported.status_code == 200
    assert imported.status_code == 200, imported.text
    assert set(after) == set(before)  # ids travel with the file
    for incident_id, data in before.items():
        assert comparable(after[incident_id]) == comparable(data)


async def test_formula_like_cells_are_neutralised(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    await seed_incidents(sessions, tenant, [RICH])

    exported = await admin_client.post(f"{path}/export", params={"format": "csv"}, json={})
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))

    row = rows[0]
    assert row["Title *"] == '\'=HYPERLINK("http://evil")'
    assert row["Description *"] == "'+cmd|' /C calc'!A0"
    assert row["Owner"] == "'@owner"
    assert row["Labels"] == "'-1"
    assert row["Close comment"] == "'\tstarts with a tab"
    assert row["Recommendation"] == "''=already quoted"


async def test_export_takes_columns_and_a_filter(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    await seed_incidents(
        sessions,
        tenant,
        [
            incident_object(title=t, severity=s)
            for t, s in [("a", "High"), ("b", "Low"), ("c", "High")]
        ],
    )
    body = {
        "title": ["title", "Severity *", "data_source.product_name"],
        "data_object_filters_form": {
            "sort_by": "create_time",
            "order": "ASC",
            "limit": 1,
            "condition": {"conditions": [{"name": "h", "data": ["severity", "=", "High"]}]},
        },
    }

    exported = await admin_client.post(f"{path}/export", json=body)
    sheet = load_workbook(io.BytesIO(exported.content))["Incidents"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]

    assert exported.headers["content-disposition"].startswith('attachment; filename="incidents-')
    assert values[0] == ["Title *", "Severity *", "Product name *"]
    assert sorted(values[1:]) == [["a", "High", "HSS"], ["c", "High", "HSS"]]


@pytest.mark.parametrize(
    ("params", "body", "field"),
    [
        ({}, {"title": ["colour"]}, "title"),
        ({"format": "pdf"}, {}, "format"),
        ({}, {"data_object_filters_form": {"sort_by": "colour"}}, "sort_by"),
        ({}, {"columns": []}, "columns"),
    ],
)
async def test_bad_exports_are_400_naming_the_field(
    admin_client: httpx.AsyncClient,
    path: str,
    params: dict[str, str],
    body: dict[str, Any],
    field: str,
) -> None:
    response = await admin_client.post(f"{path}/export", params=params, json=body)

    assert response.status_code == 400
    assert field in response.json()["message"]


async def test_json_export_is_an_array_of_data_objects(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    ids = await seed_incidents(sessions, tenant, [RICH])

    exported = await admin_client.post(f"{path}/export", params={"format": "json"}, json={})

    objects = json.loads(exported.content)
    assert [o["id"] for o in objects] == ids
    assert objects[0]["title"] == RICH["title"]  # JSON needs no formula quoting


async def test_viewers_export_but_cannot_import(
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    from tests.factories import login, make_member

    viewer = {
        "X-Auth-Token": await login(
            client, await make_member(sessions, tenant, Role.viewer), tenant.project_name
        )
    }

    exported = await client.post(f"{path}/export", json={}, headers=viewer)
    imported = await client.post(
        f"{path}/import", files={"uploadFile": ("a.csv", b"title\nx\n")}, headers=viewer
    )

    assert exported.status_code == 200
    assert (imported.status_code, imported.json()["code"]) == (403, "SecMaster.20010002")
