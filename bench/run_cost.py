"""What one 5-task run costs the runner (issue 14), whatever the machine's load: `--runs` runs
(one incident each) started through the API, then drained by one runner in this process, with
the statements it sent counted on the engine. It prints CPU milliseconds a run (this process's,
the SQLite driver's thread included; not PostgreSQL's server), statements a run and the
statements' own time a run, beside the wall time. It asserts nothing.

    .venv/bin/python bench/run_cost.py [--backend sqlite|postgresql|both] [--runs 200]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from common import backends, bench_app, database
from runs import _incident, _start, _workflow
from sqlalchemy import event

from socdesk.automation.runs.runner import Runner


async def measure(backend: str, runs: int) -> None:
    async with database(backend) as url, bench_app(url) as bench:
        workflow_id = await _workflow(bench)
        for incident_id in [await _incident(bench) for _ in range(runs)]:
            await _start(bench, workflow_id, incident_id)
        statements, in_statements = 0, 0.0
        engine = bench.app.state.engine.sync_engine

        @event.listens_for(engine, "before_cursor_execute")
        def before(conn: Any, *_: Any) -> None:
            conn.info["bench_began"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def after(conn: Any, *_: Any) -> None:
            nonlocal statements, in_statements
            statements += 1
            in_statements += time.perf_counter() - conn.info["bench_began"]

        began, cpu = time.perf_counter(), time.process_time()
        taken = await Runner(bench.app.state.sessionmaker).drain()
        elapsed, used = time.perf_counter() - began, time.process_time() - cpu
        print(
            f"  {backend}: {taken} runs drained by one runner: {used * 1000 / taken:.1f} ms CPU a"
            f" run, {statements / taken:.1f} statements a run ({in_statements * 1000 / taken:.1f}"
            f" ms in them), wall {elapsed * 1000 / taken:.1f} ms a run"
        )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    for backend in backends(args.backend):
        await measure(backend, args.runs)


if __name__ == "__main__":
    asyncio.run(main())
