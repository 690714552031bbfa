"""Fields a workspace adds to the Incident class: incidents carry them (create, change, batch
update, seed 003's batch-create, a workflow's set_fields), checked by the class rule, shown back,
audited; a key nobody added is still refused, and another workspace's additions mean nothing
here."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import TenantInfo, login, make_tenant
from tests.secmaster.incidents.payloads import incident_object

ADDED = [
    {"field_key": "ticket", "name": "Ticket", "field_type": "String"},
    {"field_key": "escalation", "name": "Escalation", "field_type": "Enum",
     "enum_values": ["none", "manager", "ciso"]},
    {"field_key": "impact", "name": "Impact", "field_type": "Object"},
    {"field_key": "impact.hosts", "name": "Hosts hit", "field_type": "Integer"},
]  # fmt: skip


def soc_of(tenant: TenantInfo) -> str:
    return f"/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc"


@pytest.fixture
def soc(tenant: TenantInfo) -> str:
    return soc_of(tenant)


async def add_fields(client: httpx.AsyncClient, soc: str, fields: list[dict[str, Any]]) -> None:
    added = await client.post(f"{soc}/dataclasses/incidents/fields", json={"fields": fields})
    assert added.status_code == 200, added.text


async def create(client: httpx.AsyncClient, soc: str, **fields: Any) -> httpx.Response:
    return await client.post(f"{soc}/incidents", json={"data_object": incident_object(**fields)})


async def test_an_incident_carries_the_fields_its_workspace_added(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    await add_fields(admin_client, soc, ADDED)

    created = await create(
        admin_client, soc, ticket="INC-42", escalation="manager", impact={"hosts": 3}
    )
    assert created.status_code == 200, created.text
    incident_id = created.json()["data"]["id"]
    shown = (await admin_client.get(f"{soc}/incidents/{incident_id}")).json()["data"]
    assert (shown["data_object"]["ticket"], shown["data_object"]["impact"]) == (
        "INC-42",
        {"hosts": 3},
    )

    changed = await admin_client.put(
        f"{soc}/incidents/{incident_id}",
        json={"data_object": {"escalation": "ciso", "ticket": None}},
    )
    assert changed.status_code == 200, changed.text
    again = (await admin_client.get(f"{soc}/incidents/{incident_id}")).json()["data"]
    assert again["data_object"]["escalation"] == "ciso"
    assert "ticket" not in again["data_object"]
    assert again["data_object"]["title"] == incident_object()["title"]

    history = (await admin_client.get(f"{soc}/incidents/{incident_id}/history")).json()["data"]
    created_fields = {c["field"]: c["after"] for c in history[0]["changes"]}
    assert (created_fields["ticket"], created_fields["impact.hosts"]) == ("INC-42", 3)
    update = {c["field"]: (c["before"], c["after"]) for c in history[1]["changes"]}
    assert update == {"escalation": ("manager", "ciso"), "ticket": ("INC-42", None)}


async def test_an_added_value_of_the_wrong_kind_or_an_unknown_key_is_refused_with_nothing_written(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    await add_fields(admin_client, soc, ADDED)
    before = (await admin_client.post(f"{soc}/incidents/search", json={})).json()["total"]

    wrong = await create(admin_client, soc, escalation="board", impact={"hosts": "many"})
    unknown = await create(admin_client, soc, tikcet="INC-1")
    # Text no store can hold (PostgreSQL's JSON refuses NUL) is refused, not a server error.
    unstorable = await create(admin_client, soc, ticket="INC\x00-1")

    assert wrong.status_code == 400, wrong.text
    assert "data_object.escalation" in wrong.json()["message"]
    assert "data_object.impact.hosts" in wrong.json()["message"]
    assert unknown.status_code == 400, unknown.text
    assert "data_object.tikcet" in unknown.json()["message"]
    assert unstorable.status_code == 400, unstorable.text
    assert "data_object.ticket" in unstorable.json()["message"]
    after = (await admin_client.post(f"{soc}/incidents/search", json={})).json()["total"]
    assert after == before


async def test_a_required_added_field_is_required_on_create_and_cannot_be_emptied(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    await add_fields(
        admin_client,
        soc,
        [{"field_key": "ticket", "name": "Ticket", "field_type": "String", "required": True}],
    )

    missing = await create(admin_client, soc)
    made = await create(admin_client, soc, ticket="INC-7")
    assert made.status_code == 200, made.text
    emptied = await admin_client.put(
        f"{soc}/incidents/{made.json()['data']['id']}", json={"data_object": {"ticket": ""}}
    )

    assert missing.status_code == 400
    assert "data_object.ticket" in missing.json()["message"]
    assert emptied.status_code == 400
    assert "data_object.ticket" in emptied.json()["message"]

    # An incident made from alerts has SecMaster's own fields only: it is not asked for it.
    from tests.objects.payloads import alert

    made_alert = await admin_client.post(f"{soc}/alerts", json={"data_object": alert()})
    ordered = await admin_client.post(
        f"{soc}/alerts/batch-order",
        json={
            "ids": [made_alert.json()["data"]["id"]],
            "incident_content": {
                "title": "From an alert",
                "incident_type": {"category": "Intrusion", "incident_type": "Brute force"},
            },
        },
    )
    assert ordered.status_code == 200, ordered.text
    assert ordered.json()["data"]["success_ids"]


async def test_batch_create_and_batch_update_take_added_fields_and_list_each_problem(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    await add_fields(admin_client, soc, ADDED)
    panel = f"{soc}/datapanel/Incident/data-objects/batch-create"

    made = await admin_client.post(
        panel,
        json={"data_object": [incident_object(ticket="A-1"), incident_object(ticket="A-2")]},
    )
    refused = await admin_client.post(
        panel,
        json={
            "data_object": [
                incident_object(ticket="B-1"),
                incident_object(escalation="board"),
                incident_object(impact={"hosts": 1.5}),
            ]
        },
    )

    assert made.status_code == 200, made.text
    ids = [item["id"] for item in made.json()]
    tickets = [
        (await admin_client.get(f"{soc}/incidents/{i}")).json()["data"]["data_object"]["ticket"]
        for i in ids
    ]
    assert tickets == ["A-1", "A-2"]
    assert refused.status_code == 400, refused.text
    errors = refused.json()["data"]["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [
        (1, "escalation"),
        (2, "impact.hosts"),
    ]
    total = (await admin_client.post(f"{soc}/incidents/search", json={})).json()["total"]
    assert total == 2

    updated = await admin_client.post(
        f"{soc}/incidents/batch-update",
        json={"batch_ids": ids, "data_object": {"escalation": "none"}},
    )
    assert updated.status_code == 200, updated.text
    for incident_id in ids:
        shown = (await admin_client.get(f"{soc}/incidents/{incident_id}")).json()["data"]
        assert shown["data_object"]["escalation"] == "none"


async def test_another_workspaces_added_field_is_no_field_here(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    soc: str,
) -> None:
    other = await make_tenant(sessions)
    theirs = {"X-Auth-Token": await login(client, other.admin_email, other.project_name)}
    added = await client.post(
        f"{soc_of(other)}/dataclasses/incidents/fields", json={"fields": ADDED}, headers=theirs
    )
    assert added.status_code == 200, added.text

    mine = await create(admin_client, soc, ticket="INC-9")
    their_own = await client.post(
        f"{soc_of(other)}/incidents",
        json={"data_object": incident_object(ticket="INC-9")},
        headers=theirs,
    )

    assert mine.status_code == 400
    assert "data_object.ticket" in mine.json()["message"]
    assert their_own.status_code == 200, their_own.text


async def test_a_field_inside_secmasters_own_incident_objects_cannot_be_added(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    refused = await admin_client.post(
        f"{soc}/dataclasses/incidents/fields",
        json={"fields": [{"field_key": "data_source.tier", "name": "T", "field_type": "String"}]},
    )
    assert refused.status_code == 400
    assert "data_source" in refused.json()["message"]


async def test_incidents_are_searched_by_a_searchable_added_field(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    await add_fields(
        admin_client,
        soc,
        [
            {"field_key": "ticket", "name": "Ticket", "field_type": "String", "searchable": True},
            {"field_key": "hosts", "name": "Hosts", "field_type": "Integer", "searchable": True},
            {"field_key": "secret", "name": "Secret", "field_type": "String", "searchable": False},
        ],
    )
    for ticket, hosts in (("INC-1", 1), ("INC-2", 5), ("OPS-3", 9)):
        assert (await create(admin_client, soc, ticket=ticket, hosts=hosts)).status_code == 200

    def search(*conditions: list[Any]) -> dict[str, Any]:
        named = [{"name": f"c{i}", "data": c} for i, c in enumerate(conditions)]
        logics = [word for c in named for word in ("and", c["name"])][1:]
        return {"condition": {"conditions": named, "logics": logics}}

    found = await admin_client.post(
        f"{soc}/incidents/search",
        json=search(["ticket", "contains", "INC"], ["hosts", ">=", "2"], ["severity", "=", "High"]),
    )
    unsearchable = await admin_client.post(
        f"{soc}/incidents/search", json=search(["secret", "=", "x"])
    )

    by_hosts = await admin_client.post(
        f"{soc}/incidents/search", json={"sort_by": "hosts", "order": "DESC"}
    )
    unsortable = await admin_client.post(f"{soc}/incidents/search", json={"sort_by": "secret"})

    assert found.status_code == 200, found.text
    assert [i["data_object"]["ticket"] for i in found.json()["data"]] == ["INC-2"]
    assert unsearchable.status_code == 400
    assert "secret" in unsearchable.json()["message"]
    assert by_hosts.status_code == 200, by_hosts.text
    assert [i["data_object"]["hosts"] for i in by_hosts.json()["data"]] == [9, 5, 1]
    assert unsortable.status_code == 400
    assert "secret" in unsortable.json()["message"]
