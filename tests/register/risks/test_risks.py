"""Risks (`GET|POST /v1/risks`) and risk associations (`PUT /v1/incidents/{id}/risks`)."""

from __future__ import annotations

import uuid
from datetime import datetime

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.incidents.risks import risk_ids_of
from socdesk.models import IncidentEvent, IncidentRisk, Role
from tests.factories import TenantInfo, make_tenant
from tests.register.incidents.facts import admin_headers, create_incident, member_headers
from tests.secmaster.incidents.payloads import incidents_path


async def add_risk(client: httpx.AsyncClient, title: str, **headers: str) -> str:
    response = await client.post("/v1/risks", json={"title": title}, headers=headers)
    assert response.status_code == 201, response.text
    risk_id: str = response.json()["risk"]["id"]
    return risk_id


async def test_risks_are_added_and_listed_by_title(admin_client: httpx.AsyncClient) -> None:
    empty = await admin_client.get("/v1/risks")
    zeta = await admin_client.post(
        "/v1/risks", json={"title": "Zeta outage", "description": "Payments stop."}
    )
    await admin_client.post("/v1/risks", json={"title": "  Account takeover  "})
    listed = await admin_client.get("/v1/risks")

    assert empty.json() == {"risks": []}
    assert zeta.status_code == 201
    risk = zeta.json()["risk"]
    assert set(risk) == {"id", "title", "description", "created_date"}
    assert (risk["title"], risk["description"]) == ("Zeta outage", "Payments stop.")
    assert datetime.fromisoformat(risk["created_date"]).tzinfo is not None
    risks = listed.json()["risks"]
    assert [r["title"] for r in risks] == ["Account takeover", "Zeta outage"]
    assert risks[0]["description"] == ""
    assert risks[1] == risk


async def test_bad_and_taken_risks_are_refused(
    client: httpx.AsyncClient,
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    viewer = await member_headers(client, sessions, tenant, Role.viewer)
    await admin_client.post("/v1/risks", json={"title": "Ransomware"})

    taken = await admin_client.post("/v1/risks", json={"title": "Ransomware"})
    taken_padded = await admin_client.post("/v1/risks", json={"title": " Ransomware "})
    blank = await admin_client.post("/v1/risks", json={"title": "   "})
    too_long = await admin_client.post("/v1/risks", json={"title": "x" * 256})
    long_text = await admin_client.post(
        "/v1/risks", json={"title": "Long", "description": "d" * 2049}
    )
    missing = await admin_client.post("/v1/risks", json={"description": "no title"})
    by_viewer = await client.post("/v1/risks", json={"title": "Mine"}, headers=viewer)
    viewer_reads = await client.get("/v1/risks", headers=viewer)

    assert (taken.status_code, taken.json()["error"]) == (409, "conflict")
    assert taken_padded.status_code == 409
    for response in (blank, too_long, long_text, missing):
        assert response.status_code == 400, response.text
    assert blank.json()["details"][0]["field"] == "title"
    assert long_text.json()["details"][0]["field"] == "description"
    assert (by_viewer.status_code, by_viewer.json()["error"]) == (403, "permission_denied")
    assert [r["title"] for r in viewer_reads.json()["risks"]] == ["Ransomware"]


async def test_risks_belong_to_one_project(
    client: httpx.AsyncClient,
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    other = await make_tenant(sessions)
    theirs = await admin_headers(client, other)
    await admin_client.post("/v1/risks", json={"title": "Only ours"})

    their_list = await client.get("/v1/risks", headers=theirs)
    same_title = await client.post("/v1/risks", json={"title": "Only ours"}, headers=theirs)

    assert their_list.json() == {"risks": []}
    assert same_title.status_code == 201


async def test_putting_risks_replaces_the_set_and_is_audited(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    incident_id = await create_incident(admin_client, tenant)
    first, second, third = [await add_risk(admin_client, t) for t in ("A", "B", "C")]
    detail_path = f"{incidents_path(tenant.project_hex, tenant.workspace_id)}/{incident_id}"

    put = await admin_client.put(
        "/v1/incidents/INC-00001/risks", json={"risk_ids": [second, first, second]}
    )
    replaced = await admin_client.put(
        f"/v1/incidents/{incident_id}/risks", json={"risk_ids": [third, first.replace("-", "")]}
    )
    detail = (await admin_client.get(detail_path)).json()["data"]
    history = (await admin_client.get(f"{detail_path}/history")).json()["data"]

    assert put.status_code == 200
    assert put.json() == {"risk_associations": sorted([first, second])}
    assert replaced.json() == {"risk_associations": sorted([first, third])}
    assert detail["version"] == 3
    updates = [e for e in history if e["action"] == "update"]
    assert [e["changes"] for e in updates] == [
        [{"field": "risk_associations", "before": [], "after": sorted([first, second])}],
        [
            {
                "field": "risk_associations",
                "before": sorted([first, second]),
                "after": sorted([first, third]),
            }
        ],
    ]
    assert updates[0]["request_id"] == put.headers["X-request-id"]
    assert updates[1]["actor"] == tenant.admin_email
    assert updates[1]["actor_id"] == str(tenant.admin_id)
    assert detail["update_time"] == updates[1]["time"]


async def test_the_same_set_again_changes_nothing_and_an_empty_one_clears(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    incident_id = await create_incident(admin_client, tenant)
    risk = await add_risk(admin_client, "A")
    path = f"/v1/incidents/{incident_id}/risks"
    detail_path = f"{incidents_path(tenant.project_hex, tenant.workspace_id)}/{incident_id}"

    await admin_client.put(path, json={"risk_ids": [risk]})
    again = await admin_client.put(path, json={"risk_ids": [risk]})
    version_after_again = (await admin_client.get(detail_path)).json()["data"]["version"]
    cleared = await admin_client.put(path, json={"risk_ids": []})
    async with sessions() as session:
        links = await session.scalar(select(func.count()).select_from(IncidentRisk))
        events = await session.scalar(
            select(func.count())
            .select_from(IncidentEvent)
            .where(IncidentEvent.incident_id == uuid.UUID(incident_id))
        )

    assert again.json() == {"risk_associations": [risk]}
    assert version_after_again == 2
    assert cleared.json() == {"risk_associations": []}
    assert links == 0
    assert events == 3  # create, first put, clear


async def test_bad_risk_ids_are_400_and_change_nothing(
    client: httpx.AsyncClient,
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    await create_incident(admin_client, tenant)
    ours = await add_risk(admin_client, "Ours")
    other = await make_tenant(sessions)
    theirs = await add_risk(client, "Theirs", **await admin_headers(client, other))
    unknown = str(uuid.uuid4())
    path = "/v1/incidents/INC-00001/risks"

    foreign = await admin_client.put(path, json={"risk_ids": [ours, theirs]})
    missing = await admin_client.put(path, json={"risk_ids": [unknown]})
    malformed = await admin_client.put(path, json={"risk_ids": ["not-a-uuid"]})
    too_many = await admin_client.put(
        path, json={"risk_ids": [str(uuid.uuid4()) for _ in range(101)]}
    )
    not_a_list = await admin_client.put(path, json={"risk_ids": ours})
    no_field = await admin_client.put(path, json={})
    current = await risk_ids_in(sessions, tenant)

    for response in (foreign, missing, malformed, too_many, not_a_list, no_field):
        assert response.status_code == 400, response.text
        assert response.json()["error"] == "validation_failed"
    assert theirs in foreign.json()["message"]
    assert ours not in foreign.json()["message"]
    assert [d["field"] for d in foreign.json()["details"]] == ["risk_ids"]
    assert unknown in missing.json()["message"]
    assert malformed.json()["details"][0]["field"] == "risk_ids.0"
    assert current == []


async def risk_ids_in(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> list[uuid.UUID]:
    async with sessions() as session:
        return list(
            await session.scalars(
                select(IncidentRisk.risk_id).where(IncidentRisk.workspace_id == tenant.workspace_id)
            )
        )


async def test_other_workspaces_incidents_and_weak_roles_are_refused(
    client: httpx.AsyncClient,
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    ours = await create_incident(admin_client, tenant)
    other = await make_tenant(sessions)
    theirs = await admin_headers(client, other)
    their_risk = await add_risk(client, "Theirs", **theirs)
    viewer = await member_headers(client, sessions, tenant, Role.viewer)
    our_risk = await add_risk(admin_client, "Ours")

    foreign_incident = await client.put(
        f"/v1/incidents/{ours}/risks", json={"risk_ids": [their_risk]}, headers=theirs
    )
    unknown_incident = await admin_client.put(
        "/v1/incidents/INC-00042/risks", json={"risk_ids": [our_risk]}
    )
    by_viewer = await client.put(
        f"/v1/incidents/{ours}/risks", json={"risk_ids": [our_risk]}, headers=viewer
    )

    assert (foreign_incident.status_code, foreign_incident.json()["error"]) == (404, "not_found")
    assert unknown_incident.status_code == 404
    assert (by_viewer.status_code, by_viewer.json()["error"]) == (403, "permission_denied")
    assert await risk_ids_in(sessions, tenant) == []


async def test_risk_ids_of_many_incidents(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    linked = uuid.UUID(await create_incident(admin_client, tenant, title="linked"))
    bare = uuid.UUID(await create_incident(admin_client, tenant, title="bare"))
    risks = [await add_risk(admin_client, t) for t in ("B", "A")]
    await admin_client.put(f"/v1/incidents/{linked}/risks", json={"risk_ids": risks})

    async with sessions() as session:
        found = await risk_ids_of(session, tenant.workspace_id, [linked, bare])
        elsewhere = await risk_ids_of(session, uuid.uuid4(), [linked])

    assert found == {linked: sorted(risks), bare: []}
    assert elsewhere == {linked: []}
