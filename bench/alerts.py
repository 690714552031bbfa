"""The alert scale benches of issue 13: batch-create beside the bare insert, one-at-a-time
creates, and the search page over 1,000,000 alerts in one workspace.

For each store (SQLite in a temporary directory; PostgreSQL in a freshly created database on the
server at SOCDESK_BENCH_POSTGRES_URL, dropped afterwards), built by the migrations:

- batch-create: seed 003's `POST ~/soc/datapanel/Alert/data-objects/batch-create` of 10,000
  alerts (trigger_flag false) beside the bare insert of the same rows and audit events —
  bench/objects.py's measure, run from here (ceiling 3x; target 10,000 alerts/s on PostgreSQL);
- sequential creates: `POST ~/soc/alerts` for `--create-seconds` to a real `socdesk serve` (one
  worker) on the store, over one connection sending one request at a time (wrk -c1, as
  bench/http_load.py drives it; wrk must be installed): creates/s (target 300/s), the p50
  latency (target under 10 ms), the p99 and the server's CPU time per create;
- batch-order: `--order` alerts (10,000 by default) batch-created, then made into one incident
  by one `POST ~/soc/alerts/batch-order` (set-based: a handful of statements whatever the
  count): its wall time, alerts/s, and the statements it ran (counted on the engine);
- search (`--search-rows`, PostgreSQL only unless `--search-sqlite`): that many alerts written
  straight into the store beforehand (COPY on PostgreSQL, as kit/bulk.py writes them, then
  ANALYZE), then `POST ~/soc/alerts/search` for a page of 100 filtered by severity and
  handle_status, sorted by create_time, with its total: p50 of `--repeat` calls for the first
  page (target under 100 ms on PostgreSQL) and for a page 10,000 rows deep. On PostgreSQL the
  plans of the page's two statements (rows and count) are printed with the indexes they use.

It prints the figures beside the targets ("OVER" when one is missed). It asserts nothing.

    .venv/bin/python bench/alerts.py [--backend sqlite|postgresql|both] [--repeat 5]
        [--create-seconds 10] [--order 10000] [--search-rows 1000000] [--search-sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from datetime import timedelta
from typing import Any

import http_load
import objects as batch_bench
import psycopg
from common import SECRET_KEY, Bench, _libpq, backends, bench_app, database
from sqlalchemy import event, select
from sqlalchemy.engine import make_url

from socdesk.classes.registry import ALERT
from socdesk.kit.bulk import bulk_insert
from socdesk.kit.clock import format_time, utcnow
from socdesk.kit.ids import time_ordered_uuids
from socdesk.models import DataObject, User, Workspace
from socdesk.objects.documents import promoted_values

CREATES_PER_SECOND = 300
CREATE_P50_MS = 10.0
SEARCH_P50_MS = 100.0
PAGE = 100
DEEP_OFFSET = 10_000
SEED_CHUNK = 50_000
SEVERITIES = ("Tips", "Low", "Medium", "High", "Fatal")
STATUSES = ("Open", "Block", "Closed")


def _ms(seconds: float) -> float:
    return seconds * 1000


def sequential_creates(bench: Bench, seconds: int) -> http_load.Figure:
    """`POST ~/soc/alerts` to a real `socdesk serve` (one worker) on the bench's store, over one
    connection sending one request at a time (wrk -c1), for `seconds` after a warm-up."""
    env = {
        "SOCDESK_DATABASE_URL": bench.url,
        "SOCDESK_SECRET_KEY": SECRET_KEY,
        "SOCDESK_ENVIRONMENT": "test",
        "SOCDESK_LOG_LEVEL": "WARNING",
    }
    wrk_args = argparse.Namespace(threads=1, connections=1, duration=seconds)
    body = {"data_object": batch_bench.alert(1)}
    route = http_load.Route(
        "sequential create", f"{bench.workspace_path}/soc/alerts", http_load.post_script(body)
    )
    headers = {"X-Auth-Token": str(bench.client.headers["X-Auth-Token"])}
    database_url = bench.url if make_url(bench.url).get_backend_name() == "postgresql" else None
    with http_load.running(http_load.socdesk_command(1), env, "/healthz") as server:
        return http_load.measure(server, route, headers, 1, wrk_args, database_url)


def _seed_rows(workspace_id: uuid.UUID, creator: str, start: int, count: int) -> list[Any]:
    """`count` alerts as the store keeps them, one a second back from now, cycling through
    every severity and handle status (a filter on one of each matches 1 in 15)."""
    now = utcnow()
    class_id = uuid.UUID(ALERT.id)
    rows = []
    for object_id, n in zip(time_ordered_uuids(count), range(start, start + count), strict=True):
        created = now - timedelta(seconds=n)
        stamp = format_time(created)
        data = {
            **batch_bench.alert(n),
            "severity": SEVERITIES[n % 5],
            "handle_status": STATUSES[n % 3],
            "id": str(object_id),
            "create_time": stamp,
            "update_time": stamp,
        }
        rows.append(
            {
                "id": object_id,
                "workspace_id": workspace_id,
                "class_id": class_id,
                "data_object": data,
                "create_time": created,
                "update_time": created,
                "version": 1,
                "creator": creator,
                "origin": "DATA_SOURCE",
                **promoted_values(ALERT, data),
            }
        )
    return rows


async def seed(bench: Bench, count: int) -> float:
    """`count` alerts written straight into the store; the seconds it took."""
    sessions = bench.app.state.sessionmaker
    async with sessions.begin() as session:
        workspace = await session.scalar(select(Workspace).limit(1))
        user = await session.scalar(select(User).limit(1))
        assert workspace is not None
        assert user is not None
        workspace_id, creator = workspace.id, user.email
    started = time.perf_counter()
    for start in range(0, count, SEED_CHUNK):
        rows = _seed_rows(workspace_id, creator, start, min(SEED_CHUNK, count - start))
        async with sessions.begin() as session:
            await bulk_insert(session, DataObject, rows)
    if bench.url.startswith("postgresql"):
        with psycopg.connect(_libpq(bench.url), autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE data_objects")
    return time.perf_counter() - started


def _search_body(offset: int) -> dict[str, Any]:
    return {
        "limit": PAGE,
        "offset": offset,
        "sort_by": "create_time",
        "order": "DESC",
        "condition": {
            "conditions": [
                {"name": "grave", "data": ["severity", "=", "High"]},
                {"name": "open", "data": ["handle_status", "=", "Open"]},
            ],
            "logics": ["grave", "and", "open"],
        },
    }


async def search_p50(bench: Bench, offset: int, repeat: int) -> tuple[float, int]:
    path = f"{bench.workspace_path}/soc/alerts/search"
    body = _search_body(offset)
    await bench.client.post(path, json=body)  # warm-up
    times, total = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = await bench.client.post(path, json=body)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text[:500]
        assert len(response.json()["data"]) <= PAGE
        total = response.json()["total"]
    return _ms(statistics.median(times)), total


async def batch_order(bench: Bench, count: int) -> tuple[float, int]:
    """Seconds and statements of one batch-order of `count` fresh alerts (batch-created in
    chunks of 10,000 beforehand)."""
    soc = f"{bench.workspace_path}/soc"
    ids: list[str] = []
    for start in range(0, count, 10_000):
        created = await bench.client.post(
            f"{soc}/datapanel/Alert/data-objects/batch-create",
            json={
                "data_object": [
                    batch_bench.alert(n) for n in range(start, min(count, start + 10_000))
                ]
            },
        )
        assert created.status_code == 200, created.text[:500]
        ids += [str(item["id"]) for item in created.json()]
    statements = 0

    def count_statement(*_: Any) -> None:
        nonlocal statements
        statements += 1

    engine = bench.app.state.engine.sync_engine
    body = {
        "ids": ids,
        "incident_content": {
            "title": "Spray against the VPN",
            "incident_type": {"category": "Intrusion", "incident_type": "Brute force"},
        },
    }
    event.listen(engine, "before_cursor_execute", count_statement)
    try:
        started = time.perf_counter()
        response = await bench.client.post(f"{soc}/alerts/batch-order", json=body)
        elapsed = time.perf_counter() - started
    finally:
        event.remove(engine, "before_cursor_execute", count_statement)
    assert response.status_code == 200, response.text[:500]
    assert len(response.json()["data"]["success_ids"]) == count
    return elapsed, statements


async def plans(bench: Bench) -> list[str]:
    """The PostgreSQL plans of the statements a first-page search runs on data_objects."""
    seen: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM data_objects" in statement:
            seen.append((statement, parameters))

    engine = bench.app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        await bench.client.post(f"{bench.workspace_path}/soc/alerts/search", json=_search_body(0))
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    lines = []
    with psycopg.connect(_libpq(bench.url)) as connection:
        for statement, parameters in seen:
            explained = connection.execute(
                "EXPLAIN (ANALYZE, COSTS OFF) " + statement,  # type: ignore[arg-type]
                parameters,
            ).fetchall()
            lines += [row[0] for row in explained] + [""]
    return lines


async def run_backend(backend: str, args: argparse.Namespace) -> None:
    api, bare = await batch_bench.run_backend(backend, args.repeat)
    batch_bench.report(backend, api, bare)
    async with database(backend) as url, bench_app(url) as bench:
        creates = sequential_creates(bench, args.create_seconds)
    over = creates.requests_per_second < CREATES_PER_SECOND or creates.p50_ms > CREATE_P50_MS
    print(f"\n  {backend}: sequential POST ~/soc/alerts to socdesk serve, {args.create_seconds} s")
    print(f"  {'creates/s':>10}{'target':>8}{'p50 ms':>9}{'target':>8}{'p99 ms':>9}{'cpu ms':>9}")
    print(
        f"  {creates.requests_per_second:>10,.0f}{CREATES_PER_SECOND:>8}{creates.p50_ms:>9.2f}"
        f"{CREATE_P50_MS:>8.0f}{creates.p99_ms:>9.2f}{creates.server_cpu_ms:>9.2f}"
        f"{'  OVER' if over else ''}"
    )
    async with database(backend) as url, bench_app(url) as bench:
        elapsed, statements = await batch_order(bench, args.order)
    print(f"\n  {backend}: one POST ~/soc/alerts/batch-order of {args.order:,} alerts")
    print(f"  {'seconds':>10}{'alerts/s':>10}{'statements':>12}")
    print(f"  {elapsed:>10.2f}{args.order / elapsed:>10,.0f}{statements:>12}")
    if backend == "sqlite" and not args.search_sqlite:
        return
    async with database(backend) as url, bench_app(url) as bench:
        seeded = await seed(bench, args.search_rows)
        first, total = await search_p50(bench, 0, args.repeat)
        deep, _ = await search_p50(bench, DEEP_OFFSET, args.repeat)
        explained = await plans(bench) if backend == "postgresql" else []
    target = SEARCH_P50_MS if backend == "postgresql" else None
    print(
        f"\n  {backend}: alert search over {args.search_rows:,} alerts (seeded in {seeded:.0f} s),"
        f" severity = High and handle_status = Open ({total:,} match), newest first, with total"
    )
    print(f"  {'page':<26}{'p50 ms':>9}{'target':>8}")
    for name, value in (("first 100", first), (f"100 at offset {DEEP_OFFSET:,}", deep)):
        shown = f"{target:>8.0f}" if target and name == "first 100" else f"{'':>8}"
        missed = target is not None and name == "first 100" and value > target
        print(f"  {name:<26}{value:>9.1f}{shown}{'  OVER' if missed else ''}")
    if explained:
        print("\n  plans of the first page's statements (EXPLAIN ANALYZE):")
        for line in explained:
            print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--create-seconds", type=int, default=10)
    parser.add_argument("--order", type=int, default=10_000)
    parser.add_argument("--search-rows", type=int, default=1_000_000)
    parser.add_argument("--search-sqlite", action="store_true")
    args = parser.parse_args()
    if min(args.repeat, args.create_seconds, args.order, args.search_rows) < 1:
        parser.error("--repeat, --create-seconds, --order and --search-rows must be positive")
    for backend in backends(args.backend):
        asyncio.run(run_backend(backend, args))
    print()


if __name__ == "__main__":
    main()
