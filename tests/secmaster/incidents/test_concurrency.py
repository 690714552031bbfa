"""Concurrent creates get distinct, gap-free numbers; concurrent changes never overwrite."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import Incident
from tests.factories import TenantInfo
from tests.secmaster.incidents.payloads import incident_object, incidents_path


async def test_concurrent_creates_get_gap_free_numbers(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    path = incidents_path(tenant.project_hex, tenant.workspace_id)

    responses = await asyncio.gather(
        *(
            admin_client.post(path, json={"data_object": incident_object(title=f"t{i}")})
            for i in range(60)
        )
    )

    assert [r.status_code for r in responses] == [200] * 60, {
        r.text for r in responses if r.status_code != 200
    }
    async with sessions() as session:
        numbers = sorted((await session.scalars(select(Incident.number))).all())
    assert numbers == list(range(1, 61))


async def test_concurrent_changes_with_the_same_version_let_exactly_one_win(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    path = incidents_path(tenant.project_hex, tenant.workspace_id)
    created = (await admin_client.post(path, json={"data_object": incident_object()})).json()
    url = f"{path}/{created['data']['id']}"

    responses = await asyncio.gather(
        *(
            admin_client.put(url, json={"data_object": {"title": f"by {i}", "version": "1"}})
            for i in range(6)
        )
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * 5
    winner = next(r for r in responses if r.status_code == 200).json()["data"]["data_object"]
    shown = (await admin_client.get(url)).json()["data"]
    assert shown["data_object"]["title"] == winner["title"]
    assert shown["version"] == 2
