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
from tests.secmaster.incidents.factories import seed_incidents
from tests.secmaster.incidents.payloads import incident_object, incidents_path

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


async def _import_into_a_new_tenant(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], content: bytes
) -> tuple[httpx.Response, dict[str, dict[str, Any]]]:
    from tests.factories import login

    other = await make_tenant(sessions)
    other_path = incidents_path(other.project_hex, other.workspace_id)
    headers = {"X-Auth-Token": await login(client, other.admin_email, other.project_name)}
    imported = await client.post(
        f"{other_path}/import", files={"uploadFile": ("export.xlsx", content)}, headers=headers
    )
    found = await client.post(f"{other_path}/search", json={"limit": 1000}, headers=headers)
    return imported, {d["id"]: d["data_object"] for d in found.json()["data"]}


async def test_control_characters_export_to_xlsx_and_import_back_exactly(
    admin_client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], path: str
) -> None:
    """XML cannot hold U+0003 or ESC; the export used to answer 500 for them."""
    secmaster = await admin_client.post(
        path,
        json={
            "data_object": incident_object(
                title="end of text \x03 and ESC \x1b[31m",
                description="literal _x0041_ stays, \x01\x08\x0b\x0c\x1f\ufffe go and come back",
                close_comment="=_x005F_x0003_ \x7f",
            )
        },
    )
    register = await admin_client.post("/v1/incidents", json={"title": "bell \x07 in the register"})
    assert secmaster.status_code == 200, secmaster.text
    assert register.status_code == 201, register.text
    before = await all_objects(admin_client, path)

    exported = await admin_client.post(f"{path}/export", params={"format": "xlsx"}, json={})
    imported, after = await _import_into_a_new_tenant(admin_client, sessions, exported.content)

    assert exported.status_code == 200, exported.text
    assert imported.status_code == 200, imported.text
    assert set(after) == set(before)
    for incident_id, data in before.items():
        assert comparable(after[incident_id]) == comparable(data)
    titles = sorted(d["title"] for d in after.values())
    assert titles == ["bell \x07 in the register", "end of text \x03 and ESC \x1b[31m"]


async def test_a_value_no_xlsx_cell_holds_is_400_naming_incident_and_field(
    admin_client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], path: str
) -> None:
    """An XLSX cell holds 32,767 characters; the export used to cut longer text silently."""
    long_list = [{"src_ip": "10.0.0.1", "src_domain": "d" * 200} for _ in range(200)]
    created = await admin_client.post(
        path, json={"data_object": incident_object(network_list=long_list)}
    )
    incident_id = created.json()["data"]["id"]

    refused = await admin_client.post(f"{path}/export", params={"format": "xlsx"}, json={})
    as_csv = await admin_client.post(f"{path}/export", params={"format": "csv"}, json={})
    as_json = await admin_client.post(f"{path}/export", params={"format": "json"}, json={})

    assert refused.status_code == 400
    message = refused.json()["message"]
    assert incident_id in message
    assert "network_list" in message
    assert "32767" in message
    assert "csv or json" in message
    assert as_csv.status_code == 200
    assert as_json.status_code == 200
    assert json.loads(as_json.content)[0]["network_list"] == long_list
