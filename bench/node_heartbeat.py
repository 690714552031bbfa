"""What a runner node's heartbeat costs (docs/workflows.md "Running nodes"): `--beats` beats of
one node (each its own transaction: the UPSERT and the day-old prune), with `--nodes` other
live nodes in the table. It prints CPU and wall milliseconds a beat; a node beats every 15 s,
so the share of one core is the CPU a beat / 15 s. It asserts nothing.

    .venv/bin/python bench/node_heartbeat.py [--backend sqlite|postgresql|both] [--beats 500]
"""

from __future__ import annotations

import argparse
import asyncio
import time

from common import backends, bench_app, database

from socdesk.automation.runs.nodes import HEARTBEAT_SECONDS, Node, NodeKind, beat


async def measure(backend: str, beats: int, nodes: int) -> None:
    async with database(backend) as url, bench_app(url) as bench:
        sessions = bench.app.state.sessionmaker
        for _ in range(nodes):
            await beat(sessions, Node.this_process(NodeKind.worker))
        node = Node.this_process(NodeKind.worker)
        await beat(sessions, node)
        began, cpu = time.perf_counter(), time.process_time()
        for _ in range(beats):
            await beat(sessions, node)
        elapsed, used = time.perf_counter() - began, time.process_time() - cpu
        per_beat = used * 1000 / beats
        print(
            f"  {backend}: {beats} beats, {nodes} other nodes: {per_beat:.2f} ms CPU a beat,"
            f" wall {elapsed * 1000 / beats:.2f} ms a beat;"
            f" {per_beat / (HEARTBEAT_SECONDS * 1000) * 100:.4f}% of a core at one beat"
            f" every {HEARTBEAT_SECONDS:g} s"
        )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--beats", type=int, default=500)
    parser.add_argument("--nodes", type=int, default=20)
    args = parser.parse_args()
    for backend in backends(args.backend):
        await measure(backend, args.beats, args.nodes)


if __name__ == "__main__":
    asyncio.run(main())
