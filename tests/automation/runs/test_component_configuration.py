"""Runs use their workspace's applied `socdesk_http` configuration: it narrows the operator's
allow-list and limits from the next run on, and a save alone changes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.automation.http_calls import HttpLimits
from socdesk.automation.runs.runner import RunLimits, Runner
from socdesk.settings import Settings
from tests.automation.runs.helpers import chain, instance, runnable, service_task, started
from tests.conftest import settings_for
from tests.factories import TenantInfo
from tests.secmaster.incidents.factories import seed_incidents


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url, automation_http_allowed_hosts=["127.0.0.1", "localhost"])


def configuration(param: dict[str, str]) -> dict[str, object]:
    return {"configuration": [{"list": [{"param": param}]}]}


async def test_runs_call_as_the_applied_configuration_narrows_the_operators_limits(
    admin_client: httpx.AsyncClient,
    tenant: TenantInfo,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    port: int,
) -> None:
    where = f"{tenant.workspaces_path}/{tenant.workspace_id}/components/socdesk_http"
    calling = chain(
        "calling",
        (
            "call",
            service_task("call", "http_request", method="GET", url=f"http://127.0.0.1:{port}/big"),
        ),
    )
    workflow_id = await runnable(admin_client, tenant, calling, "calling")
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    runner = Runner(sessions, RunLimits(http=HttpLimits.from_settings(settings)))

    async def run_once() -> dict[str, object]:
        run_id = await started(admin_client, tenant, workflow_id, incident_id)
        await runner.drain()
        return await instance(admin_client, tenant, run_id)

    operators = await run_once()
    applied = await admin_client.post(
        f"{where}/configurations/application", json=configuration({"allowed_hosts": "localhost"})
    )
    other_host = await run_once()
    smaller = await admin_client.post(
        f"{where}/configurations/application",
        json=configuration({"allowed_hosts": "127.0.0.1", "max_response_bytes": "100"}),
    )
    too_big = await run_once()
    saved = await admin_client.post(
        f"{where}/configurations", json=configuration({"allowed_hosts": "127.0.0.1"})
    )
    still_too_big = await run_once()
    # No settings given: the newest saved version (127.0.0.1, no size of its own) is applied.
    applied_again = await admin_client.post(
        f"{where}/configurations/application", json={"configuration": [{"list": [{}]}]}
    )
    finished = await run_once()

    assert [a.status_code for a in (applied, smaller, saved, applied_again)] == [200] * 4
    assert operators["status"] == "FINISHED", operators
    assert (other_host["status"], "workspace's allow-list" in str(other_host["error"])) == (
        "FAILED",
        True,
    )
    assert too_big["status"] == still_too_big["status"] == "FAILED"
    assert "100" in str(too_big["error"])
    assert finished["status"] == "FINISHED", finished


async def test_an_http_step_reads_the_configuration_once_until_it_changes(
    admin_client: httpx.AsyncClient,
    tenant: TenantInfo,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    app: FastAPI,
    port: int,
) -> None:
    where = f"{tenant.workspaces_path}/{tenant.workspace_id}/components/socdesk_http"
    url = f"http://127.0.0.1:{port}/hook"
    call = service_task("call", "http_request", method="GET", url=url)
    calling = chain("calling", ("call", call))
    workflow_id = await runnable(admin_client, tenant, calling, "calling")
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    runner = Runner(sessions, RunLimits(http=HttpLimits.from_settings(settings)))
    reads: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "FROM component_configurations" in statement:
            reads.append(statement)

    async def reads_of_a_run() -> int:
        reads.clear()
        await started(admin_client, tenant, workflow_id, incident_id)
        await runner.drain()
        return len(reads)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        first, second = await reads_of_a_run(), await reads_of_a_run()
        applied = await admin_client.post(
            f"{where}/configurations/application",
            json=configuration({"allowed_hosts": "127.0.0.1"}),
        )
        reads.clear()
        after_change = await reads_of_a_run()
    finally:
        event.remove(engine, "before_cursor_execute", note)

    assert applied.status_code == 200, applied.text
    assert (first, second, after_change) == (1, 0, 1)
