"""Playbook-triggered runs at volume (issue 14): `--alerts` alerts (10,000 by default)
batch-created in one `POST ~/soc/datapanel/Alert/data-objects/batch-create` with
`trigger_flag: true`, under an enabled EVENT playbook whose workflow (5 tasks on the alert:
tags, severity, status) every one of them matches. It prints the time of the request (the
runs are enqueued in its transaction) and the time until every run has finished, with runs/s.

On SQLite the runs are taken by `--runners` in-process runners (asyncio tasks, as the server
runs them); on PostgreSQL by `--workers` real `socdesk worker` processes. It checks that every
run finished (and says how many did not); it asserts nothing about time.

    .venv/bin/python bench/alert_triggers.py [--backend sqlite|postgresql|both] [--alerts 10000]
        [--runners 1] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

import objects as batch_bench
from common import Bench, backends, bench_app, database
from runs import running
from sqlalchemy import func, select

from socdesk.models import WorkflowRun
from socdesk.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.automation.runs.helpers import chain, service_task  # noqa: E402

ALERT_FIVE = chain(
    "alert five",
    ("t1", service_task("t1", "add_tag", tag="triaged")),
    ("t2", service_task("t2", "add_tag", tag="bench")),
    ("t3", service_task("t3", "set_severity", severity="High")),
    ("t4", service_task("t4", "set_status", status="Block")),
    ("t5", service_task("t5", "remove_tag", tag="bench")),
).replace('isExecutable="true"', 'isExecutable="true" socdesk:dataclass="Alert"')


async def _ok(response: Any) -> dict[str, Any]:
    answer = await response
    assert answer.status_code in (200, 201), answer.text[:500]
    body: dict[str, Any] = answer.json()
    return body


async def _playbook(bench: Bench) -> None:
    """The alert workflow activated and enabled, and an enabled playbook running it on every
    alert created (no rule)."""
    c, soc = bench.client, f"{bench.workspace_path}/soc"
    files = {"uploadFile": ("alert-five.bpmn", ALERT_FIVE.encode())}
    await _ok(c.post(f"{soc}/workflows/import", files=files))
    (workflow,) = (await _ok(c.get(f"{soc}/workflows", params={"name": "alert five"})))["data"]
    (version,) = (await _ok(c.get(f"{soc}/workflows/{workflow['id']}/versions")))["data"]
    await _ok(
        c.put(f"{soc}/workflows/versions/{version['id']}", json={"status": "pending_approval"})
    )
    await _ok(c.post(f"{soc}/workflows/versions/{version['id']}/approval", json={"result": "PASS"}))
    await _ok(c.put(f"{soc}/workflows/{workflow['id']}", json={"enabled": True}))
    playbook = (await _ok(c.post(f"{soc}/playbooks", json={"name": "every alert"})))["data"]["id"]
    body = {
        "dataclass_id": "Alert",
        "trigger_type": "EVENT",
        "dataobject_create": True,
        "rule_enable": False,
        "action_strategy": "ASYNC",
        "actions": [{"name": "five", "action_type": "AOP_WORKFLOW", "action_id": workflow["id"]}],
    }
    made = await _ok(c.post(f"{soc}/playbooks/{playbook}/versions", json=body))
    versions = f"{soc}/playbooks/versions/{made['data']['id']}"
    await _ok(c.put(versions, json={"status": "APPROVING"}))
    await _ok(c.post(f"{versions}/approval", json={"result": "PASS", "content": "ok"}))
    enable = {"enabled": True, "active_version_id": made["data"]["id"]}
    await _ok(c.put(f"{soc}/playbooks/{playbook}", json=enable))


async def _counts(bench: Bench) -> dict[str, int]:
    async with bench.app.state.sessionmaker() as session:
        rows = await session.execute(
            select(WorkflowRun.status, func.count()).group_by(WorkflowRun.status)
        )
        return {str(status): int(count) for status, count in rows.all()}


async def measure(bench: Bench, alerts: int, runners: int) -> None:
    await _playbook(bench)
    poll = Settings.model_fields["runner_poll_seconds"].default
    kind = "in-process runner(s)" if bench.url.startswith("sqlite") else "socdesk worker(s)"
    async with running(bench, runners, poll):
        began = time.perf_counter()
        await _ok(
            bench.client.post(
                f"{bench.workspace_path}/soc/datapanel/Alert/data-objects/batch-create",
                json={
                    "trigger_flag": True,
                    "data_object": [batch_bench.alert(n) for n in range(alerts)],
                },
            )
        )
        created = time.perf_counter() - began
        while True:
            counts = await _counts(bench)
            if not counts.get("RUNNING", 0) + counts.get("RETRYING", 0):
                break
            await asyncio.sleep(0.2)
        finished = time.perf_counter() - began
    done = counts.get("FINISHED", 0)
    print(
        f"  {runners} {kind}: batch-create of {alerts:,} alerts (trigger_flag true) answered in"
        f" {created:.2f} s; all {sum(counts.values()):,} runs ended {finished:.1f} s after it"
        " was sent"
        f" = {done / (finished - created):.0f} runs/s after the answer;"
        f" FINISHED {done:,}{'' if done == alerts else f' (NOT ALL: {counts})'}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--runners", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    for backend in backends(args.backend):
        print(f"{backend}: playbook-triggered 5-task runs")
        async with database(backend) as url, bench_app(url) as bench:
            runners = args.runners if backend == "sqlite" else args.workers
            await measure(bench, args.alerts, runners)


if __name__ == "__main__":
    asyncio.run(main())
