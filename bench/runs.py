"""Workflow runs (issue 14): trigger-to-finish latency of a 5-task workflow at low load (p50,
p99; targets under 50 ms and 250 ms) and runs/s sustained with 1 and 2 runners (target 100/s
with 2 workers on PostgreSQL).

Runs are started through `POST ~/soc/workflows/{id}/instances` (the in-process ASGI client) and
taken by runners in this process (asyncio tasks, each with its own sessions: on SQLite that is
the server's in-process runner; on PostgreSQL it stands for `socdesk worker` processes, which
share nothing but the database). It prints the figures beside the targets; it asserts nothing.

    .venv/bin/python bench/runs.py [--backend sqlite|postgresql|both] [--runs 200] [--latency 50]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from pathlib import Path

from common import Bench, backends, bench_app, database
from sqlalchemy import func, select

from socdesk.automation.runs.runner import RunLimits, Runner
from socdesk.models import WorkflowRun

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.automation.runs.helpers import chain, service_task  # noqa: E402
from tests.secmaster.incidents.payloads import incident_object  # noqa: E402

FIVE = chain(
    "bench five",
    ("t1", service_task("t1", "add_tag", tag="one")),
    ("t2", service_task("t2", "add_tag", tag="two")),
    ("t3", service_task("t3", "set_severity", severity="High")),
    ("t4", service_task("t4", "add_note", text="benched")),
    ("t5", service_task("t5", "remove_tag", tag="one")),
)


async def _workflow(bench: Bench) -> str:
    path = f"{bench.workspace_path}/soc/workflows"
    c = bench.client
    r = await c.post(f"{path}/import", files={"uploadFile": ("five.bpmn", FIVE.encode())})
    assert r.status_code == 200, r.text
    (workflow,) = (await c.get(path, params={"name": "bench five"})).json()["data"]
    (version,) = (await c.get(f"{path}/{workflow['id']}/versions")).json()["data"]
    await c.put(f"{path}/versions/{version['id']}", json={"status": "pending_approval"})
    await c.post(f"{path}/versions/{version['id']}/approval", json={"result": "PASS"})
    return str(workflow["id"])


async def _incident(bench: Bench) -> str:
    r = await bench.client.post(
        f"{bench.workspace_path}/soc/incidents", json={"data_object": incident_object()}
    )
    assert r.status_code == 200, r.text
    return str(r.json()["data"]["id"])


async def _start(bench: Bench, workflow_id: str, incident_id: str) -> uuid.UUID:
    r = await bench.client.post(
        f"{bench.workspace_path}/soc/workflows/{workflow_id}/instances",
        json={"playbook_context": {"data_object": {"content": {"id": incident_id}}}},
    )
    assert r.status_code == 200, r.text
    return uuid.UUID(r.json()["action_instance_id"])


async def _open(bench: Bench) -> int:
    async with bench.app.state.sessionmaker() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(WorkflowRun)
                .where(WorkflowRun.status.in_(["RUNNING", "RETRYING"]))
            )
            or 0
        )


async def _measure(bench: Bench, runners: int, runs: int, latency_runs: int) -> None:
    workflow_id = await _workflow(bench)
    incident_id = await _incident(bench)
    stop = asyncio.Event()
    limits = RunLimits(max_steps=1000, timeout_seconds=3600, lease_seconds=30)
    tasks = [
        asyncio.create_task(Runner(bench.app.state.sessionmaker, limits).serve(stop, 0.005))
        for _ in range(runners)
    ]
    try:
        latencies = []
        for _ in range(latency_runs):
            began = time.perf_counter()
            await _start(bench, workflow_id, incident_id)
            while await _open(bench):
                await asyncio.sleep(0.001)
            latencies.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        for _ in range(runs):
            await _start(bench, workflow_id, incident_id)
        while await _open(bench):
            await asyncio.sleep(0.01)
        elapsed = time.perf_counter() - began
    finally:
        stop.set()
        await asyncio.gather(*tasks)
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(
        f"  {runners} runner(s): trigger-to-finish p50 {p50:.1f} ms"
        f"{' OVER' if p50 > 50 else ''}, p99 {p99:.1f} ms{' OVER' if p99 > 250 else ''};"
        f" {runs} runs (one incident) in {elapsed:.2f} s = {runs / elapsed:.0f} runs/s"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--latency", type=int, default=50)
    args = parser.parse_args()
    for backend in backends(args.backend):
        print(f"{backend}: 5-task workflow")
        for runners in (1, 2):
            async with database(backend) as url, bench_app(url) as bench:
                await _measure(bench, runners, args.runs, args.latency)


if __name__ == "__main__":
    asyncio.run(main())
