"""Import, export and template for the classes other than Incident: alerts, indicators,
vulnerabilities and a workspace's own class, one machinery driven by each class's field list."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import DataObject, DataObjectEvent, Role
from tests.factories import TenantInfo, login, make_member, make_tenant
from tests.objects.payloads import alert, indicator, vulnerability
from tests.secmaster.objects.conftest import soc_path
from tests.transfer.files import csv_file, json_file, xlsx_file

# A workspace's own class with a nested object (listed sub-fields, one of them an object too),
# a free-form object, a list of texts and a list of objects.
DEVICE_CLASS: dict[str, Any] = {
    "name": "Device",
    "business_code": "Device",
    "description": "Devices on the network.",
    "fields": [
        {"field_key": "hostname", "name": "Host", "field_type": "String", "required": True},
        {
            "field_key": "tier",
            "name": "Tier",
            "field_type": "Enum",
            "enum_values": ["gold", "silver"],
            "searchable": True,
        },
        {"field_key": "rack", "name": "Rack", "field_type": "Integer"},
        {"field_key": "load", "name": "Load", "field_type": "Double"},
        {"field_key": "managed", "name": "Managed", "field_type": "Boolean"},
        {"field_key": "seen", "name": "Seen", "field_type": "Timestamp"},
        {"field_key": "owner", "name": "Owner", "field_type": "Object"},
        {"field_key": "owner.team", "name": "Team", "field_type": "String", "searchable": True},
        {"field_key": "owner.site", "name": "Site", "field_type": "Object"},
        {"field_key": "owner.site.city", "name": "City", "field_type": "String"},
        {"field_key": "facts", "name": "Facts", "field_type": "Object"},
        {"field_key": "tags", "name": "Tags", "field_type": "List<String>"},
        {"field_key": "ports", "name": "Ports", "field_type": "List<Object>"},
    ],
}


def device(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "hostname": "=cmd|' /C calc'!A0",
        "tier": "gold",
        "rack": 7,
        "load": 0.75,
        "managed": True,
        "seen": "2026-11-20T08:00:00.000Z",
        "owner": {"team": "@blue", "site": {"city": "Lyon"}},
        "facts": {"os": "linux", "cores": 8},
        "tags": ["dmz", "+edge"],
        "ports": [{"port": 22, "proto": "tcp"}],
    }
    body.update(overrides)
    return body


@pytest.fixture
def soc(tenant: TenantInfo) -> str:
    return soc_path(tenant)


@pytest.fixture
async def devices(admin_client: httpx.AsyncClient, soc: str) -> str:
    created = await admin_client.post(f"{soc}/dataclasses", json=DEVICE_CLASS)
    assert created.status_code == 200, created.text
    return "devices"


async def create(client: httpx.AsyncClient, soc: str, route: str, data: dict[str, Any]) -> str:
    response = await client.post(f"{soc}/{route}", json={"data_object": data})
    assert response.status_code == 200, response.text
    return str(response.json()["data"]["id"])


async def documents(
    client: httpx.AsyncClient, soc: str, route: str, headers: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    found = await client.post(f"{soc}/{route}/search", json={"limit": 1000}, headers=headers)
    assert found.status_code == 200, found.text
    return [d["data_object"] for d in found.json()["data"]]


def comparable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("id", "update_time")}


async def object_count(sessions: async_sessionmaker[AsyncSession], model: Any = DataObject) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def other_workspace(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> tuple[str, dict[str, str]]:
    other = await make_tenant(sessions)
    token = await login(client, other.admin_email, other.project_name)
    return soc_path(other), {"X-Auth-Token": token}


def upload(content: bytes, name: str = "file") -> dict[str, Any]:
    return {"uploadFile": (name, content)}


@pytest.mark.parametrize("kind", ["xlsx", "csv", "json"])
@pytest.mark.parametrize("route", ["alerts", "devices"])
async def test_export_then_import_into_an_empty_workspace_reproduces_the_objects(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    soc: str,
    devices: str,
    route: str,
    kind: str,
) -> None:
    made = (
        [alert(title="=HYPERLINK(1)", labels="-x"), alert(title="plain", severity="Low")]
        if route == "alerts"
        else [device(), device(hostname="plain", tags=[], owner={"team": "red"})]
    )
    for data in made:
        await create(admin_client, soc, route, data)
    before = await documents(admin_client, soc, route)
    exported = await admin_client.post(f"{soc}/{route}/export", params={"format": kind}, json={})
    assert exported.status_code == 200, exported.text

    other, headers = await other_workspace(admin_client, sessions)
    if route == "devices":
        made_class = await admin_client.post(
            f"{other}/dataclasses", json=DEVICE_CLASS, headers=headers
        )
        assert made_class.status_code == 200, made_class.text
    imported = await admin_client.post(
        f"{other}/{route}/import", files=upload(exported.content, f"e.{kind}"), headers=headers
    )

    assert imported.status_code == 200, imported.text
    assert len(imported.json()["data"]["ids"]) == 2
    after = await documents(admin_client, other, route, headers)
    key = "title" if route == "alerts" else "hostname"
    by_key = {d[key]: comparable(d) for d in after}
    assert by_key == {d[key]: comparable(d) for d in before}


async def test_imported_alerts_come_from_a_data_source_with_one_audit_event_each(
    admin_client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], soc: str
) -> None:
    content = json_file([alert(title="one"), alert(title="two")])
    response = await admin_client.post(f"{soc}/alerts/import", files=upload(content, "feed.json"))

    assert response.status_code == 200, response.text
    ids = response.json()["data"]["ids"]
    shown = await admin_client.get(f"{soc}/alerts/{ids[0]}")
    assert shown.json()["data"]["type"] == "DATA_SOURCE"
    assert shown.json()["data"]["data_object"]["title"] == "one"
    history = (await admin_client.get(f"{soc}/alerts/{ids[1]}/history")).json()["data"]
    assert len(history) == 1
    assert await object_count(sessions, DataObjectEvent) == 2


async def test_ids_in_the_file_are_kept_and_must_be_new_and_unique(
    admin_client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], soc: str
) -> None:
    existing = await create(admin_client, soc, "alerts", alert())
    fresh = "0190a000-0000-7000-8000-000000000001"
    kept = await admin_client.post(
        f"{soc}/alerts/import", files=upload(json_file([alert(id=fresh)]))
    )
    assert kept.status_code == 200, kept.text
    assert kept.json()["data"]["ids"] == [fresh]

    again = "0190a000-0000-7000-8000-000000000002"
    refused = await admin_client.post(
        f"{soc}/alerts/import",
        files=upload(json_file([alert(id=existing), alert(id=again), alert(id=again)])),
    )

    assert refused.status_code == 400
    problems = {(d["row"], d["field"]) for d in refused.json()["data"]["errors"]}
    assert problems == {(0, "id"), (2, "id")}
    assert await object_count(sessions) == 2


async def test_every_bad_cell_is_listed_and_nothing_is_written(
    admin_client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], soc: str
) -> None:
    header = ["Title *", "severity", "handle_status", "alert_type.category",
              "alert_type.alert_type", "data_source.source_type", "data_source.product_name",
              "first_observed_time", "confidence", "network_list", "description",
              "data_source.product_feature"]  # fmt: skip
    good = ["ok", "High", "Open", "Intrusion", "Brute force", "3", "HSS", "2026-11-20T08:00:00Z"]
    rows = [
        good + ["", "", "d", "login"],
        ["", "Severe", "Open", "Intrusion", "Brute force", "3", "HSS", "yesterday", "x", "[1"]
        + ["d", "login"],
        good + ["", "", "d", "login"],
    ]
    for content in (csv_file(header, rows), xlsx_file(header, rows)):
        response = await admin_client.post(f"{soc}/alerts/import", files=upload(content))

        assert response.status_code == 400, response.text
        found = {(d["row"], d["field"]) for d in response.json()["data"]["errors"]}
        assert found == {
            (3, "title"),
            (3, "severity"),
            (3, "first_observed_time"),
            (3, "confidence"),
            (3, "network_list"),
        }
        assert all(d["message"] for d in response.json()["data"]["errors"])
    assert await object_count(sessions) == 0


async def test_a_custom_class_refuses_bad_enum_missing_required_and_unknown_columns(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    soc: str,
    devices: str,
) -> None:
    header = ["Host *", "tier", "rack", "managed", "tags", "owner.site.city"]
    rows = [
        ["a", "gold", "1", "true", '["x"]', "Paris"],
        ["", "bronze", "1.5", "maybe", '"x"', "Rome"],
    ]
    response = await admin_client.post(
        f"{soc}/devices/import", files=upload(csv_file(header, rows))
    )
    assert response.status_code == 400, response.text
    found = {(d["row"], d["field"]): d["value"] for d in response.json()["data"]["errors"]}
    assert set(found) == {(3, "hostname"), (3, "tier"), (3, "rack"), (3, "managed"), (3, "tags")}
    assert found[(3, "tier")] == "bronze"

    unknown = await admin_client.post(
        f"{soc}/devices/import", files=upload(csv_file(["Host", "colour"], [["a", "red"]]))
    )
    assert unknown.status_code == 400
    assert unknown.json()["data"]["errors"][0]["field"] == "colour"
    assert await object_count(sessions) == 0


async def test_formula_cells_are_quoted_on_export_and_restored_on_import(
    admin_client: httpx.AsyncClient, soc: str, devices: str
) -> None:
    await create(admin_client, soc, "devices", device())
    exported = await admin_client.post(f"{soc}/devices/export", params={"format": "csv"}, json={})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert cells["Host *"] == "'=cmd|' /C calc'!A0"
    assert cells["Team"] == "'@blue"
    assert json.loads(cells["Tags"]) == ["dmz", "+edge"]

    # A formula cell an importer sends unquoted is text all the same, never run.
    content = csv_file(["Host", "owner.team"], [["'=1+2", "=SUM(A1)"]])
    imported = await admin_client.post(f"{soc}/devices/import", files=upload(content))
    assert imported.status_code == 200, imported.text
    shown = await admin_client.get(f"{soc}/devices/{imported.json()['data']['ids'][0]}")
    assert shown.json()["data"]["data_object"]["hostname"] == "=1+2"
    assert shown.json()["data"]["data_object"]["owner"] == {"team": "=SUM(A1)"}


@pytest.mark.parametrize("route", ["alerts", "indicators", "vulnerability", "vulnerabilities"])
async def test_each_built_in_class_template_imports_as_it_is(
    admin_client: httpx.AsyncClient, soc: str, route: str
) -> None:
    for kind in ("xlsx", "csv"):
        template = await admin_client.get(
            f"{soc}/{route}/template/download", params={"format": kind}
        )
        assert template.status_code == 200, template.text
        imported = await admin_client.post(
            f"{soc}/{route}/import", files=upload(template.content, f"t.{kind}")
        )
        assert imported.status_code == 200, imported.text
        assert len(imported.json()["data"]["ids"]) == 1


async def test_the_custom_template_has_dropdowns_a_field_sheet_and_imports(
    admin_client: httpx.AsyncClient, soc: str, devices: str
) -> None:
    template = await admin_client.get(f"{soc}/devices/template/download")
    workbook = load_workbook(io.BytesIO(template.content))
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert sheet.title == "Devices"
    assert header == ["ID", "Created", "Incident ID", "Host *", "Tier", "Rack", "Load",
                      "Managed", "Seen", "Team", "City", "Facts", "Tags", "Ports"]  # fmt: skip
    assert any('"gold,silver"' in v.formula1 for v in sheet.data_validations.dataValidation)
    fields = {row[1]: row for row in workbook["Fields"].iter_rows(values_only=True)}
    assert fields["hostname"][3] == "yes"
    assert fields["owner.site.city"][0] == "City"

    imported = await admin_client.post(f"{soc}/devices/import", files=upload(template.content))
    assert imported.status_code == 200, imported.text
    shown = await admin_client.get(f"{soc}/devices/{imported.json()['data']['ids'][0]}")
    data = shown.json()["data"]["data_object"]
    assert data["owner"]["site"]["city"] == "Example city"
    assert data["tags"] == ["example"]


async def test_export_takes_columns_a_filter_and_the_template_action(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    await create(admin_client, soc, "indicators", indicator(name="first"))
    await create(admin_client, soc, "indicators", indicator(name="second", status="Closed"))
    body = {
        "title": ["name", "Status"],
        "data_object_filters_form": {
            "condition": {"conditions": [{"name": "s", "data": ["status", "=", "Open"]}]}
        },
    }
    exported = await admin_client.post(
        f"{soc}/indicators/export", params={"format": "json"}, json=body
    )
    assert exported.status_code == 200, exported.text
    assert [{k: v for k, v in d.items() if k != "id"} for d in exported.json()] == [
        {"name": "first", "status": "Open"}
    ]
    bad = await admin_client.post(f"{soc}/indicators/export", json={"title": ["nope"]})
    assert bad.status_code == 400
    assert "'nope' is not a column" in bad.json()["message"]
    template = await admin_client.post(
        f"{soc}/vulnerability/export",
        params={"format": "csv"},
        json={"action": "exportTemplate", "title": ["vul_name", "count"]},
    )
    assert template.content.decode("utf-8-sig").splitlines()[0] == "Name *,Count"


async def test_workspaces_never_see_each_others_objects_or_classes(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    soc: str,
    devices: str,
) -> None:
    await create(admin_client, soc, "vulnerabilities", vulnerability())
    mine = await create(admin_client, soc, "devices", device())
    other, headers = await other_workspace(admin_client, sessions)

    theirs = await admin_client.post(
        f"{other}/vulnerability/export", params={"format": "json"}, json={}, headers=headers
    )
    assert theirs.json() == []
    no_class = await admin_client.get(f"{other}/devices/template/download", headers=headers)
    assert no_class.status_code in (400, 404)
    # An id another workspace holds is not told: the row is imported under a new id.
    await admin_client.post(f"{other}/dataclasses", json=DEVICE_CLASS, headers=headers)
    imported = await admin_client.post(
        f"{other}/devices/import",
        files=upload(json_file([device(id=mine)])),
        headers=headers,
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["data"]["ids"] != [mine]
    ours = await admin_client.get(f"{soc}/devices/{mine}")
    assert ours.json()["data"]["data_object"]["hostname"] == device()["hostname"]


async def test_viewers_export_and_download_but_cannot_import(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    soc: str,
    devices: str,
) -> None:
    viewer = {
        "X-Auth-Token": await login(
            client, await make_member(sessions, tenant, Role.viewer), tenant.project_name
        )
    }
    content = json_file([alert()])
    reads = [
        await client.post(f"{soc}/alerts/export", json={}, headers=viewer),
        await client.get(f"{soc}/indicators/template/download", headers=viewer),
        await client.post(f"{soc}/devices/export", json={}, headers=viewer),
    ]
    writes = [
        await client.post(f"{soc}/{route}/import", files=upload(content), headers=viewer)
        for route in ("alerts", "indicators", "vulnerability", "devices")
    ]
    assert [r.status_code for r in reads] == [200] * 3
    assert [r.status_code for r in writes] == [403] * 4
    assert await object_count(sessions) == 0


async def test_a_link_to_an_incident_must_be_one_of_the_workspace(
    admin_client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], soc: str
) -> None:
    content = json_file(
        [alert(incident_id="0190a000-0000-7000-8000-00000000000f"), alert(incident_id="x")]
    )
    response = await admin_client.post(f"{soc}/alerts/import", files=upload(content))
    assert response.status_code == 400
    assert {(d["row"], d["field"]) for d in response.json()["data"]["errors"]} == {
        (0, "incident_id"),
        (1, "incident_id"),
    }
    assert await object_count(sessions) == 0


async def test_unknown_classes_and_limits_are_clear_4xx(
    admin_client: httpx.AsyncClient, app: Any, soc: str
) -> None:
    unknown = await admin_client.post(f"{soc}/nothings/import", files=upload(b"a\n1\n"))
    assert unknown.status_code in (400, 404)
    app.state.settings.import_max_rows = 1
    try:
        many = await admin_client.post(
            f"{soc}/alerts/import", files=upload(json_file([alert(), alert()]))
        )
    finally:
        app.state.settings.import_max_rows = 200_000
    assert many.status_code == 400
    assert "rows" in many.text
    empty = await admin_client.post(f"{soc}/alerts/import", files=upload(b"[]"))
    assert empty.status_code == 400


def test_a_label_two_columns_share_is_replaced_by_the_keys_in_the_header() -> None:
    from socdesk.classes.fields import ClassField, FieldType
    from socdesk.classes.registry import DataClass
    from socdesk.transfer.class_columns import ClassColumns

    fields = (
        ClassField("name", "Name", FieldType.string, required=True),
        ClassField("owner", "Owner", FieldType.object),
        ClassField("owner.name", "Name", FieldType.string),
        ClassField("site", "owner", FieldType.string),
    )
    columns = ClassColumns(
        DataClass("x", "X", "X", "xs", "", fields, is_built_in=False, promoted=())
    )

    assert [c.label for c in columns.columns] == ["name *", "owner.name", "owner"]
    assert columns.for_header("owner.name") is columns.by_key["owner.name"]
    assert columns.for_header("Name") is columns.by_key["name"]


async def test_a_file_of_many_chunks_imports_in_order_or_not_at_all(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    soc: str,
    devices: str,
) -> None:
    rows = [[f"host-{i}", "silver", i] for i in range(4500)]
    bad = [*rows[:4400], ["", "bronze", "x"], *rows[4400:]]
    refused = await admin_client.post(
        f"{soc}/devices/import", files=upload(csv_file(["Host", "Tier", "Rack"], bad))
    )
    assert refused.status_code == 400
    assert {(d["row"], d["field"]) for d in refused.json()["data"]["errors"]} == {
        (4402, "hostname"),
        (4402, "tier"),
        (4402, "rack"),
    }
    assert await object_count(sessions) == 0
    assert await object_count(sessions, DataObjectEvent) == 0

    imported = await admin_client.post(
        f"{soc}/devices/import", files=upload(csv_file(["Host", "Tier", "Rack"], rows))
    )
    assert imported.status_code == 200, imported.text
    ids = imported.json()["data"]["ids"]
    assert len(ids) == 4500 == await object_count(sessions)
    assert ids == sorted(ids)  # ascending time-ordered ids, in file order
    last = await admin_client.get(f"{soc}/devices/{ids[-1]}")
    assert last.json()["data"]["data_object"]["hostname"] == "host-4499"
    assert await object_count(sessions, DataObjectEvent) == 4500


async def test_each_imported_object_has_its_create_event_with_who_when_request_and_document(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    soc: str,
    tenant: TenantInfo,
) -> None:
    # More rows than one chunk, and than PostgreSQL's COPY threshold: the bulk write paths.
    content = json_file([alert(title=f"alert {i}") for i in range(2300)])
    response = await admin_client.post(f"{soc}/alerts/import", files=upload(content, "feed.json"))
    assert response.status_code == 200, response.text

    ids = [uuid.UUID(i) for i in response.json()["data"]["ids"]]
    async with sessions() as session:
        objects = {o.id: o for o in await session.scalars(select(DataObject))}
        events = list(await session.scalars(select(DataObjectEvent)))
    assert sorted(objects) == sorted(ids)
    assert sorted(e.object_id for e in events) == sorted(ids)
    assert len({e.id for e in events}) == len(events)
    for event in events:
        stored = objects[event.object_id]
        assert (event.workspace_id, event.class_id) == (stored.workspace_id, stored.class_id)
        assert (event.action, event.actor_id, event.actor_email) == (
            "create",
            tenant.admin_id,
            tenant.admin_email,
        )
        assert event.request_id == response.headers["X-request-id"]
        assert (event.batch_name, event.batch_type, event.trigger_flag) == (
            "feed.json",
            "import",
            False,
        )
        assert event.at == stored.update_time
        assert event.changes == {}
        assert event.snapshot is None
    first = objects[ids[0]].data_object
    assert (first["title"], first["id"]) == ("alert 0", str(ids[0]))
