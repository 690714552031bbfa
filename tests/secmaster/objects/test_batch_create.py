"""Seed 003: POST ~/soc/datapanel/{dataclass}/data-objects/batch-create, exactly as the seed
says — a bare array of {id, event_id} in input order with X-request-id, every problem of every
object in one 400 with nothing written, an unknown class refused — for every built-in class
and a workspace's own."""

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
from tests.factories import TenantInfo
from tests.objects.payloads import alert, asset, indicator, vulnerability
from tests.secmaster.incidents.payloads import incident_object

MAKERS: dict[str, Callable[..., dict[str, Any]]] = {
    "Alert": alert,
    "Indicator": indicator,
    "Vulnerability": vulnerability,
    "Asset": asset,
}
ROUTES = {
    "Alert": "alerts",
    "Indicator": "indicators",
    "Vulnerability": "vulnerabilities",
    "Asset": "assets",
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
    make = MAKERS[name]
    objects = [make() for _ in range(3)]
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
    assert all(item["event_id"] is None for item in answer)
    assert response.headers["X-request-id"]
    # Input order: each id reads back the object at its index.
    for _index, item in enumerate(answer):
        shown = await admin_client.get(f"{soc}/datapanel/{name}/data-objects/{item['id']}")
        assert shown.status_code == 200, shown.text
        assert shown.json()["data"]["data_object"]["id"] == item["id"]
        assert shown.json()["data"]["dataclass_ref"]["name"] == name
    generic = await admin_client.get(f"{soc}/{ROUTES[name]}/{answer[0]['id']}")
    assert generic.status_code == 200, generic.text


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
