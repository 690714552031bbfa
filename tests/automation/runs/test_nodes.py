"""A real `socdesk worker` process is a running node while it lives, and is not once it
stops (SIGTERM: it deletes its own row)."""

from __future__ import annotations

import signal

import httpx

from socdesk.automation.components import HTTP
from socdesk.settings import Settings
from tests.automation.runs.test_worker_process import _until, _worker
from tests.factories import TenantInfo


async def test_a_worker_process_is_listed_while_it_runs_and_not_once_stopped(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, settings: Settings
) -> None:
    nodes = f"{tenant.workspaces_path}/{tenant.workspace_id}/components/{HTTP.name}/running-nodes"
    worker = _worker(settings.database_url)
    listed: list[dict[str, object]] = []

    async def listed_now() -> bool:
        listed[:] = (await admin_client.get(nodes)).json()["records"]
        return any(str(r["node_name"]).endswith(f":{worker.pid}") for r in listed)

    try:
        await _until(listed_now, 60)
    finally:
        worker.send_signal(signal.SIGTERM)
        stopped = worker.wait(timeout=60)
    after = (await admin_client.get(nodes)).json()

    (node,) = [r for r in listed if str(r["node_name"]).endswith(f":{worker.pid}")]
    assert (node["specification"], node["config_status"]) == ("worker", "APPLIED")
    assert stopped == 0
    assert after == {"count": 0, "records": []}
