"""A workspace's own data classes, fields added to any class, and class types over HTTP: they
are the workspace's alone, and only analysts and admins change them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import Role
from tests.factories import TenantInfo, login, make_member, make_tenant


def classes_path(project_hex: str, workspace_id: object) -> str:
    return f"/v1/{project_hex}/workspaces/{workspace_id}/soc/dataclasses"


@pytest.fixture
def path(tenant: TenantInfo) -> str:
    return classes_path(tenant.project_hex, tenant.workspace_id)


def asset_class(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Asset",
        "business_code": "Asset",
        "description": "Hosts and services the SOC protects.",
        "fields": [
            {
                "field_key": "hostname",
                "name": "Host name",
                "field_type": "String",
                "required": True,
            },
            {
                "field_key": "tier",
                "name": "Tier",
                "field_type": "Enum",
                "enum_values": ["gold", "silver"],
            },
            {"field_key": "owner", "name": "Owner", "field_type": "Object"},
            {"field_key": "owner.team", "name": "Team", "field_type": "String"},
            {"field_key": "notes", "name": "Notes", "field_type": "String", "display_type": "text"},
        ],
    }
    body.update(changes)
    return body


async def test_a_class_of_the_workspaces_own_is_listed_shown_and_described(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    created = await admin_client.post(path, json=asset_class())
    assert created.status_code == 200, created.text
    asset = created.json()

    listed = (await admin_client.get(path, params={"is_built_in": "false"})).json()
    by_route = await admin_client.get(f"{path}/assets")
    fields = (await admin_client.get(f"{path}/{asset['id']}/fields")).json()

    assert (asset["is_built_in"], asset["route_name"], asset["business_code"]) == (
        False,
        "assets",
        "Asset",
    )
    assert asset["creator_name"].startswith("admin@")
    assert [c["id"] for c in listed["dataclass_details"]] == [asset["id"]]
    assert by_route.json()["id"] == asset["id"]
    keys = [f["field_key"] for f in fields["field_details"]]
    assert keys == [
        "id",
        "create_time",
        "update_time",
        "incident_id",
        "hostname",
        "tier",
        "owner",
        "owner.team",
        "notes",
    ]
    tier = next(f for f in fields["field_details"] if f["field_key"] == "tier")
    assert (tier["field_type"], tier["enum_values"], tier["is_built_in"]) == (
        "Enum",
        ["gold", "silver"],
        False,
    )
    notes = next(f for f in fields["field_details"] if f["field_key"] == "notes")
    assert (notes["field_type"], notes["display_type"]) == ("String", "text")


async def test_a_bad_definition_is_refused_with_every_problem(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    body = asset_class(
        name="Alert",
        fields=[
            {"field_key": "Bad", "name": "Bad", "field_type": "String"},
            {"field_key": "kind", "name": "Kind", "field_type": "Enum"},
            {"field_key": "when", "name": "When", "field_type": "Date"},
        ],
    )

    response = await admin_client.post(path, json=body)

    assert response.status_code == 400
    assert response.json()["code"] == "SecMaster.20000400"
    message = response.json()["message"]
    for part in ("name", "fields[0].field_key", "fields[1].enum_values", "fields[2].field_type"):
        assert part in message
    assert (await admin_client.get(path, params={"is_built_in": "false"})).json()["total"] == 0


async def test_a_second_class_of_the_same_name_is_a_conflict(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    assert (await admin_client.post(path, json=asset_class())).status_code == 200

    again = await admin_client.post(path, json=asset_class(business_code="Host", name="asset"))

    assert (again.status_code, again.json()["code"]) == (409, "SecMaster.20000409")


async def test_fields_are_added_to_a_built_in_class_in_this_workspace_only(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    path: str,
) -> None:
    added = await admin_client.post(
        f"{path}/alerts/fields",
        json={
            "fields": [
                {"field_key": "ticket", "name": "Ticket", "field_type": "String"},
                {"field_key": "data_source.tier", "name": "Source tier", "field_type": "Integer"},
            ]
        },
    )
    clash = await admin_client.post(
        f"{path}/alerts/fields",
        json={"fields": [{"field_key": "severity", "name": "Mine", "field_type": "String"}]},
    )
    other = await make_tenant(sessions)
    intruder = {"X-Auth-Token": await login(client, other.admin_email, other.project_name)}
    theirs = classes_path(other.project_hex, other.workspace_id)
    their_alert_fields = await client.get(f"{theirs}/alerts/fields", headers=intruder)

    assert added.status_code == 200, added.text
    assert [f["field_key"] for f in added.json()["field_details"]] == [
        "ticket",
        "data_source.tier",
    ]
    assert clash.status_code == 400
    own = (await admin_client.get(f"{path}/alerts/fields", params={"is_built_in": "false"})).json()
    assert own["total"] == 2
    assert {f["field_key"] for f in their_alert_fields.json()["field_details"]}.isdisjoint(
        {"ticket", "data_source.tier"}
    )


async def test_another_tenant_sees_no_class_nor_type_of_this_workspace(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    path: str,
) -> None:
    asset = (await admin_client.post(path, json=asset_class())).json()
    kind = (
        await admin_client.post(
            f"{path}/Alert/types",
            json={
                "category": "Intrusion",
                "category_code": "intrusion",
                "sub_category": "Brute force",
                "sub_category_code": "brute",
            },
        )
    ).json()
    other = await make_tenant(sessions)
    intruder = {"X-Auth-Token": await login(client, other.admin_email, other.project_name)}
    theirs = classes_path(other.project_hex, other.workspace_id)

    direct = await client.get(f"{path}/{asset['id']}", headers=intruder)
    listed = await client.get(theirs, headers=intruder)
    shown = await client.get(f"{theirs}/{asset['id']}", headers=intruder)
    types = await client.get(f"{theirs}/Alert/types", headers=intruder)
    enabled = await client.post(
        f"{theirs}/Alert/types/enable",
        headers=intruder,
        json={"enable": False, "ids": [kind["id"]]},
    )
    deleted = await client.request(
        "DELETE", f"{theirs}/Alert/types", headers=intruder, json={"ids": [kind["id"]]}
    )

    assert (direct.status_code, direct.json()["code"]) == (403, "SecMaster.20010001")
    assert listed.json()["total"] == 4
    assert (shown.status_code, shown.json()["code"]) == (400, "SecMaster.20030005")
    assert types.json() == {"type_details": [], "total": 0}
    assert (enabled.status_code, deleted.status_code) == (400, 400)
    mine = (await admin_client.get(f"{path}/Alert/types")).json()
    assert [(t["id"], t["enabled"]) for t in mine["type_details"]] == [(kind["id"], True)]


async def test_viewers_read_classes_but_cannot_change_them(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    kind = (
        await admin_client.post(
            f"{path}/indicators/types", json={"category": "IP", "category_code": "ip"}
        )
    ).json()
    viewer = {
        "X-Auth-Token": await login(
            client, await make_member(sessions, tenant, Role.viewer), tenant.project_name
        )
    }
    field = {"field_key": "x", "name": "X", "field_type": "String"}

    reads = [
        await client.get(path, headers=viewer),
        await client.get(f"{path}/indicators/types", headers=viewer),
        await client.get(f"{path}/indicators/fields", headers=viewer),
    ]
    writes = [
        await client.post(path, headers=viewer, json=asset_class()),
        await client.post(f"{path}/indicators/fields", headers=viewer, json={"fields": [field]}),
        await client.post(
            f"{path}/indicators/types",
            headers=viewer,
            json={"category": "URL", "category_code": "url"},
        ),
        await client.post(
            f"{path}/indicators/types/enable",
            headers=viewer,
            json={"enable": False, "ids": [kind["id"]]},
        ),
        await client.request(
            "DELETE", f"{path}/indicators/types", headers=viewer, json={"ids": [kind["id"]]}
        ),
    ]

    assert {r.status_code for r in reads} == {200}
    assert {(w.status_code, w.json()["code"]) for w in writes} == {(403, "SecMaster.20010002")}


async def test_types_follow_each_classs_rule(admin_client: httpx.AsyncClient, path: str) -> None:
    asset = (await admin_client.post(path, json=asset_class())).json()

    no_sub = await admin_client.post(
        f"{path}/incidents/types", json={"category": "Intrusion", "category_code": "intrusion"}
    )
    custom = await admin_client.post(
        f"{path}/assets/types",
        json={
            "name": "Server",
            "business_code": "server",
            "dataclass_business_code": "Asset",
            "level": 1,
        },
    )
    custom_sub = await admin_client.post(
        f"{path}/assets/types",
        json={
            "name": "Web",
            "business_code": "web",
            "dataclass_business_code": "Asset",
            "level": 2,
            "category": "Server",
            "category_code": "server",
        },
    )
    wrong_code = await admin_client.post(
        f"{path}/assets/types",
        json={"name": "Db", "business_code": "db", "dataclass_business_code": "Host", "level": 1},
    )
    twice = await admin_client.post(
        f"{path}/assets/types",
        json={
            "name": "Server",
            "business_code": "server",
            "dataclass_business_code": "Asset",
            "level": 1,
        },
    )
    listed = (await admin_client.get(f"{path}/{asset['id']}/types")).json()
    shown = (await admin_client.get(f"{path}/assets")).json()

    assert no_sub.status_code == 400
    assert "sub_category" in no_sub.json()["message"]
    assert custom.status_code == 200, custom.text
    assert (custom.json()["category_code"], custom.json()["level"]) == ("server", 1)
    assert (custom_sub.json()["sub_category_code"], custom_sub.json()["level"]) == ("web", 2)
    assert wrong_code.status_code == 400
    assert twice.status_code == 409
    assert [(t["level"], t["sub_count"]) for t in listed["type_details"]] == [(1, 1), (2, 0)]
    assert shown["type_num"] == 2


async def test_deleting_an_alert_type_tells_the_alerts_that_use_it(
    admin_client: httpx.AsyncClient, path: str, tenant: TenantInfo
) -> None:
    from tests.objects.payloads import alert

    soc = path.removesuffix("/dataclasses")
    made = await admin_client.post(
        f"{path}/Alert/types",
        json={
            "category": "Intrusion",
            "category_code": "intrusion",
            "sub_category": "Brute force",
            "sub_category_code": "brute_force",
        },
    )
    assert made.status_code == 200, made.text
    used = await admin_client.post(f"{soc}/alerts", json={"data_object": alert(title="uses it")})
    other = {"category": "Intrusion", "alert_type": "Port scan"}
    unused = await admin_client.post(
        f"{soc}/alerts", json={"data_object": alert(title="another", alert_type=other)}
    )
    assert (used.status_code, unused.status_code) == (200, 200)

    asked = await admin_client.request(
        "DELETE", f"{path}/Alert/types", json={"ids": [made.json()["id"]], "is_delete": False}
    )

    assert asked.status_code == 200, asked.text
    ((use,),) = [asked.json()]
    assert (use["type"], use["count"]) == ("DATAOBJECT", 1)
    assert [(d["name"], d["id"]) for d in use["data"]] == [("uses it", used.json()["data"]["id"])]
