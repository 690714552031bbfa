"""Workflow runs (issue 14): trigger-to-finish latency of a 5-task workflow at low load (p50,
p99; targets under 50 ms and 250 ms) and runs/s sustained with 1 and 2 runners (target 100/s
with 2 workers on PostgreSQL).

Runs are started through `POST ~/soc/workflows/{id}/instances` (the in-process ASGI client). On
SQLite they are taken by in-process runners (asyncio tasks, as the server runs them, woken by
the commit that enqueues a run); on PostgreSQL by real `socdesk worker` processes (procrastinate
jobs). Each run works on an incident of its own, as a SOC's runs do; `--same` runs all on one
incident are a side figure (they queue on that incident's row lock, so a second runner adds
nothing there). It prints the figures beside the targets; it asserts nothing.

    .venv/bin/python bench/runs.py [--backend sqlite|postgresql|both] [--runs 200] [--latency 50]
        [--same 100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from common import SECRET_KEY, Bench, backends, bench_app, database
from sqlalchemy import func, select

from socdesk.automation.runs.runner import RunLimits, Runner
from socdesk.models import WorkflowRun
from socdesk.settings import Settings

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


def _workers(url: str, count: int) -> list[subprocess.Popen[bytes]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCDESK_")}
    env.update(SOCDESK_SECRET_KEY=SECRET_KEY, SOCDESK_DATABASE_URL=url)
    command = [sys.executable, "-m", "socdesk", "worker"]
    return [
        subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(count)
    ]


def _cpu_seconds(processes: list[subprocess.Popen[bytes]]) -> float:
    """CPU time used so far by `processes` (Linux /proc), or by this process when none: the
    in-process runners' and the API's that starts the runs."""
    if not processes:
        return time.process_time()
    ticks = 0
    for process in processes:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


async def _throughput(
    bench: Bench, workflow_id: str, incident_ids: list[str], workers: list[subprocess.Popen[bytes]]
) -> tuple[float, float]:
    """Runs/s of one run per incident in `incident_ids`, all started at once, and the CPU
    milliseconds a run cost the runners."""
    began, cpu = time.perf_counter(), _cpu_seconds(workers)
    for incident_id in incident_ids:
        await _start(bench, workflow_id, incident_id)
    while await _open(bench):
        await asyncio.sleep(0.01)
    elapsed, used = time.perf_counter() - began, _cpu_seconds(workers) - cpu
    return len(incident_ids) / elapsed, used * 1000 / len(incident_ids)


@asynccontextmanager
async def running(
    bench: Bench, runners: int, poll: float
) -> AsyncIterator[list[subprocess.Popen[bytes]]]:
    """`runners` runners for the bench's store while the block runs: in-process ones on SQLite,
    real `socdesk worker` processes (yielded, for their CPU) on PostgreSQL."""
    stop = asyncio.Event()
    limits = RunLimits(max_steps=1000, timeout_seconds=3600, lease_seconds=30)
    processes: list[subprocess.Popen[bytes]] = []
    tasks = []
    if bench.url.startswith("sqlite"):
        tasks = [
            asyncio.create_task(Runner(bench.app.state.sessionmaker, limits).serve(stop, poll))
            for _ in range(runners)
        ]
    else:
        processes = _workers(bench.url, runners)
        await asyncio.sleep(3)  # the workers connect and listen
    try:
        yield processes
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)


async def _measure(
    bench: Bench, runners: int, runs: int, latency_runs: int, same: int, poll: float
) -> None:
    workflow_id = await _workflow(bench)
    incidents = [await _incident(bench) for _ in range(latency_runs + runs + 1)]
    async with running(bench, runners, poll) as processes:
        latencies = []
        for incident_id in incidents[:latency_runs]:
            began = time.perf_counter()
            await _start(bench, workflow_id, incident_id)
            while await _open(bench):
                await asyncio.sleep(0.001)
            latencies.append((time.perf_counter() - began) * 1000)
        spread, cpu = await _throughput(bench, workflow_id, incidents[latency_runs:-1], processes)
        one = (
            (await _throughput(bench, workflow_id, incidents[-1:] * same, processes))[0]
            if same
            else 0.0
        )
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    kind = "socdesk worker(s)" if processes else "in-process runner(s)"
    print(
        f"  {runners} {kind}: trigger-to-finish p50 {p50:.1f} ms"
        f"{' OVER' if p50 > 50 else ''}, p99 {p99:.1f} ms{' OVER' if p99 > 250 else ''};"
        f" {runs} runs on {runs} incidents: {spread:.0f} runs/s"
        f"{' OVER' if spread < 100 and kind == 'socdesk worker(s)' and runners == 2 else ''}"
        f" ({cpu:.1f} ms CPU a run in {'the workers' if processes else 'this process'});"
        f" side figure, {same} runs on one incident: {one:.0f} runs/s"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--latency", type=int, default=50)
    parser.add_argument("--same", type=int, default=100)
    # The in-process runners' poll (the server's SOCDESK_RUNNER_POLL_SECONDS by default).
    parser.add_argument(
        "--poll", type=float, default=Settings.model_fields["runner_poll_seconds"].default
    )
    args = parser.parse_args()
    for backend in backends(args.backend):
        print(f"{backend}: 5-task workflow")
        for runners in (1, 2):
            async with database(backend) as url, bench_app(url) as bench:
                await _measure(bench, runners, args.runs, args.latency, args.same, args.poll)


if __name__ == "__main__":
    asyncio.run(main())
