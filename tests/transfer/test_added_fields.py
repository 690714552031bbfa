"""The fields a workspace added to Incident in its incident files: the template and the export
have a column for each, an import (CSV, XLSX, JSON) reads them by their type and checks them by
the class rule, every problem listed and nothing written, and an export imports back."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import TenantInfo
from tests.secmaster.incidents.payloads import incident_object, incidents_path
from tests.transfer.files import HEADER, csv_file, good_row, json_file, xlsx_file

ADDED = [
    {"field_key": "ticket", "name": "Ticket", "field_type": "String"},
    {"field_key": "hosts", "name": "Hosts hit", "field_type": "Integer"},
    {"field_key": "escalation", "name": "Escalation", "field_type": "Enum",
     "enum_values": ["none", "ciso"]},
]  # fmt: skip


@pytest.fixture
def path(tenant: TenantInfo) -> str:
    return incidents_path(tenant.project_hex, tenant.workspace_id)


async def add_fields(client: httpx.AsyncClient, path: str, fields: list[dict[str, Any]]) -> None:
    soc = path.removesuffix("/incidents")
    added = await client.post(f"{soc}/dataclasses/incidents/fields", json={"fields": fields})
    assert added.status_code == 200, added.text


async def upload(client: httpx.AsyncClient, path: str, content: bytes, name: str) -> httpx.Response:
    return await client.post(f"{path}/import", files={"uploadFile": (name, content)})


async def shown(client: httpx.AsyncClient, path: str, ids: list[str]) -> list[dict[str, Any]]:
    return [(await client.get(f"{path}/{i}")).json()["data"]["data_object"] for i in ids]


async def total(client: httpx.AsyncClient, path: str) -> int:
    return int((await client.post(f"{path}/search", json={})).json()["total"])


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
async def test_a_sheet_with_added_columns_imports_them_by_their_type(
    admin_client: httpx.AsyncClient, path: str, kind: str
) -> None:
    await add_fields(admin_client, path, ADDED)
    header = [*HEADER, "Ticket", "hosts", "Escalation"]
    rows = [good_row("one") + ["INC-1", 3, "ciso"], good_row("two") + ["INC-2", "", ""]]
    content = (csv_file if kind == "csv" else xlsx_file)(header, rows)

    response = await upload(admin_client, path, content, f"x.{kind}")

    assert response.status_code == 200, response.text
    objects = await shown(admin_client, path, response.json()["data"]["ids"])
    assert [(o["ticket"], o.get("hosts"), o.get("escalation")) for o in objects] == [
        ("INC-1", 3, "ciso"),
        ("INC-2", None, None),
    ]


async def test_bad_added_cells_are_each_listed_with_their_row_and_nothing_is_written(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    await add_fields(admin_client, path, ADDED)
    before = await total(admin_client, path)
    header = [*HEADER, "ticket", "hosts", "escalation"]
    rows = [
        good_row("fine") + ["INC-1", 1, "none"],
        good_row("bad hosts") + ["INC-2", "many", "none"],
        good_row("bad choice") + ["INC-3", 2, "board"],
    ]

    response = await upload(admin_client, path, csv_file(header, rows), "x.csv")

    assert response.status_code == 400, response.text
    errors = response.json()["data"]["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [(3, "hosts"), (4, "escalation")]
    assert await total(admin_client, path) == before


async def test_a_required_added_field_is_required_of_every_row(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    await add_fields(
        admin_client,
        path,
        [{"field_key": "ticket", "name": "Ticket", "field_type": "String", "required": True}],
    )
    before = await total(admin_client, path)

    no_column = await upload(admin_client, path, csv_file(HEADER, [good_row("a")]), "x.csv")
    empty_cell = await upload(
        admin_client,
        path,
        csv_file([*HEADER, "ticket"], [good_row("b") + ["INC-1"], good_row("c") + [""]]),
        "x.csv",
    )
    json_row = await upload(admin_client, path, json_file([incident_object()]), "x.json")

    for response in (no_column, empty_cell, json_row):
        assert response.status_code == 400, response.text
        assert "ticket" in [e["field"] for e in response.json()["data"]["errors"]]
    assert [e["row"] for e in empty_cell.json()["data"]["errors"]] == [3]
    assert await total(admin_client, path) == before


async def test_a_json_file_carries_added_fields_and_refuses_unknown_keys(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    await add_fields(admin_client, path, ADDED)

    made = await upload(
        admin_client, path, json_file([incident_object(ticket="J-1", hosts=4)]), "x.json"
    )
    refused = await upload(
        admin_client,
        path,
        json_file(
            [
                incident_object(ticket="J-2", colour="red"),
                incident_object(hosts="x"),
                incident_object(ticket="J\x00-3"),
            ]
        ),
        "x.json",
    )

    assert made.status_code == 200, made.text
    (shown_object,) = await shown(admin_client, path, made.json()["data"]["ids"])
    assert (shown_object["ticket"], shown_object["hosts"]) == ("J-1", 4)
    assert refused.status_code == 400, refused.text
    errors = refused.json()["data"]["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [(0, "colour"), (1, "hosts"), (2, "ticket")]


async def test_the_template_and_the_export_have_the_added_columns_and_an_export_imports_back(
    admin_client: httpx.AsyncClient,
    path: str,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add_fields(admin_client, path, ADDED)
    made = await admin_client.post(
        path, json={"data_object": incident_object(title="kept", ticket="E-1", hosts=7)}
    )
    assert made.status_code == 200, made.text

    template = await admin_client.get(f"{path}/template/download", params={"format": "csv"})
    exported = await admin_client.post(f"{path}/export", params={"format": "csv"}, json={})
    other = await admin_client.post(
        path, json={"data_object": incident_object(title="other", ticket="E-2")}
    )
    assert other.status_code == 200, other.text
    only_e1 = {"conditions": [{"name": "t", "data": ["ticket", "=", "E-1"]}], "logics": ["t"]}
    chosen = await admin_client.post(
        f"{path}/export",
        params={"format": "csv"},
        json={"title": ["title", "Ticket"], "data_object_filters_form": {"condition": only_e1}},
    )

    assert template.status_code == 200, template.text
    template_header = next(csv.reader(io.StringIO(template.content.decode("utf-8-sig"))))
    assert template_header[-3:] == ["Ticket", "Hosts hit", "Escalation"]
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [(r["Title *"], r["Ticket"], r["Hosts hit"]) for r in rows] == [("kept", "E-1", "7")]
    assert chosen.status_code == 200, chosen.text
    assert chosen.content.decode("utf-8-sig").splitlines()[1:] == ["kept,E-1"]

    deleted = await admin_client.request(
        "DELETE", path, json={"batch_ids": [made.json()["data"]["id"]]}
    )
    assert deleted.status_code == 200, deleted.text
    again = await upload(admin_client, path, exported.content, "export.csv")
    assert again.status_code == 200, again.text
    (back,) = await shown(admin_client, path, again.json()["data"]["ids"])
    assert (back["title"], back["ticket"], back["hosts"]) == ("kept", "E-1", 7)
