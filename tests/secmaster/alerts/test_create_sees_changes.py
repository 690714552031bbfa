"""One-at-a-time alert creates see every change of what they depend on, made in between by this
server or another one on the same database: a field added to the class (checked and kept on
the very next create) and a playbook enabled then disabled (the next create fires it, the one
after does not). The create path reads both by statements built once (objects/service.py,
automation/triggers.py); nothing it keeps between requests may answer for the database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from socdesk.app import create_app
from socdesk.settings import Settings
from tests.automation.bpmn_files import TRIAGE
from tests.automation.test_triggers import enabled_pair, runs_of
from tests.factories import TenantInfo, login
from tests.objects.payloads import alert
from tests.secmaster.objects.conftest import soc_path


@pytest.fixture
async def other_server(settings: Settings, tenant: TenantInfo) -> AsyncIterator[httpx.AsyncClient]:
    """The tenant's administrator on a second application (its own engine and state) over the
    same database, as another server process would be."""
    second: FastAPI = create_app(settings)
    transport = httpx.ASGITransport(app=second)
    async with httpx.AsyncClient(transport=transport, base_url="http://other") as anonymous:
        token = await login(anonymous, tenant.admin_email, tenant.project_name)
        anonymous.headers["X-Auth-Token"] = token
        yield anonymous
    await second.state.engine.dispose()


async def _create(client: httpx.AsyncClient, soc: str, **fields: Any) -> httpx.Response:
    return await client.post(f"{soc}/alerts", json={"data_object": alert(**fields)})


async def test_a_field_added_elsewhere_is_checked_and_kept_on_the_next_create(
    admin_client: httpx.AsyncClient, other_server: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    soc = soc_path(tenant)
    unknown = await _create(admin_client, soc, ticket="INC-7")
    added = await other_server.post(
        f"{soc}/dataclasses/alerts/fields",
        json={
            "fields": [
                {"field_key": "ticket", "name": "Ticket", "field_type": "String", "required": True}
            ]
        },
    )
    missing = await _create(admin_client, soc)
    kept = await _create(admin_client, soc, ticket="INC-7")

    assert unknown.status_code == 400
    assert "ticket: is not a field" in unknown.json()["message"]
    assert added.status_code == 200, added.text
    assert missing.status_code == 400
    assert "ticket" in missing.json()["message"]
    assert kept.status_code == 200, kept.text
    shown = await admin_client.get(f"{soc}/alerts/{kept.json()['data']['id']}")
    assert shown.json()["data"]["data_object"]["ticket"] == "INC-7"


async def test_a_playbook_enabled_then_disabled_elsewhere_is_seen_by_the_next_create(
    app: FastAPI,
    admin_client: httpx.AsyncClient,
    other_server: httpx.AsyncClient,
    tenant: TenantInfo,
) -> None:
    soc = soc_path(tenant)
    sessions = app.state.sessionmaker
    quiet = await _create(admin_client, soc)
    # The example workflow, made one of the Alert class (it only runs, its steps do not matter).
    of_alerts = TRIAGE.replace('socdesk:dataclass="Incident"', 'socdesk:dataclass="Alert"')
    await enabled_pair(
        other_server,
        tenant,
        dataclass="Alert",
        rule=None,
        workflow=(of_alerts, "Triage high severity"),
    )
    fired = await _create(admin_client, soc)
    playbooks = (await other_server.get(f"{soc}/playbooks")).json()["data"]
    disabled = await other_server.put(
        f"{soc}/playbooks/{playbooks[0]['id']}", json={"enabled": False}
    )
    after = await _create(admin_client, soc)

    assert (quiet.status_code, fired.status_code, after.status_code) == (200, 200, 200)
    assert disabled.status_code == 200, disabled.text
    runs = await runs_of(sessions)
    assert [(str(r.dataobject_id), r.trigger_type) for r in runs] == [
        (fired.json()["data"]["id"], "EVENT")
    ]
