"""Seed 003: POST ~/soc/datapanel/{dataclass}/data-objects/batch-create, exactly as the seed
says — a bare array of {id, event_id} in input order with X-request-id, every problem of every
object in one 400 with nothing written, an unknown class refused — for every built-in class
and a workspace's own; another tenant's incidents, objects and classes are as if none existed."""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import DataObject, DataObjectEvent
from tests.factories import TenantInfo, login, make_tenant
from tests.objects.payloads import alert, asset, indicator, vulnerability
from tests.secmaster.incidents.payloads import incident_object
from tests.secmaster.objects.conftest import soc_path

MAKERS: dict[str, Callable[..., dict[str, Any]]] = {
    "Incident": incident_object,
    "Alert": alert,
    "Indicator": indicator,
    "Vulnerability": vulnerability,
    "Asset": asset,
}
ROUTES = {
    "Incident": "incidents",
    "Alert": "alerts",
    "Indicator": "indicators",
    "Vulnerability": "vulnerabilities",
    "Asset": "assets",
}
# A field each class's objects can differ by, so that an id read back names its own object.
LABELS = {
    "Incident": "title",
    "Alert": "title",
    "Indicator": "name",
    "Vulnerability": "vul_name",
    "Asset": "hostname",
}


def batch_path(soc: str, dataclass: str) -> str:
    return f"{soc}/datapanel/{dataclass}/data-objects/batch-create"


async def _count(client: httpx.AsyncClient, soc: str, dataclass: str) -> int:
    found = await client.post(f"{soc}/datapanel/{dataclass}/data-objects/search", json={})
    assert found.status_code == 200, found.text
    return int(found.json()["total"])


@pytest.mark.parametrize("name", list(MAKERS))
async def test_a_batch_answers_a_bare_array_in_input_order(
    admin_client: httpx.AsyncClient, soc: str, asset_class: str, name: str
) -> None:
    make, label = MAKERS[name], LABELS[name]
    objects = [make(**{label: f"{name} {i}"}) for i in range(3)]
    response = await admin_client.post(
        batch_path(soc, name),
        json={
            "format_version": 1,
            "name": "nightly",
            "type": "feed",
            "trigger_flag": False,
            "data_object": objects,
        },
    )

    assert response.status_code == 200, response.text
    answer = response.json()
    assert isinstance(answer, list)
    assert [set(item) for item in answer] == [{"id", "event_id"}] * 3
    assert len({item["id"] for item in answer}) == 3
    # An incident is its own event; another class's object names none unless linked.
    expected_events = [item["id"] if name == "Incident" else None for item in answer]
    assert [item["event_id"] for item in answer] == expected_events
    assert response.headers["X-request-id"]
    # Input order: each id reads back the object sent at its index.
    for index, item in enumerate(answer):
        shown = await admin_client.get(f"{soc}/datapanel/{name}/data-objects/{item['id']}")
        assert shown.status_code == 200, shown.text
        data = shown.json()["data"]
        assert data["data_object"]["id"] == item["id"]
        assert data["data_object"][label] == f"{name} {index}"
        assert data["dataclass_ref"]["name"] == name
    generic = await admin_client.get(f"{soc}/{ROUTES[name]}/{answer[2]['id']}")
    assert generic.status_code == 200, generic.text
    assert generic.json()["data"]["data_object"][label] == f"{name} 2"


async def test_objects_are_ordered_as_sent(admin_client: httpx.AsyncClient, soc: str) -> None:
    objects = [alert(title=f"alert {i}") for i in range(25)]
    answer = (
        await admin_client.post(batch_path(soc, "alerts"), json={"data_object": objects})
    ).json()
    titles = []
    for item in answer:
        shown = (await admin_client.get(f"{soc}/alerts/{item['id']}")).json()
        titles.append(shown["data"]["data_object"]["title"])
    assert titles == [f"alert {i}" for i in range(25)]


async def test_incidents_are_created_through_the_incident_store_with_their_own_event_id(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    response = await admin_client.post(
        batch_path(soc, "Incident"),
        json={"data_object_list": [incident_object(title="one"), incident_object(title="two")]},
    )

    assert response.status_code == 200, response.text
    assert response.headers["X-request-id"]
    answer = response.json()
    assert [item["event_id"] for item in answer] == [item["id"] for item in answer]
    shown = await admin_client.get(f"{soc}/incidents/{answer[1]['id']}")
    assert shown.json()["data"]["data_object"]["title"] == "two"
    panel = await admin_client.get(f"{soc}/datapanel/Incident/data-objects/{answer[0]['id']}")
    assert panel.json()["data"]["data_object"]["title"] == "one"


async def test_an_object_linked_to_an_incident_has_it_as_event_id(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    (incident,) = (
        await admin_client.post(
            batch_path(soc, "incidents"), json={"data_object": [incident_object()]}
        )
    ).json()
    response = await admin_client.post(
        batch_path(soc, "Alert"),
        json={"data_object": [alert(incident_id=incident["id"]), alert()]},
    )

    assert response.status_code == 200, response.text
    assert [item["event_id"] for item in response.json()] == [incident["id"], None]


async def test_a_bad_batch_lists_every_problem_and_writes_nothing(
    admin_client: httpx.AsyncClient, soc: str, asset_class: str
) -> None:
    for name, bad in (
        ("Alert", [alert(), alert(severity="Severe"), alert(title=None, colour="red")]),
        ("Asset", [asset(), asset(hostname=""), asset(rack="three")]),
    ):
        response = await admin_client.post(batch_path(soc, name), json={"data_object": bad})

        assert response.status_code == 400, response.text
        body = response.json()
        assert body["code"] == "SecMaster.20000400"
        assert response.headers["X-request-id"]
        problems = [(e["row"], e["field"]) for e in body["data"]["errors"]]
        expected = {
            "Alert": [(1, "severity"), (2, "title"), (2, "colour")],
            "Asset": [(1, "hostname"), (2, "rack")],
        }[name]
        assert sorted(problems) == sorted(expected)
        assert all({"row", "field", "value", "message"} <= set(e) for e in body["data"]["errors"])
        assert await _count(admin_client, soc, name) == 0


# Per class: a batch with invalid objects at several indexes, and each (row, field, value) it
# must be refused with (value None where the field is missing).
BAD_BATCHES: dict[str, tuple[list[dict[str, Any]], list[tuple[int, str, Any]]]] = {
    "Incident": (
        [
            incident_object(severity="Severe"),
            incident_object(),
            incident_object(title=None, colour="red"),
            incident_object(handle_status="Maybe"),
        ],
        [
            (0, "severity", "Severe"),
            (2, "title", None),
            (2, "colour", "red"),
            (3, "handle_status", "Maybe"),
        ],
    ),
    "Indicator": (
        [
            indicator(),
            indicator(verdict="Purple"),
            indicator(),
            indicator(value=None, confidence="high"),
        ],
        [(1, "verdict", "Purple"), (3, "value", None), (3, "confidence", "high")],
    ),
    "Vulnerability": (
        [
            vulnerability(count="three"),
            vulnerability(),
            vulnerability(vul_name=None, handled="yes"),
        ],
        [(0, "count", "three"), (2, "vul_name", None), (2, "handled", "yes")],
    ),
}


@pytest.mark.parametrize("name", list(BAD_BATCHES))
async def test_a_bad_batch_of_each_built_in_class_lists_every_problem_and_writes_nothing(
    admin_client: httpx.AsyncClient, soc: str, name: str
) -> None:
    kept = await admin_client.post(batch_path(soc, name), json={"data_object": [MAKERS[name]()]})
    assert kept.status_code == 200, kept.text
    before = await _count(admin_client, soc, name)
    bad, expected = BAD_BATCHES[name]

    response = await admin_client.post(batch_path(soc, name), json={"data_object": bad})

    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "SecMaster.20000400"
    assert response.headers["X-request-id"]
    errors = body["data"]["errors"]
    assert all(set(e) == {"row", "field", "value", "message"} for e in errors), errors
    assert all(e["message"] for e in errors)
    assert sorted((e["row"], e["field"]) for e in errors) == sorted(
        (row, field) for row, field, _ in expected
    )
    values = {(e["row"], e["field"]): e["value"] for e in errors}
    for row, field, value in expected:
        if value is not None:
            assert values[(row, field)] == value, (row, field, values)
    assert before == await _count(admin_client, soc, name) == 1


async def test_a_link_to_another_workspaces_incident_is_refused(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    response = await admin_client.post(
        batch_path(soc, "Alert"),
        json={
            "data_object": [
                alert(incident_id="3fa85f64-5717-4562-b3fc-2c963f66afa6"),
                alert(incident_id="nope"),
            ]
        },
    )

    assert response.status_code == 400, response.text
    assert [(e["row"], e["field"]) for e in response.json()["data"]["errors"]] == [
        (0, "incident_id"),
        (1, "incident_id"),
    ]


async def _other_tenant(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> tuple[str, dict[str, str]]:
    """Another tenant's soc path and its admin's token headers."""
    other = await make_tenant(sessions)
    headers = {"X-Auth-Token": await login(client, other.admin_email, other.project_name)}
    return soc_path(other), headers


async def test_a_link_to_another_tenants_real_incident_is_refused_as_a_missing_one(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    soc: str,
) -> None:
    theirs, headers = await _other_tenant(client, sessions)
    made = await client.post(
        batch_path(theirs, "Incident"), headers=headers, json={"data_object": [incident_object()]}
    )
    assert made.status_code == 200, made.text
    their_incident = made.json()[0]["id"]
    missing = str(uuid.uuid4())

    response = await admin_client.post(
        batch_path(soc, "Alert"),
        json={"data_object": [alert(incident_id=their_incident), alert(incident_id=missing)]},
    )

    assert response.status_code == 400, response.text
    errors = response.json()["data"]["errors"]
    assert [(e["row"], e["field"], e["value"]) for e in errors] == [
        (0, "incident_id", their_incident),
        (1, "incident_id", missing),
    ]
    # The same words for both: nothing tells that the first id names an incident somewhere.
    assert errors[0]["message"] == errors[1]["message"]
    assert await _count(admin_client, soc, "Alert") == 0
    # Their incident gained no link.
    linked = await client.post(
        f"{theirs}/incidents/{their_incident}/alerts/search", headers=headers, json={}
    )
    assert linked.status_code == 200, linked.text
    assert linked.json()["total"] == 0


async def test_a_tenants_batch_create_and_data_panel_never_reach_anothers_objects(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    soc: str,
    asset_class: str,
) -> None:
    (my_incident,) = (
        await admin_client.post(
            batch_path(soc, "Incident"), json={"data_object": [incident_object(title="mine")]}
        )
    ).json()
    mine = {
        name: (
            await admin_client.post(
                batch_path(soc, name),
                json={"data_object": [MAKERS[name](**{LABELS[name]: "mine"})]},
            )
        ).json()[0]["id"]
        for name in ("Alert", "Indicator", "Vulnerability", "Asset")
    }
    mine["Incident"] = my_incident["id"]
    theirs, headers = await _other_tenant(client, sessions)

    # Their batch-create naming my incident is refused and writes nothing of theirs.
    linking = await client.post(
        batch_path(theirs, "Alert"),
        headers=headers,
        json={"data_object": [alert(title="theirs"), alert(incident_id=my_incident["id"])]},
    )
    assert linking.status_code == 400, linking.text
    assert [(e["row"], e["field"]) for e in linking.json()["data"]["errors"]] == [
        (1, "incident_id")
    ]
    # Their own objects, even with my objects' ids sent as theirs, are new objects of theirs.
    made = await client.post(
        batch_path(theirs, "Alert"),
        headers=headers,
        json={"data_object": [alert(title="theirs", id=mine["Alert"])]},
    )
    assert made.status_code == 200, made.text
    assert made.json()[0]["id"] != mine["Alert"]

    for name in ("Incident", "Alert", "Indicator", "Vulnerability"):
        found = await client.post(
            f"{theirs}/datapanel/{name}/data-objects/search", headers=headers, json={}
        )
        assert found.status_code == 200, (name, found.text)
        assert mine[name] not in [d["id"] for d in found.json()["data"]], name
        assert found.json()["total"] == (1 if name == "Alert" else 0), name
        shown = await client.get(
            f"{theirs}/datapanel/{name}/data-objects/{mine[name]}", headers=headers
        )
        assert shown.status_code == 400, (name, shown.text)
    # My own class is no class of theirs.
    their_assets = await client.post(
        f"{theirs}/datapanel/Asset/data-objects/search", headers=headers, json={}
    )
    assert (their_assets.status_code, their_assets.json()["code"]) == (400, "SecMaster.20030005")
    # My token on their workspace is refused.
    crossed = await admin_client.post(f"{theirs}/datapanel/Alert/data-objects/search", json={})
    assert crossed.status_code == 403

    # Mine are as they were.
    for name, object_id in mine.items():
        shown = await admin_client.get(f"{soc}/datapanel/{name}/data-objects/{object_id}")
        assert shown.status_code == 200, shown.text
        assert shown.json()["data"]["data_object"][LABELS[name]] == "mine"
        assert await _count(admin_client, soc, name) == 1


async def test_an_unknown_class_is_secmasters_400(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    for dataclass in ("Spaceship", "3fa85f64-5717-4562-b3fc-2c963f66afa6", "bad%20name"):
        response = await admin_client.post(batch_path(soc, dataclass), json={"data_object": [{}]})
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "SecMaster.20030005"


async def test_the_body_must_carry_its_list_once_and_version_one(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    for body in (
        {},
        {"data_object": [alert()], "data_object_list": [alert()]},
        {"format_version": 2, "data_object": [alert()]},
        {"data_object": [alert()], "colour": "red"},
    ):
        response = await admin_client.post(batch_path(soc, "Alert"), json=body)
        assert response.status_code == 400, (body, response.text)
    assert await _count(admin_client, soc, "Alert") == 0


async def test_ten_thousand_alerts_in_one_request(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    objects = [alert(title=f"a{i}") for i in range(10_000)]
    response = await admin_client.post(batch_path(soc, "Alert"), json={"data_object": objects})

    assert response.status_code == 200, response.text[:500]
    assert len(response.json()) == 10_000
    assert await _count(admin_client, soc, "Alert") == 10_000
    # A body this large runs with the cyclic collector paused (kit/input_check.py): it resumes.
    assert gc.isenabled()


async def test_each_object_of_a_large_batch_has_its_labelled_create_event(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    soc: str,
    tenant: TenantInfo,
) -> None:
    # More objects than PostgreSQL's COPY threshold: the bulk write path.
    body = {
        "name": "nightly",
        "type": "feed",
        "data_object": [alert(title=f"alert {i}") for i in range(450)],
    }
    response = await admin_client.post(batch_path(soc, "Alert"), json=body)
    assert response.status_code == 200, response.text

    ids = [uuid.UUID(item["id"]) for item in response.json()]
    async with sessions() as session:
        objects = {o.id: o for o in await session.scalars(select(DataObject))}
        events = list(await session.scalars(select(DataObjectEvent)))
    assert sorted(e.object_id for e in events) == sorted(ids) == sorted(objects)
    for event in events:
        stored = objects[event.object_id]
        assert (event.action, event.actor_id, event.actor_email, event.request_id) == (
            "create",
            tenant.admin_id,
            tenant.admin_email,
            response.headers["X-request-id"],
        )
        assert (event.batch_name, event.batch_type, event.trigger_flag) == ("nightly", "feed", True)
        assert (event.at, event.changes, event.snapshot) == (stored.update_time, {}, None)
    assert [objects[i].data_object["title"] for i in ids] == [f"alert {i}" for i in range(450)]
