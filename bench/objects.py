"""Seed 003's batch-create of 10,000 alerts through the API, beside the bare insert of the same
rows and audit events.

For each store (SQLite in a temporary directory; PostgreSQL in a freshly created database on the
server at SOCDESK_BENCH_POSTGRES_URL, dropped afterwards) it builds the schema with the
migrations and times, median of `--repeat` runs after a warm-up:

- the API: `POST ~/soc/datapanel/Alert/data-objects/batch-create` with 10,000 alerts
  (trigger_flag false), the wall time of the HTTP call in-process through ASGITransport — the
  JSON parse, every object checked against the Alert class, the documents completed, the rows
  and their 10,000 create events written, the answer serialised;
- bare: the same 10,000 object rows and 10,000 event rows, built in Python beforehand, written
  in one transaction the cheapest way each store takes many rows (COPY on PostgreSQL, one
  executemany INSERT on SQLite: kit/bulk.py `bulk_insert`), and nothing else.

It prints the seconds, the alerts/s, the ratio and its ceiling (3.0x), and on PostgreSQL the
target of 10,000 alerts/s (issue 13); "OVER" when the ratio is above its ceiling or the rate
below the target. It measures; it asserts nothing.

    .venv/bin/python bench/objects.py [--backend sqlite|postgresql|both] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import uuid
from typing import Any

from common import Bench, backends, bench_app, database
from sqlalchemy import select

from socdesk.classes.registry import ALERT
from socdesk.kit.bulk import bulk_insert
from socdesk.kit.clock import utcnow
from socdesk.kit.ids import time_ordered_uuids
from socdesk.models import DataObject, DataObjectEvent, User, Workspace

BATCH = 10_000
CEILING = 3.0
TARGET_PER_SECOND = 10_000  # alerts/s on PostgreSQL (issue 13)


def alert(n: int) -> dict[str, Any]:
    return {
        "title": f"Brute force on bastion {n}",
        "description": "Repeated failed SSH logins from one address.",
        "severity": ("Low", "Medium", "High", "Fatal")[n % 4],
        "handle_status": "Open",
        "alert_type": {"category": "Intrusion", "alert_type": "Brute force"},
        "data_source": {"source_type": 3, "product_name": "HSS", "product_feature": "login"},
        "first_observed_time": "2026-11-20T08:00:00.000Z",
        "labels": "ssh,bastion",
        "confidence": 80,
    }


async def api_run(bench: Bench) -> float:
    body = {
        "name": "bench",
        "type": "feed",
        "trigger_flag": False,
        "data_object": [alert(n) for n in range(BATCH)],
    }
    path = f"{bench.workspace_path}/soc/datapanel/Alert/data-objects/batch-create"
    # Encoded beforehand: the client's own JSON encoding is not the server's work.
    content = json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    started = time.perf_counter()
    response = await bench.client.post(path, content=content, headers=headers)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text[:500]
    assert len(response.json()) == BATCH
    return elapsed


def bare_rows(
    workspace_id: uuid.UUID, user: User
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What the API writes for 10,000 alerts, ready to insert."""
    now = utcnow()
    stamp = now.isoformat()
    class_id = uuid.UUID(ALERT.id)
    rows, events = [], []
    for object_id, event_id, n in zip(
        time_ordered_uuids(BATCH), time_ordered_uuids(BATCH), range(BATCH), strict=True
    ):
        data = {**alert(n), "id": str(object_id), "create_time": stamp, "update_time": stamp}
        rows.append(
            {
                "id": object_id,
                "workspace_id": workspace_id,
                "class_id": class_id,
                "data_object": data,
                "create_time": now,
                "update_time": now,
                "version": 1,
                "creator": user.email,
                "origin": "DATA_SOURCE",
                "title": data["title"],
                "severity": n % 4 + 1,
                "status": "Open",
                "incident_id": None,
            }
        )
        events.append(
            {
                "workspace_id": workspace_id,
                "id": event_id,
                "class_id": class_id,
                "object_id": object_id,
                "at": now,
                "changes": {},
                "snapshot": data,
                "action": "create",
                "actor_id": user.id,
                "actor_email": user.email,
                "request_id": "bench",
                "batch_name": "bench",
                "batch_type": "feed",
                "trigger_flag": False,
            }
        )
    return rows, events


async def bare_run(bench: Bench) -> float:
    sessions = bench.app.state.sessionmaker
    async with sessions.begin() as session:
        workspace = await session.scalar(select(Workspace).limit(1))
        user = await session.scalar(select(User).limit(1))
        assert workspace is not None
        assert user is not None
        rows, events = bare_rows(workspace.id, user)
    started = time.perf_counter()
    async with sessions.begin() as session:
        await bulk_insert(session, DataObject, rows)
        await bulk_insert(session, DataObjectEvent, events)
    return time.perf_counter() - started


async def run_backend(backend: str, repeat: int) -> tuple[float, float]:
    async with database(backend) as url, bench_app(url) as bench:
        await api_run(bench)  # warm-up
        await bare_run(bench)
        api = statistics.median([await api_run(bench) for _ in range(repeat)])
        bare = statistics.median([await bare_run(bench) for _ in range(repeat)])
    return api, bare


def report(backend: str, api: float, bare: float) -> None:
    ratio = api / bare
    rate = BATCH / api
    over = ratio > CEILING or (backend == "postgresql" and rate < TARGET_PER_SECOND)
    target = f"{TARGET_PER_SECOND:>10,}" if backend == "postgresql" else f"{'':>10}"
    print(f"\n  {backend}: batch-create of {BATCH:,} alerts, API vs. bare insert")
    header = (
        f"  {'operation':<28}{'API s':>8}{'bare s':>8}{'ratio':>8}{'ceiling':>9}"
        f"{'alerts/s':>10}{'target/s':>10}"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    print(
        f"  {'batch-create 10,000 alerts':<28}{api:>8.3f}{bare:>8.3f}{ratio:>7.2f}x"
        f"{CEILING:>8.1f}x{rate:>10,.0f}{target}{'  OVER' if over else ''}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be positive")
    for backend in backends(args.backend):
        report(backend, *asyncio.run(run_backend(backend, args.repeat)))
    print()


if __name__ == "__main__":
    main()
