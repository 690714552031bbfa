"""Alert CSV import throughput beside the incident import's, on SQLite and PostgreSQL.

For each store it prints, from the same run and the same store:
- the alert import through the API (`POST ~/soc/alerts/import`: parse, check against the
  Alert class, write the objects and their audit events), rows/second;
- the incident import of as many incidents through `POST ~/soc/incidents/import`, rows/second
  (issue 13: the alert import must reach at least the incident import's rows/s);
- the floor: the same alerts, already checked, stored with their audit events through the
  objects' change path (binary COPY on PostgreSQL, one executemany on SQLite), nothing to parse;
- the CPU seconds of each import: this process's, and on PostgreSQL its backends' (from /proc),
  which other work on a shared machine moves far less than the wall time.

    .venv/bin/python bench/import_objects.py [--rows 100000] [--backend both]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import os
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from common import _libpq, backends, bench_app, database
from import_incidents import build_file as incident_file
from import_incidents import generated_rows as incident_rows
from sqlalchemy import select
from sqlalchemy.engine import make_url

from socdesk.classes.registry import ALERT
from socdesk.iam.principal import AuthMethod, Principal
from socdesk.models import Project, Role, User, Workspace
from socdesk.objects.changes import Batch, ObjectChanges
from socdesk.transfer.class_columns import ClassColumns
from socdesk.transfer.importer import CHUNK_ROWS
from socdesk.transfer.writers import csv_bytes
from socdesk.workspaces.scope import WorkspaceScope

KEYS = [
    "title",
    "description",
    "severity",
    "handle_status",
    "alert_type.category",
    "alert_type.alert_type",
    "data_source.source_type",
    "data_source.product_name",
    "data_source.product_feature",
    "first_observed_time",
    "confidence",
    "owner",
    "labels",
    "network_list",
]
SEVERITIES = ["Tips", "Low", "Medium", "High", "Fatal"]
START = datetime(2026, 1, 1, tzinfo=UTC)


def alert_rows(count: int) -> list[list[Any]]:
    """The incident bench's rows, as alerts (the same text, so about the same bytes a row)."""
    text = "Repeated failed logins followed by a success from a new country. " * 8
    return [
        [
            f"Alert {i} on host-{i % 977}",
            text,
            SEVERITIES[i % 5],
            "Open",
            "Intrusion",
            "Brute force",
            3,
            "HSS",
            "login protection",
            (START + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            i % 101,
            f"analyst{i % 7}@example.com",
            "ssh,bastion",
            f'[{{"src_ip": "10.{i % 250}.0.1", "src_port": {1024 + i % 60000}}}]',
        ]
        for i in range(count)
    ]


def alert_objects(rows: list[list[Any]]) -> list[dict[str, Any]]:
    objects = []
    for row in rows:
        data: dict[str, Any] = {}
        for key, value in zip(KEYS, row, strict=True):
            parent, dot, child = key.partition(".")
            if dot:
                data.setdefault(parent, {})[child] = value
            else:
                data[key] = value
        data["network_list"] = [{"src_ip": "10.0.0.1", "src_port": 1024}]
        objects.append(data)
    return objects


async def floor(bench: Any, objects: list[dict[str, Any]]) -> float:
    """Store checked alerts and one event each through the change path, chunk by chunk as an
    import does, in a new workspace; rolled back."""
    async with bench.app.state.sessionmaker() as session, session.begin():
        user = (await session.scalars(select(User))).one()
        project = await session.get(Project, user.project_id)
        assert project is not None
        workspace = Workspace(project_id=project.id, name=f"floor-{uuid.uuid4().hex[:6]}")
        session.add(workspace)
        await session.flush()
        scope = WorkspaceScope(Principal(user, project, AuthMethod.token), workspace, Role.admin)
        changes = ObjectChanges(session, scope)
        started = time.perf_counter()
        for start in range(0, len(objects), CHUNK_ROWS):
            await changes.create(ALERT, objects[start : start + CHUNK_ROWS], Batch("bench"))
        elapsed = time.perf_counter() - started
        await session.rollback()
    return elapsed


async def one_store(backend: str, count: int) -> dict[str, Any]:
    columns = ClassColumns(ALERT).by_key
    rows = alert_rows(count)
    alerts_csv = csv_bytes([columns[k] for k in KEYS], rows)
    incidents_csv = incident_file("csv", incident_rows(count))
    async with database(backend) as url, bench_app(url) as bench:
        times: dict[str, Any] = {}
        for name, route, content in (
            ("alerts", "alerts", alerts_csv),
            ("incidents", "incidents", incidents_csv),
        ):
            server = ServerCpu(url)
            started, cpu = time.perf_counter(), time.process_time()
            response = await bench.client.post(
                f"{bench.workspace_path}/soc/{route}/import",
                files={"uploadFile": (f"{name}.csv", content)},
                timeout=None,
            )
            times[name] = time.perf_counter() - started
            times[f"{name}_cpu"] = (time.process_time() - cpu, server.used())
            if response.status_code != 200:
                raise SystemExit(f"{name} import failed: {response.status_code} {response.text}")
        times["floor"] = await floor(bench, copy.deepcopy(alert_objects(rows)))
    return {"backend": backend, "rows": count, "mb": len(alerts_csv) / 1e6, **times}


class ServerCpu:
    """CPU seconds PostgreSQL's backends serving the bench's database use from now on (read
    from /proc: Linux, the server on this machine); None elsewhere. With the process's own CPU
    time, a figure that other work on a shared machine hardly moves, unlike wall time."""

    def __init__(self, url: str) -> None:
        self.pids: list[int] = []
        if not url.startswith("postgresql") or not os.path.isdir("/proc"):
            return
        name = make_url(url).database
        with psycopg.connect(_libpq(url), autocommit=True) as admin:
            rows = admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            self.pids = [pid for (pid,) in rows]
        self.start = self._total()

    def _total(self) -> float:
        ticks = 0
        for pid in self.pids:
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def used(self) -> float | None:
        return self._total() - self.start if self.pids else None


def report(results: list[dict[str, Any]]) -> None:
    print(
        f"{'store':<11}{'rows':>8}{'MB':>7}{'alerts':>10}{'rows/s':>9}"
        f"{'incidents':>11}{'rows/s':>9}{'floor':>9}{'rows/s':>9}{'alerts/floor':>14}"
    )
    for r in results:
        n = r["rows"]
        print(
            f"{r['backend']:<11}{n:>8}{r['mb']:>7.1f}{r['alerts']:>9.2f}s{n / r['alerts']:>9.0f}"
            f"{r['incidents']:>10.2f}s{n / r['incidents']:>9.0f}{r['floor']:>8.2f}s"
            f"{n / r['floor']:>9.0f}{r['alerts'] / r['floor']:>13.1f}x"
            + ("" if r["alerts"] <= r["incidents"] else "  SLOWER than incidents")
        )
    print("CPU seconds per import (this process; PostgreSQL's backends where readable):")
    for r in results:
        for name in ("alerts", "incidents"):
            own, server = r[f"{name}_cpu"]
            shown = "" if server is None else f", server {server:.2f}s"
            print(f"  {r['backend']:<11}{name:<10} process {own:.2f}s{shown}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    report([asyncio.run(one_store(store, args.rows)) for store in backends(args.backend)])


if __name__ == "__main__":
    main()
