"""Import throughput: 100,000 generated incidents from CSV and from XLSX, on SQLite and PostgreSQL.

For each store and format it prints, from the same run:
- end to end: the import request through the API (parse, validate, write, audit), rows/second;
- (a) parse only: reading the file's rows, nothing else;
- (b) write only: the import's writer storing the already-validated rows and their audit
  events (binary COPY on PostgreSQL, executemany on SQLite), with nothing to overlap;
- the ratio of end to end over (a) + (b), the floor any importer pays;
- the peak RSS of the server process that served the import (a real `socdesk serve`).
- PostgreSQL only: the database's own floor, storing the same rows and events from a temporary
  table (INSERT ... SELECT, no Python per row), with random and with ascending ids.
Targets (2 cores, PostgreSQL, issue 12): CSV >= 40,000 rows/s, XLSX >= 25,000 rows/s; peak RSS
under 400 MB (CSV) and 800 MB (XLSX).

    .venv/bin/python bench/import_incidents.py [--rows 100000] [--backend both] [--format both]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from common import bench_app, database
from sqlalchemy import select, text

from socdesk.iam.principal import AuthMethod, Principal
from socdesk.incidents.changes import IncidentChanges
from socdesk.incidents.mapping import sent_fields
from socdesk.incidents.new_rows import ROW_COLUMNS, NewIncidentRows
from socdesk.incidents.record import IncidentObject
from socdesk.kit.bulk import CopyStream
from socdesk.kit.clock import utcnow
from socdesk.kit.gc_pause import gc_paused
from socdesk.kit.ids import new_uuids
from socdesk.models import Project, Role, User, Workspace
from socdesk.transfer.cells import cell_reader
from socdesk.transfer.columns import COLUMNS_BY_KEY
from socdesk.transfer.importer import CHUNK_ROWS
from socdesk.transfer.readers import csv_rows, xlsx_rows
from socdesk.transfer.sink import IncidentSink
from socdesk.transfer.writers import csv_bytes, xlsx_bytes
from socdesk.transfer.xlsx_checks import XlsxLimits
from socdesk.workspaces.scope import WorkspaceScope

KEYS = [
    "title",
    "description",
    "severity",
    "handle_status",
    "incident_type.category",
    "incident_type.incident_type",
    "data_source.source_type",
    "data_source.product_name",
    "data_source.product_feature",
    "first_observed_time",
    "confidence",
    "criticality",
    "owner",
    "labels",
    "network_list",
]
SEVERITIES = ["Tips", "Low", "Medium", "High", "Fatal"]
START = datetime(2026, 1, 1, tzinfo=UTC)
TARGETS = {("postgresql", "csv"): 40_000, ("postgresql", "xlsx"): 25_000}
RSS_CEILINGS_MB = {"csv": 400, "xlsx": 800}


def generated_rows(count: int) -> list[list[Any]]:
    """About 1.2 KB per incident once written, like the ground-truth measurements."""
    text = "Repeated failed logins followed by a success from a new country. " * 8
    return [
        [
            f"Incident {i} on host-{i % 977}",
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
            i % 97,
            f"analyst{i % 7}@example.com",
            "ssh,bastion",
            f'[{{"src_ip": "10.{i % 250}.0.1", "src_port": {1024 + i % 60000}}}]',
        ]
        for i in range(count)
    ]


def build_file(kind: str, rows: list[list[Any]]) -> bytes:
    columns = [COLUMNS_BY_KEY[k] for k in KEYS]
    return csv_bytes(columns, rows) if kind == "csv" else xlsx_bytes(columns, rows)


def parse_only(kind: str, content: bytes) -> float:
    started = time.perf_counter()
    limits = XlsxLimits(1 << 31, 1000)
    reader = (
        csv_rows(io.BytesIO(content)) if kind == "csv" else xlsx_rows(io.BytesIO(content), limits)
    )
    for _ in reader:
        pass
    return time.perf_counter() - started


def validated(rows: list[list[Any]]) -> list[IncidentObject]:
    readers = [cell_reader(COLUMNS_BY_KEY[k]) for k in KEYS]
    objects = []
    for row in rows:
        data: dict[str, Any] = {}
        for key, read, cell in zip(KEYS, readers, row, strict=True):
            parent, dot, child = key.partition(".")
            value = read(cell)
            if dot:
                data.setdefault(parent, {})[child] = value
            else:
                data[key] = value
        objects.append(IncidentObject.model_validate(data))
    return objects


async def write_only(bench: Any, objects: list[IncidentObject]) -> float:
    """Write the validated incidents and their audit rows as an import does (its sink: rows
    built from the sent fields, binary COPY / executemany, the counter, the events), timing
    only that."""
    async with bench.app.state.sessionmaker.begin() as session:
        user = (await session.scalars(select(User))).one()
        project = await session.get(Project, user.project_id)
        assert project is not None
        workspace = Workspace(project_id=project.id, name=f"write-only-{uuid.uuid4().hex[:6]}")
        session.add(workspace)
        await session.flush()
        scope = WorkspaceScope(Principal(user, project, AuthMethod.token), workspace, Role.admin)
        sink = IncidentSink(IncidentChanges(session, scope), "bench")
        fields = [(sent_fields(o), None) for o in objects]
        started = time.perf_counter()
        with gc_paused():  # as in an import
            for start in range(0, len(fields), CHUNK_ROWS):
                await sink.write(fields[start : start + CHUNK_ROWS])
            await sink.finish()
        elapsed = time.perf_counter() - started
    return elapsed


async def server_floor(bench: Any, objects: list[IncidentObject], ordered: bool) -> float:
    """PostgreSQL only: the time the database alone takes to store the same incidents and one
    event each, from a temporary table already holding the rows (no Python per row, no
    network): INSERT ... SELECT into incidents, then into incident_events; rolled back. With
    `ordered`, the ids ascend as an import makes them (kit/ids.py); else random (version 4)."""

    async with bench.app.state.sessionmaker() as session, session.begin():
        user = (await session.scalars(select(User))).one()
        project = await session.get(Project, user.project_id)
        assert project is not None
        workspace = Workspace(project_id=project.id, name=f"floor-{uuid.uuid4().hex[:6]}")
        session.add(workspace)
        await session.flush()
        scope = WorkspaceScope(Principal(user, project, AuthMethod.token), workspace, Role.admin)
        builder = NewIncidentRows(scope, utcnow())
        ids = new_uuids(len(objects))
        if ordered:
            # One leading prefix (as one millisecond's version 7 ids share), then ascending.
            ids = sorted(uuid.UUID(int=(i.int & ~(0xFFFF << 112)) | 0x019A << 112) for i in ids)
        rows = [builder.build(sent_fields(o), n + 1, ids[n]) for n, o in enumerate(objects)]
        await session.execute(text("CREATE TEMPORARY TABLE floor_rows (LIKE incidents)"))

        class FloorRows:
            __tablename__ = "floor_rows"

        stream = CopyStream(session, FloorRows, ROW_COLUMNS)
        await stream.write(rows)
        await stream.close()
        names = ", ".join(f'"{n}"' for n in ROW_COLUMNS)
        started = time.perf_counter()
        await session.execute(
            text(f"INSERT INTO incidents ({names}) SELECT {names} FROM floor_rows")  # noqa: S608
        )
        await session.execute(
            text(
                "INSERT INTO incident_events (id, workspace_id, incident_id, action, actor_id,"
                " actor_email, source, at, changes) SELECT id, workspace_id, id, 'import',"
                " opened_by_id, 'bench', 'bench', update_time, '{}' FROM floor_rows"
            )
        )
        elapsed = time.perf_counter() - started
        await session.rollback()
    return elapsed


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _peak_rss_mb(pid: int) -> float:
    """The process's high-water mark of resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _serve(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SOCDESK_DATABASE_URL": url,
        "SOCDESK_SECRET_KEY": "bench-secret-key-0123456789",
        "SOCDESK_IMPORT_MAX_ROWS": "1000000",
        "SOCDESK_IMPORT_MAX_BYTES": str(1 << 30),
        # 100,000 rows of XLSX expand to about 140 MB of XML, over the 128 MiB default.
        "SOCDESK_XLSX_MAX_UNCOMPRESSED_BYTES": str(512 << 20),
        "SOCDESK_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "socdesk", "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz")
            return server
        except httpx.TransportError:
            time.sleep(0.05)
    server.kill()
    raise SystemExit("the server did not start")


async def one_case(backend: str, kind: str, count: int) -> dict[str, Any]:
    """Import through a real server process (so its own peak RSS can be read), then time the
    parse-only and write-only floors here."""
    rows = generated_rows(count)
    content = build_file(kind, rows)
    parse_seconds = parse_only(kind, content)
    async with database(backend) as url, bench_app(url) as bench:
        port = _free_port()
        server = _serve(url, port)
        try:
            token = bench.client.headers["X-Auth-Token"]
            started = time.perf_counter()
            response = httpx.post(
                f"http://127.0.0.1:{port}{bench.workspace_path}/soc/incidents/import",
                files={"uploadFile": (f"bench.{kind}", content)},
                headers={"X-Auth-Token": token},
                timeout=None,
            )
            end_to_end = time.perf_counter() - started
            peak_rss = _peak_rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait()
        if response.status_code != 200:
            raise SystemExit(f"import failed: {response.status_code} {response.text[:500]}")
        objects = validated(rows)
        write_seconds = await write_only(bench, objects)
        floors = {}
        if backend == "postgresql":
            floors = {
                "floor_random": await server_floor(bench, objects, ordered=False),
                "floor_ordered": await server_floor(bench, objects, ordered=True),
            }
    return {
        **floors,
        "backend": backend,
        "format": kind,
        "rows": count,
        "mb": len(content) / 1e6,
        "end_to_end": end_to_end,
        "parse": parse_seconds,
        "write": write_seconds,
        "peak_rss_mb": peak_rss,
    }


def report(results: list[dict[str, Any]]) -> None:
    print(
        f"{'store':<11}{'format':<7}{'rows':>8}{'MB':>7}{'end-to-end':>12}{'rows/s':>9}"
        f"{'target':>8}{'parse':>8}{'write':>8}{'e2e/(a+b)':>10}{'peak RSS':>10}{'ceiling':>9}"
    )
    for r in results:
        rate = r["rows"] / r["end_to_end"]
        target = TARGETS.get((r["backend"], r["format"]))
        ratio = r["end_to_end"] / (r["parse"] + r["write"])
        ceiling = RSS_CEILINGS_MB[r["format"]]
        flag = " OVER" if r["peak_rss_mb"] > ceiling else ""
        short = " SHORT" if target and rate < target else ""
        print(
            f"{r['backend']:<11}{r['format']:<7}{r['rows']:>8}{r['mb']:>7.1f}"
            f"{r['end_to_end']:>11.2f}s{rate:>9.0f}{(target or 0):>8}{r['parse']:>7.2f}s"
            f"{r['write']:>7.2f}s{ratio:>9.1f}x{r['peak_rss_mb']:>8.0f}MB{ceiling:>7}MB{flag}{short}"
        )
    for r in results:
        if "floor_ordered" in r:
            print(
                f"{r['backend']} {r['format']}: the database alone (INSERT ... SELECT of the same"
                f" rows and events): {r['floor_random']:.2f}s with random ids"
                f" ({r['rows'] / r['floor_random']:,.0f} rows/s), {r['floor_ordered']:.2f}s with"
                f" ascending ids ({r['rows'] / r['floor_ordered']:,.0f} rows/s)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--format", choices=["csv", "xlsx", "both"], default="both")
    parser.add_argument("--one", nargs=2, metavar=("BACKEND", "FORMAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(asyncio.run(one_case(args.one[0], args.one[1], args.rows))))
        return
    stores = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    kinds = ["csv", "xlsx"] if args.format == "both" else [args.format]
    results = []
    for store in stores:
        for kind in kinds:
            # Each case in its own process, so its peak RSS is its own.
            done = subprocess.run(
                [sys.executable, __file__, "--one", store, kind, "--rows", str(args.rows)],
                capture_output=True,
                text=True,
                check=True,
            )
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    report(results)


if __name__ == "__main__":
    main()
