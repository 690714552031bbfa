"""Creating, reading and changing incidents over HTTP, with the audit trail and versions."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import Role
from tests.factories import TenantInfo, login, make_member, make_tenant
from tests.secmaster.incidents.payloads import incident_object, incidents_path


@pytest.fixture
def path(tenant: TenantInfo) -> str:
    return incidents_path(tenant.project_hex, tenant.workspace_id)


async def create(client: httpx.AsyncClient, path: str, **overrides: object) -> dict:  # type: ignore[type-arg]
    response = await client.post(path, json={"data_object": incident_object(**overrides)})
    assert response.status_code == 200, response.text
    detail = response.json()["data"]
    # The create's own key (create_dataobject's event_id): the rest is the detail show answers.
    assert detail.pop("event_id") == detail["id"]
    return detail


async def test_create_answers_the_detail_and_keeps_every_field(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, path: str
) -> None:
    extras = {
        "environment": {"vendor_type": "HWC", "domain_id": "d1", "region_id": "cn-north-4"},
        "network_list": [
            {
                "direction": "IN",
                "src_ip": "10.0.0.1",
                "src_port": 22,
                "src_geo": {"latitude": 1.5, "country_code": "CN"},
            }
        ],
        "resource_list": [{"id": "vm-1", "name": "bastion", "type": "ecs"}],
        "remediation": {"recommendation": "Block the address", "url": "https://x.example"},
        "malware": {"malware_family": "Mirai", "malware_class": "Botnet"},
        "process": [{"process_name": "sshd", "process_pid": 22}],
        "user_info": [{"user_id": "u1", "user_name": "root"}],
        "file_info": [{"file_path": "/etc/passwd", "file_sha256": "ab" * 32}],
        "system_info": {"os": "linux"},
        "extend_properties": {"ticket": "T-1"},
        "confidence": 80,
        "criticality": 90,
        "verification_state": "True_Positive",
        "ipdrr_phase": "Contain，Eradication& Recovery",
        "labels": "ssh,bastion",
        "sla": "60",
        "owner": "ann@example.com",
    }

    detail = await create(admin_client, path, **extras)

    data = detail["data_object"]
    assert detail["project_id"] == tenant.project_hex
    assert detail["workspace_id"] == str(tenant.workspace_id)
    assert detail["version"] == 1
    assert detail["dataclass_ref"]["name"] == "Incident"
    assert data["id"] == detail["id"]
    for key, value in extras.items():
        expected = value
        if key == "network_list":
            expected = [{**value[0]}]  # type: ignore[index]
        assert data[key] == expected, key
    assert data["severity"] == "High"
    assert data["handle_status"] == "Open"
    assert data["creator"] == tenant.admin_email
    assert data["first_observed_time"] == "2026-11-20T08:00:00.000Z"


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("2023-04-18T13:00:00.000Z+0800", "2023-04-18T05:00:00.000Z"),
        ("2023-04-18T13:00:00+08:00", "2023-04-18T05:00:00.000Z"),
        ("2023-04-18T13:00:00.5Z", "2023-04-18T13:00:00.500Z"),
        ("2023-04-18T13:00:00.000+0800", "2023-04-18T05:00:00.000Z"),
        ("0005-01-01T00:00:00Z", "0005-01-01T00:00:00.000Z"),  # four-digit years, padded
    ],
)
async def test_times_in_every_accepted_form_are_stored_in_utc(
    admin_client: httpx.AsyncClient, path: str, written: str, stored: str
) -> None:
    detail = await create(admin_client, path, first_observed_time=written)

    assert detail["data_object"]["first_observed_time"] == stored


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": None}, "data_object.title"),
        ({"title": ""}, "data_object.title"),
        ({"description": None}, "data_object.description"),
        ({"incident_type": {"category": "x"}}, "data_object.incident_type.incident_type"),
        (
            {"data_source": {"source_type": 3, "product_name": "x"}},
            "data_object.data_source.product_feature",
        ),
        ({"first_observed_time": None}, "data_object.first_observed_time"),
        ({"severity": "Severe"}, "data_object.severity"),
        ({"handle_status": "Done"}, "data_object.handle_status"),
        ({"confidence": 101}, "data_object.confidence"),
        ({"description": "x" * 1025}, "data_object.description"),
        ({"first_observed_time": "2023-04-18T13:00:00"}, "data_object.first_observed_time"),
        ({"first_observed_time": "yesterday"}, "data_object.first_observed_time"),
        ({"colour": "red"}, "data_object.colour"),
        ({"title": "nul\u0000byte"}, "data_object.title"),
        ({"count": 2**40}, "data_object.count"),
        ({"owner": "o" * 255}, "data_object.owner"),
        ({"first_observed_time": "9999-12-31T23:59:59-14:00"}, "data_object.first_observed_time"),
        (
            {"data_source": {"source_type": 7, "product_name": "x", "product_feature": "y"}},
            "data_object.data_source.source_type",
        ),
    ],
)
async def test_bad_creates_are_400_naming_the_field_and_store_nothing(
    admin_client: httpx.AsyncClient, path: str, overrides: dict[str, object], field: str
) -> None:
    response = await admin_client.post(path, json={"data_object": incident_object(**overrides)})
    found = await admin_client.post(f"{path}/search", json={})

    assert response.status_code == 400
    assert response.json()["code"] == "SecMaster.20000400"
    assert field in response.json()["message"]
    assert found.json()["total"] == 0


async def test_show_and_unknown_ids(admin_client: httpx.AsyncClient, path: str) -> None:
    detail = await create(admin_client, path)

    shown = await admin_client.get(f"{path}/{detail['id']}")
    unknown = await admin_client.get(f"{path}/7c9e6679-7425-40de-944b-e07fc1f90ae7")
    malformed = await admin_client.get(f"{path}/not-an-id")

    assert shown.json()["data"] == detail
    assert (unknown.status_code, unknown.json()["code"]) == (400, "SecMaster.20030005")
    assert (malformed.status_code, malformed.json()["code"]) == (400, "SecMaster.20030005")


async def test_put_changes_only_what_is_sent_and_bumps_the_version(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    detail = await create(admin_client, path, owner="ann@example.com", labels="a")

    changed = await admin_client.put(
        f"{path}/{detail['id']}",
        json={"data_object": {"severity": "Fatal", "labels": None, "version": "1"}},
    )

    data = changed.json()["data"]
    assert changed.status_code == 200
    assert data["version"] == 2
    assert data["data_object"]["severity"] == "Fatal"
    assert "labels" not in data["data_object"]
    assert data["data_object"]["owner"] == "ann@example.com"
    assert data["data_object"]["title"] == detail["data_object"]["title"]
    assert data["update_time"] >= detail["update_time"]


async def test_a_stale_version_is_409_and_changes_nothing(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    detail = await create(admin_client, path)
    url = f"{path}/{detail['id']}"
    await admin_client.put(url, json={"data_object": {"title": "first", "version": 1}})

    stale = await admin_client.put(url, json={"data_object": {"title": "second", "version": 1}})
    shown = await admin_client.get(url)

    assert stale.status_code == 409
    assert stale.json()["code"] == "SecMaster.20000409"
    assert shown.json()["data"]["data_object"]["title"] == "first"
    assert shown.json()["data"]["version"] == 2


@pytest.mark.parametrize(
    ("before", "written", "after"),
    [
        ("Open", "Block", "Block"),
        ("Block", "Open", "Open"),
        ("Closed", "Open", "Open"),
        ("Open", "Closed", "Closed"),
    ],
)
async def test_handle_status_transitions(
    admin_client: httpx.AsyncClient, path: str, before: str, written: str, after: str
) -> None:
    detail = await create(admin_client, path, handle_status=before)

    changed = await admin_client.put(
        f"{path}/{detail['id']}", json={"data_object": {"handle_status": written}}
    )

    data = changed.json()["data"]["data_object"]
    assert data["handle_status"] == after
    assert ("close_time" in data) == (after == "Closed")


async def test_put_cannot_empty_a_mandatory_field(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    detail = await create(admin_client, path)

    response = await admin_client.put(
        f"{path}/{detail['id']}", json={"data_object": {"title": None}}
    )

    assert response.status_code == 400
    assert "data_object.title" in response.json()["message"]


async def test_history_records_who_changed_what_and_outlives_the_incident(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, path: str
) -> None:
    detail = await create(admin_client, path)
    url = f"{path}/{detail['id']}"
    changed = await admin_client.put(url, json={"data_object": {"severity": "Low"}})
    await admin_client.post(f"{path}/batch-delete", json={"batch_ids": [detail["id"]]})

    history = (await admin_client.get(f"{url}/history")).json()

    assert [e["action"] for e in history["data"]] == ["create", "update", "delete"]
    update = history["data"][1]
    assert update["actor"] == tenant.admin_email
    assert update["request_id"] == changed.headers["X-request-id"]
    assert update["changes"] == [{"field": "severity", "before": "High", "after": "Low"}]
    assert history["data"][2]["snapshot"]["severity"] == "Low"
    assert (await admin_client.get(url)).status_code == 400


async def test_numbers_are_gap_free_per_workspace(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    from sqlalchemy import select

    from socdesk.models import Incident

    await create(admin_client, path)
    await admin_client.post(path, json={"data_object": incident_object(title=None)})  # refused
    await create(admin_client, path)
    second = (await admin_client.post(tenant.workspaces_path, json={"name": "two"})).json()
    await create(admin_client, incidents_path(tenant.project_hex, second["id"]))

    async with sessions() as session:
        rows = (await session.execute(select(Incident.workspace_id, Incident.number))).all()

    numbers = sorted((str(w), n) for w, n in rows)
    assert sorted(n for w, n in numbers if w == str(tenant.workspace_id)) == [1, 2]
    assert [n for w, n in numbers if w == second["id"]] == [1]


async def test_viewers_read_but_cannot_write(
    client: httpx.AsyncClient,
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    detail = await create(admin_client, path)
    viewer = {
        "X-Auth-Token": await login(
            client, await make_member(sessions, tenant, Role.viewer), tenant.project_name
        )
    }

    read = await client.get(f"{path}/{detail['id']}", headers=viewer)
    writes = [
        await client.post(path, headers=viewer, json={"data_object": incident_object()}),
        await client.put(
            f"{path}/{detail['id']}", headers=viewer, json={"data_object": {"title": "x"}}
        ),
        await client.post(
            f"{path}/batch-update",
            headers=viewer,
            json={"batch_ids": [detail["id"]], "data_object": {"title": "x"}},
        ),
        await client.post(
            f"{path}/batch-delete", headers=viewer, json={"batch_ids": [detail["id"]]}
        ),
    ]

    assert read.status_code == 200
    assert {(w.status_code, w.json()["code"]) for w in writes} == {(403, "SecMaster.20010002")}


async def test_another_tenant_cannot_reach_these_incidents(
    client: httpx.AsyncClient,
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    detail = await create(admin_client, path)
    other = await make_tenant(sessions)
    intruder = {"X-Auth-Token": await login(client, other.admin_email, other.project_name)}
    theirs = incidents_path(other.project_hex, other.workspace_id)

    direct = await client.get(f"{path}/{detail['id']}", headers=intruder)
    through_own = await client.get(f"{theirs}/{detail['id']}", headers=intruder)
    changed = await client.put(
        f"{theirs}/{detail['id']}", headers=intruder, json={"data_object": {"title": "mine"}}
    )
    deleted = await client.post(
        f"{theirs}/batch-delete", headers=intruder, json={"batch_ids": [detail["id"]]}
    )
    searched = await client.post(f"{theirs}/search", headers=intruder, json={})

    assert (direct.status_code, direct.json()["code"]) == (403, "SecMaster.20010001")
    assert through_own.status_code == 400
    assert changed.status_code == 400
    assert deleted.json()["data"] == {"success_ids": [], "error_ids": [detail["id"]]}
    assert searched.json()["total"] == 0
    assert (await admin_client.get(f"{path}/{detail['id']}")).status_code == 200


async def test_a_lone_surrogate_is_400_not_500(admin_client: httpx.AsyncClient, path: str) -> None:
    body = json.dumps({"data_object": incident_object(system_info={"k": "SURROGATE"})})
    content = body.replace("SURROGATE", "\\ud800").encode()

    response = await admin_client.post(
        path, content=content, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert "data_object.system_info" in response.json()["message"]


@pytest.mark.parametrize(
    ("data_object", "field"),
    [
        ({"criticality": False}, "data_object.criticality"),
        ({"confidence": True}, "data_object.confidence"),
        ({"count": True}, "data_object.count"),
        ({"sla": True}, "data_object.sla"),
        ({"version": True}, "data_object.version"),
        ({"network_list": [{"src_port": True}]}, "data_object.network_list.0.src_port"),
        ({"process": [{"process_pid": False}]}, "data_object.process.0.process_pid"),
    ],
)
async def test_a_boolean_is_not_taken_for_a_whole_number(
    admin_client: httpx.AsyncClient, path: str, data_object: dict[str, object], field: str
) -> None:
    # Found by the fuzzer: `"criticality": false` was stored as 0 and answered 200.
    incident = await create(admin_client, path, criticality=40)
    changed = await admin_client.put(f"{path}/{incident['id']}", json={"data_object": data_object})
    shown = await admin_client.get(f"{path}/{incident['id']}")

    assert changed.status_code == 400, changed.text
    assert field in changed.json()["message"]
    assert shown.json()["data"]["data_object"]["criticality"] == 40
    assert shown.json()["data"]["version"] == incident["version"]
