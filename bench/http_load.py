"""The HTTP request path under load: SOCdesk beside a bare FastAPI app, same server, same run.

In one run it creates a fresh PostgreSQL database (on the server at SOCDESK_BENCH_POSTGRES_URL,
dropped afterwards, as bench/common.py does), migrates it, seeds one tenant and `--incidents`
incidents through `IncidentService.create_many`, then for each worker count (1 and 2):

- serves the bare app of bench/http_bare.py the way `socdesk serve` serves SOCdesk, and drives
  with wrk its GET answering ~1 KB of JSON ("bare GET") and its GET doing only the two reads a
  SOCdesk GET needs, the token's row and the incident's row ("bare 2 reads": the floor of the
  database work through the same engine), and the same two statements sent straight to the
  psycopg connection ("bare 2 raw reads");
- starts a real `socdesk serve --workers N` on the database and drives, one after the other,
  GET incident (`~/soc/incidents/{id}`), GET register row (`/v1/incidents/INC-00001`), search
  (`POST ~/soc/incidents/search`, ten rows of High severity) and create (`POST ~/soc/incidents`).

Each figure is wrk at `--connections` (32) after a short warm-up: requests/s, p50 and p99, the
answers that were not 2xx (should be 0), the CPU time per answer of the server's processes and
of the database backends serving them (from /proc: these hold when other work shares the
machine, requests/s does not), and the ratio of requests/s to the bare app's with the same
worker count ("of bare") and to the bare app's two reads ("of floor"), beside the targets of
issue 12 (GET >= 50% of bare; register GET and search
>= 25%; p99 < 20 ms on one worker; 2 workers >= 1.7x one on GET). It measures; it asserts
nothing. wrk must be installed (`apt-get install -y wrk`); wrk itself takes CPU from the server
on a small machine, so compare the ratios of one run rather than absolute figures. (The file is
not called bench/http.py: that name would shadow the standard library's `http` for every script
in this folder.)

    .venv/bin/python bench/http_load.py [--incidents 5000] [--duration 10] [--workers 1,2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from common import PASSWORD, SECRET_KEY, database
from sqlalchemy import text
from sqlalchemy.engine import make_url

from socdesk.app import create_app
from socdesk.iam.accounts import AccountService
from socdesk.iam.principal import AuthMethod, Principal
from socdesk.iam.service import AuthService
from socdesk.incidents.record import IncidentObject
from socdesk.incidents.service import IncidentService
from socdesk.kit.clock import format_time
from socdesk.models import Role
from socdesk.settings import Environment, Settings
from socdesk.workspaces.scope import WorkspaceScope

HERE = Path(__file__).resolve().parent
CHUNK = 5000
WARM_UP_SECONDS = 2
FLOOR = "bare 2 reads"
RAW_FLOOR = "bare 2 raw reads"
TARGETS = {"GET incident": 0.50, "GET register row": 0.25, "search": 0.25}
P99_TARGET_MS = 20.0
SCALE_TARGET = 1.7
START = datetime(2026, 9, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Seeded:
    url: str
    token: str
    incidents_path: str
    incident_id: uuid.UUID


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    # A wrk Lua script for a request with a method and body; None for a plain GET.
    script: str | None = None


@dataclass(frozen=True)
class Figure:
    workers: int
    route: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    failures: int
    # CPU time per answer of the server's processes, and of the database's backends serving
    # them: unlike requests/s these hold on a machine shared with other work.
    server_cpu_ms: float = 0.0
    database_cpu_ms: float = 0.0


@dataclass(frozen=True)
class Server:
    base: str
    # The server's process group: its supervisor and every worker.
    group: int


# --- seeding -------------------------------------------------------------------------------------


def incident_object(rng: random.Random, number: int) -> dict[str, Any]:
    observed = START + timedelta(seconds=rng.randrange(60 * 24 * 3600))
    return {
        "title": f"Brute force against sshd on host-{number % 997:04d}",
        "description": "Seen by the host sensor; the sources are in network_list.",
        "incident_type": {"category": "Brute force", "incident_type": "SSH brute force"},
        "severity": rng.choice(["Tips", "Low", "Medium", "High", "Fatal"]),
        "handle_status": "Open",
        "confidence": rng.randint(0, 100),
        "owner": f"analyst{rng.randrange(12)}@soc.example",
        "data_source": {"source_type": 3, "product_name": "HSS", "product_feature": "login"},
        "first_observed_time": format_time(observed),
        "create_time": format_time(observed + timedelta(seconds=rng.randrange(3600))),
        "network_list": [{"src_ip": f"203.0.113.{rng.randrange(256)}", "dest_port": "22"}],
    }


async def seed(url: str, count: int) -> Seeded:
    """One tenant with `count` incidents (created through the domain service) and a token."""
    settings = Settings(
        environment=Environment.test, database_url=url, secret_key=SECRET_KEY, log_level="WARNING"
    )
    app = create_app(settings)
    rng = random.Random(12)
    ids: list[uuid.UUID] = []
    started = time.perf_counter()
    try:
        async with app.state.sessionmaker.begin() as session:
            tenant = await AccountService(session).bootstrap(
                "bench", "main", "bench@socdesk.example", PASSWORD
            )
            token = await AuthService(session, settings).issue_session_token(
                tenant.user, tenant.project
            )
        principal = Principal(tenant.user, tenant.project, AuthMethod.token)
        for start in range(0, count, CHUNK):
            objects = [
                IncidentObject.model_validate(incident_object(rng, start + n))
                for n in range(min(CHUNK, count - start))
            ]
            async with app.state.sessionmaker.begin() as session:
                scope = WorkspaceScope(principal, tenant.workspace, Role.admin)
                ids += await IncidentService(session, scope).create_many(objects)
        async with app.state.engine.begin() as connection:
            await connection.execute(text("ANALYZE"))
    finally:
        await app.state.engine.dispose()
    elapsed = time.perf_counter() - started
    print(f"seeded {count:,} incidents in {elapsed:.1f}s")
    path = f"/v1/{tenant.project.id.hex}/workspaces/{tenant.workspace.id}/soc/incidents"
    return Seeded(url, token.value, path, ids[len(ids) // 2])


def libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


# --- servers -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_ready(base: str, path: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            if httpx.get(base + path, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"the server at {base} did not answer {path}")


@contextmanager
def running(command: list[str], env: dict[str, str], ready_path: str) -> Iterator[Server]:
    """A server started with `command` (which takes --port), its base URL; stopped after."""
    port = free_port()
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base, ready_path, process)
        yield Server(base, process.pid)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def bare_command(workers: int) -> list[str]:
    return [sys.executable, str(HERE / "http_bare.py"), "--workers", str(workers)]


def socdesk_command(workers: int) -> list[str]:
    return [str(Path(sys.executable).parent / "socdesk"), "serve", "--workers", str(workers)]


# --- wrk -----------------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _milliseconds(text_value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text_value).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_wrk(output: str, workers: int, route: str) -> Figure:
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"50%\s+([\d.]+(?:us|ms|s))", output).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+(?:us|ms|s))", output).group(1)  # type: ignore[union-attr]
    failed = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    if errors:
        print("   ", errors.group(0))
    return Figure(
        workers,
        route,
        rate,
        _milliseconds(p50),
        _milliseconds(p99),
        int(failed.group(1)) if failed else 0,
    )


def wrk(
    url: str, route: Route, headers: dict[str, str], seconds: int, args: argparse.Namespace
) -> str:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if route.script:
            script.write(route.script)
            script.flush()
            command += ["-s", script.name]
        done = subprocess.run([*command, url + route.path], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed: {done.stderr}")
    return done.stdout


# --- CPU time, from /proc (Linux) ----------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> list[str] | None:
    try:
        text_value = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The fields after the command name, which may hold spaces: state is [0], pgrp [2],
    # utime [11], stime [12].
    return text_value.rpartition(")")[2].split()


def cpu_by_pid(pids: set[int] | None = None, group: int | None = None) -> dict[int, float]:
    """CPU seconds of each process in `pids`, or of each process of process group `group`."""
    found: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or (pids is not None and int(entry.name) not in pids):
            continue
        fields = _stat(entry.name)
        if fields is None or (group is not None and int(fields[2]) != group):
            continue
        found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICK
    return found


def database_backends(url: str) -> set[int]:
    """The PostgreSQL backends connected to the bench database (but this query's own)."""
    with psycopg.connect(libpq_url(url), autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        ).fetchall()
    return {int(row[0]) for row in rows}


@dataclass
class CpuMeter:
    """CPU seconds spent by a server's processes and the database's backends meanwhile.
    Backends that exit during the measurement are missed (the pool keeps its connections)."""

    server: Server
    url: str | None

    def snapshot(self) -> tuple[dict[int, float], dict[int, float]]:
        backends = database_backends(self.url) if self.url else set()
        return cpu_by_pid(group=self.server.group), cpu_by_pid(pids=backends)

    @staticmethod
    def spent(before: dict[int, float], after: dict[int, float]) -> float:
        return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def measure(
    server: Server,
    route: Route,
    headers: dict[str, str],
    workers: int,
    args: argparse.Namespace,
    url: str | None = None,
) -> Figure:
    wrk(server.base, route, headers, WARM_UP_SECONDS, args)
    meter = CpuMeter(server, url)
    (server_before, database_before) = meter.snapshot()
    output = wrk(server.base, route, headers, args.duration, args)
    (server_after, database_after) = meter.snapshot()
    figure = parse_wrk(output, workers, route.name)
    answers = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    figure = replace(
        figure,
        server_cpu_ms=1000 * meter.spent(server_before, server_after) / answers,
        database_cpu_ms=1000 * meter.spent(database_before, database_after) / answers,
    )
    print(
        f"  {workers}w {route.name:<17} {figure.requests_per_second:9,.0f}/s"
        f"  p50 {figure.p50_ms:7.2f} ms  p99 {figure.p99_ms:7.2f} ms"
        f"  cpu/answer: server {figure.server_cpu_ms:.2f} ms, database "
        f"{figure.database_cpu_ms:.2f} ms"
        + (f"  NON-2xx {figure.failures}" if figure.failures else "")
    )
    return figure


def post_script(body: dict[str, Any]) -> str:
    return (
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(json.dumps(body))}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )


def socdesk_routes(seeded: Seeded) -> list[Route]:
    search = {
        "limit": 10,
        "offset": 0,
        "condition": {"conditions": [{"name": "s", "data": ["severity", "=", "High"]}]},
    }
    create = {"data_object": incident_object(random.Random(7), 1)}
    return [
        Route("GET incident", f"{seeded.incidents_path}/{seeded.incident_id}"),
        Route("GET register row", "/v1/incidents/INC-00001"),
        Route("search", f"{seeded.incidents_path}/search", post_script(search)),
        Route("create", seeded.incidents_path, post_script(create)),
    ]


# --- the run -------------------------------------------------------------------------------------


def run(seeded: Seeded, args: argparse.Namespace) -> list[Figure]:
    env = {
        "SOCDESK_DATABASE_URL": seeded.url,
        "SOCDESK_SECRET_KEY": SECRET_KEY,
        "SOCDESK_ENVIRONMENT": "test",
        "SOCDESK_LOG_LEVEL": args.log_level,
    }
    figures: list[Figure] = []
    headers = {"X-Auth-Token": seeded.token}
    floor = Route(FLOOR, f"/incident/{seeded.incident_id}")
    for workers in args.workers:
        with running(bare_command(workers), env, "/incident") as server:
            figures.append(measure(server, Route("bare GET", "/incident"), {}, workers, args))
            figures.append(measure(server, floor, headers, workers, args, seeded.url))
            raw = Route(RAW_FLOOR, f"/incident-raw/{seeded.incident_id}")
            figures.append(measure(server, raw, headers, workers, args, seeded.url))
        with running(socdesk_command(workers), env, "/healthz") as server:
            for route in socdesk_routes(seeded):
                figures.append(measure(server, route, headers, workers, args, seeded.url))
    return figures


def report(figures: list[Figure], args: argparse.Namespace) -> None:
    bare = {f.workers: f.requests_per_second for f in figures if f.route == "bare GET"}
    floor = {f.workers: f.requests_per_second for f in figures if f.route == FLOOR}
    print(
        f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s, PostgreSQL, "
        f"{args.incidents:,} incidents, log level {args.log_level}\n"
    )
    print(
        f"{'workers':>7}  {'route':<17} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'of bare':>8} {'of floor':>8} {'cpu ms':>7} {'db ms':>6}  target"
    )
    for f in figures:
        ratio = f.requests_per_second / bare[f.workers]
        goal = TARGETS.get(f.route)
        target = f">= {goal:.0%}" + ("" if ratio >= goal else "  BELOW") if goal else ""
        if f.workers == 1 and not f.route.startswith("bare"):
            target += f"; p99 < {P99_TARGET_MS:.0f} ms" + (
                "" if f.p99_ms < P99_TARGET_MS else "  OVER"
            )
        failed = f"  ({f.failures} not 2xx)" if f.failures else ""
        print(
            f"{f.workers:>7}  {f.route:<17} {f.requests_per_second:8,.0f} {f.p50_ms:7.2f} "
            f"{f.p99_ms:7.2f} {ratio:8.1%} {f.requests_per_second / floor[f.workers]:8.1%} "
            f"{f.server_cpu_ms:7.2f} {f.database_cpu_ms:6.2f}"
            f"  {target}{failed}"
        )
    by = {(f.workers, f.route): f.requests_per_second for f in figures}
    if (1, "GET incident") in by and (2, "GET incident") in by:
        scale = by[(2, "GET incident")] / by[(1, "GET incident")]
        bare_scale = by[(2, "bare GET")] / by[(1, "bare GET")]
        print(
            f"\n2 workers / 1 on GET incident: {scale:.2f}x (target >= {SCALE_TARGET}x"
            f"{'' if scale >= SCALE_TARGET else ', BELOW'}); bare app: {bare_scale:.2f}x"
        )


async def seeded_database(args: argparse.Namespace) -> list[Figure]:
    async with database("postgresql") as url:
        seeded = await seed(url, args.incidents)
        return run(seeded, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=5000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=lambda s: [int(n) for n in s.split(",")], default=[1, 2])
    parser.add_argument("--log-level", default="WARNING", help="the servers' SOCDESK_LOG_LEVEL")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    report(asyncio.run(seeded_database(args)), args)


if __name__ == "__main__":
    main()
