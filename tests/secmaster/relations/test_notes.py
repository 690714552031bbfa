"""Notes (~/soc/notes) on any data object; on an incident a note is one of its comments, so a
note written in one dialect reads back in the other."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import Role
from tests.factories import TenantInfo, login, make_member, make_tenant
from tests.objects.payloads import alert
from tests.secmaster.incidents.payloads import incident_object
from tests.secmaster.objects.conftest import soc_path
from tests.secmaster.relations.test_relations import _create


async def test_a_note_on_an_incident_is_a_register_comment_and_back(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    incident = await _create(admin_client, soc, "incidents", incident_object())

    noted = await admin_client.post(
        f"{soc}/notes", json={"war_room_id": incident, "content": "from SecMaster"}
    )
    commented = await admin_client.post(
        f"/v1/incidents/{incident}/comments", json={"content": "from the register"}
    )
    comments = (await admin_client.get(f"/v1/incidents/{incident}/comments")).json()
    notes = await admin_client.post(f"{soc}/notes/search", json={"war_room_id": incident})

    assert noted.status_code == 200, noted.text
    assert commented.status_code == 201, commented.text
    note = noted.json()["data"]
    assert (note["war_room_id"], note["data"]["content"]) == (incident, "from SecMaster")
    assert [c["content"] for c in comments["comments"]] == ["from SecMaster", "from the register"]
    page = notes.json()
    assert page["total"] == 2
    assert [n["content"] for n in page["data"]] == ["from SecMaster", "from the register"]
    assert page["data"][0]["id"] == note["id"]

    deleted = await admin_client.request(
        "DELETE", f"{soc}/notes", json={"batch_ids": [note["id"], "nope"]}
    )
    assert deleted.json()["data"] == {"success_ids": [note["id"]], "error_ids": ["nope"]}
    after = (await admin_client.get(f"/v1/incidents/{incident}/comments")).json()
    assert [c["content"] for c in after["comments"]] == ["from the register"]


async def test_notes_on_an_alert_page_and_go_with_it(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    target = await _create(admin_client, soc, "alerts", alert())
    for text in ("one", "two", "three"):
        made = await admin_client.post(
            f"{soc}/notes",
            json={"war_room_id": target, "content": text, "type": "manual", "note_type": "c"},
        )
        assert made.status_code == 200, made.text

    newest = await admin_client.post(
        f"{soc}/notes/search", json={"war_room_id": target, "order": "desc", "limit": 2}
    )
    body = newest.json()
    assert (body["total"], body["size"]) == (3, 2)
    assert [n["content"] for n in body["data"]] == ["three", "two"]
    assert (body["data"][0]["type"], body["data"][0]["note_type"]) == ("manual", "c")

    await admin_client.request("DELETE", f"{soc}/alerts", json={"batch_ids": [target]})
    gone = await admin_client.post(f"{soc}/notes/search", json={"war_room_id": target})
    assert gone.status_code == 400


async def test_notes_refuse_unknown_objects_other_workspaces_and_viewers(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    soc: str,
) -> None:
    mine = await _create(admin_client, soc, "alerts", alert())
    note = (
        await admin_client.post(f"{soc}/notes", json={"war_room_id": mine, "content": "x"})
    ).json()["data"]["id"]
    other = await make_tenant(sessions)
    theirs = soc_path(other)
    headers = {"X-Auth-Token": await login(client, other.admin_email, other.project_name)}
    viewer = {
        "X-Auth-Token": await login(
            client, await make_member(sessions, tenant, Role.viewer), tenant.project_name
        )
    }

    unknown = await admin_client.post(
        f"{soc}/notes", json={"war_room_id": "not-an-id", "content": "x"}
    )
    crossed = [
        await client.post(
            f"{theirs}/notes", headers=headers, json={"war_room_id": mine, "content": "x"}
        ),
        await client.post(f"{theirs}/notes/search", headers=headers, json={"war_room_id": mine}),
    ]
    their_delete = await client.request(
        "DELETE", f"{theirs}/notes", headers=headers, json={"batch_ids": [note]}
    )
    viewer_read = await client.post(
        f"{soc}/notes/search", headers=viewer, json={"war_room_id": mine}
    )
    viewer_writes = [
        await client.post(
            f"{soc}/notes", headers=viewer, json={"war_room_id": mine, "content": "x"}
        ),
        await client.request("DELETE", f"{soc}/notes", headers=viewer, json={"batch_ids": [note]}),
    ]

    assert unknown.status_code == 400
    assert "war_room_id" in unknown.json()["message"]
    assert [c.status_code for c in crossed] == [400, 400]
    assert their_delete.json()["data"]["error_ids"] == [note]
    assert viewer_read.status_code == 200
    assert [w.status_code for w in viewer_writes] == [403, 403]
    left = (await admin_client.post(f"{soc}/notes/search", json={"war_room_id": mine})).json()
    assert left["total"] == 1
