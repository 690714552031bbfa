"""Set-based incident operations through the API, each beside bare SQL doing the same work.

For each store (SQLite in a temporary directory; PostgreSQL in a freshly created database on the
server at SOCDESK_BENCH_POSTGRES_URL, dropped afterwards) it builds the schema with the
migrations, seeds incidents through `IncidentService.create_many` (printing the seeding rate) and
times, each as the API figure (wall time of the HTTP call, in-process through ASGITransport) next
to the bare-SQL figure (SQLAlchemy Core, no ORM) for the same work on an equivalent fresh set of
rows in the same run:

- batch-delete of 10,000 incidents vs. the bare DELETE of them plus the bare INSERT ... SELECT of
  their 10,000 `delete` audit rows, each with the row's JSON (`row_to_json` / `json_object`) as
  its snapshot (IN lists chunked at 5,000);
- batch-update of 10,000 (severity and owner) vs. the bare UPDATE (severity, owner, version + 1,
  update_time) plus the bare INSERT ... SELECT of the 10,000 `update` audit rows with
  before/after built by the store's JSON functions — what the database itself needs for the
  work (issue 12). Until issue 12 the bare figure read the rows into Python and sent the audit
  rows back (executemany), as the API then did;
- a search page (100 rows, severity = High and confidence >= 50, newest first) over the corpus,
  at offset 0 and at offset 10,000 (median of 5 after a warm-up) vs. the same COUNT(*) and
  ORDER BY ... LIMIT/OFFSET query.

It prints one table per store: operation, API seconds, bare-SQL seconds, their ratio and the
ceiling it is compared with (3.0x; 2.0x for the batches), and on PostgreSQL the batches' wall-time
targets (0.5 s update, 0.3 s delete); "OVER" when above either. It measures; it asserts nothing.

    .venv/bin/python bench/incidents.py [--backend sqlite|postgresql|both] [--rows 100000]

`--rows` sizes the search corpus; the batches are always 10,000 incidents, seeded apart from it.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import httpx
from common import backends, database
from fastapi import FastAPI
from sqlalchemy import (
    ColumnElement,
    Table,
    case,
    delete,
    func,
    insert,
    literal,
    literal_column,
    null,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from socdesk.app import create_app
from socdesk.iam.accounts import AccountService
from socdesk.iam.principal import AuthMethod, Principal
from socdesk.incidents.record import IncidentObject
from socdesk.incidents.service import IncidentService
from socdesk.kit.clock import format_time
from socdesk.models import Incident, IncidentEvent, Project, Role, User, Workspace
from socdesk.settings import Environment, Settings
from socdesk.workspaces.scope import WorkspaceScope

BATCH = 10_000
CHUNK = 5_000
DEEP_OFFSET = 10_000
SEARCH_RUNS = 5
CEILING = 3.0
BATCH_CEILING = 2.0  # a batch against its bare statements and bare audit INSERT ... SELECT
UPDATE_TARGET, DELETE_TARGET = 0.5, 0.3
PASSWORD = "bench-password-0123"
NEW_OWNER = "bench@x.example"

INCIDENTS = cast(Table, Incident.__table__)
EVENTS = cast(Table, IncidentEvent.__table__)
SEVERITY_NAMES = ("Tips", "Low", "Medium", "High", "Fatal")  # stored as their rank, 0..4
SEVERITY_WEIGHTS = (10, 25, 30, 25, 10)
HANDLE_STATUSES = ("Open", "Block", "Closed")
STATUS_WEIGHTS = (50, 15, 35)
TITLES = (
    "Brute force on {host}",
    "Malware beacon from {host}",
    "Port scan against {host}",
    "Privilege escalation on {host}",
    "Suspicious download on {host}",
    "Data exfiltration from {host}",
)
KINDS = (("Intrusion", "Brute force"), ("Malware", "Trojan"), ("Reconnaissance", "Port scan"))
START = datetime(2026, 8, 1, tzinfo=UTC)
SEARCH_BODY: dict[str, Any] = {
    "limit": 100,
    "sort_by": "create_time",
    "order": "DESC",
    "condition": {
        "conditions": [
            {"name": "c1", "data": ["severity", "=", "High"]},
            {"name": "c2", "data": ["confidence", ">=", "50"]},
        ],
        "logics": ["c1", "and", "c2"],
    },
}


@dataclass(frozen=True)
class Tenant:
    project_id: uuid.UUID
    project_name: str
    workspace_id: uuid.UUID
    user_id: uuid.UUID
    email: str


@dataclass(frozen=True)
class Bench:
    app: FastAPI
    client: httpx.AsyncClient
    tenant: Tenant
    backend: str

    @property
    def incidents_path(self) -> str:
        t = self.tenant
        return f"/v1/{t.project_id.hex}/workspaces/{t.workspace_id}/soc/incidents"


@dataclass(frozen=True)
class Result:
    operation: str
    api: float
    bare: float
    ceiling: float = CEILING
    # Issue 12's wall-time target on PostgreSQL, in seconds, where it sets one.
    target: float | None = None


# --- set-up -------------------------------------------------------------------------------------


async def make_tenant(app: FastAPI) -> Tenant:
    name = f"bench-{uuid.uuid4().hex[:8]}"
    email = f"admin@{name}.example"
    async with app.state.sessionmaker.begin() as session:
        made = await AccountService(session).bootstrap(name, "main", email, PASSWORD)
    return Tenant(made.project.id, name, made.workspace.id, made.user.id, made.user.email)


async def log_in(client: httpx.AsyncClient, tenant: Tenant) -> str:
    user = {"name": tenant.email, "password": PASSWORD, "domain": {"name": tenant.project_name}}
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": user}}}}
    response = await client.post("/v3/auth/tokens", json=body)
    if response.status_code != 201:
        raise SystemExit(f"login failed: {response.status_code} {response.text[:300]}")
    return response.headers["X-Subject-Token"]


@asynccontextmanager
async def open_bench(backend: str, url: str) -> AsyncIterator[Bench]:
    """The app on `url`, one tenant, and a client logged in as its administrator."""
    settings = Settings(
        environment=Environment.test,
        database_url=url,
        secret_key="bench-secret-key-0123456789",
        log_level="WARNING",
    )
    app = create_app(settings)
    try:
        tenant = await make_tenant(app)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", timeout=None
        ) as client:
            client.headers["X-Auth-Token"] = await log_in(client, tenant)
            yield Bench(app, client, tenant, backend)
    finally:
        await app.state.engine.dispose()


# --- seeding through the service -----------------------------------------------------------------


def incident_object(rng: random.Random) -> dict[str, Any]:
    """A valid data_object (as tests/incidents/payloads.py) with varied searchable fields."""
    host = f"host-{rng.randrange(2000):04d}"
    category, kind = rng.choice(KINDS)
    observed = START + timedelta(seconds=rng.randrange(90 * 24 * 3600))
    status = rng.choices(HANDLE_STATUSES, STATUS_WEIGHTS)[0]
    closed = observed + timedelta(hours=rng.randrange(1, 72))
    return {
        "title": rng.choice(TITLES).format(host=host),
        "description": f"Seen by the {category.lower()} sensor on {host}; see network_list.",
        "incident_type": {"category": category, "incident_type": kind},
        "severity": rng.choices(SEVERITY_NAMES, SEVERITY_WEIGHTS)[0],
        "handle_status": status,
        # Sent on every object (null unless closed): create_many's COPY path on PostgreSQL takes
        # its column list from the first row, so every row must carry the same keys.
        "close_time": format_time(closed) if status == "Closed" else None,
        "confidence": rng.randint(0, 100),
        "criticality": rng.randint(0, 100),
        "owner": f"analyst{rng.randrange(12)}@soc.example",
        "data_source": {"source_type": 3, "product_name": "HSS", "product_feature": "login"},
        "first_observed_time": format_time(observed),
        "create_time": format_time(observed + timedelta(seconds=rng.randrange(3600))),
        "network_list": [{"src_ip": f"203.0.113.{rng.randrange(256)}", "dest_port": "22"}],
    }


async def service_for(session: AsyncSession, tenant: Tenant) -> IncidentService:
    user = await session.get(User, tenant.user_id)
    project = await session.get(Project, tenant.project_id)
    workspace = await session.get(Workspace, tenant.workspace_id)
    if user is None or project is None or workspace is None:
        raise SystemExit("the bench tenant vanished")
    scope = WorkspaceScope(Principal(user, project, AuthMethod.token), workspace, Role.admin)
    return IncidentService(session, scope)


async def seed(bench: Bench, count: int, rng: random.Random, label: str) -> list[uuid.UUID]:
    """`count` incidents through `create_many`, CHUNK per transaction; their ids."""
    ids: list[uuid.UUID] = []
    started = time.perf_counter()
    for start in range(0, count, CHUNK):
        size = min(CHUNK, count - start)
        objects = [IncidentObject.model_validate(incident_object(rng)) for _ in range(size)]
        async with bench.app.state.sessionmaker.begin() as session:
            service = await service_for(session, bench.tenant)
            ids += await service.create_many(objects)
    elapsed = time.perf_counter() - started
    print(f"  seeded {count:,} {label} in {elapsed:.1f}s ({count / elapsed:,.0f} incidents/s)")
    await analyze(bench)
    return ids


async def analyze(bench: Bench) -> None:
    """Fresh planner statistics on PostgreSQL, as autovacuum would soon give a real store."""
    if bench.backend == "postgresql":
        async with bench.app.state.engine.begin() as connection:
            await connection.execute(text("ANALYZE incidents, incident_events"))


# --- bare SQL (Core only) ------------------------------------------------------------------------


def chunks(items: Sequence[uuid.UUID]) -> Iterator[Sequence[uuid.UUID]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def listed(bench: Bench, ids: Sequence[uuid.UUID]) -> ColumnElement[bool]:
    return (INCIDENTS.c.workspace_id == bench.tenant.workspace_id) & INCIDENTS.c.id.in_(ids)


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_time(value)
    return str(value) if isinstance(value, uuid.UUID) else value


def audit_fields(bench: Bench) -> dict[str, Any]:
    """What every audit row of one operation shares, as the service's request would set it."""
    return {
        "workspace_id": bench.tenant.workspace_id,
        "actor_id": bench.tenant.user_id,
        "actor_email": bench.tenant.email,
        "request_id": f"{uuid.uuid4()}-{int(time.time() * 1000)}-bench",
        "at": datetime.now(UTC),
        "source": None,
    }


def audit_row(
    shared: dict[str, Any],
    incident_id: uuid.UUID,
    action: str,
    changes: dict[str, Any],
    snapshot_: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "incident_id": incident_id,
        "action": action,
        "changes": changes,
        "snapshot": snapshot_,
        **shared,
    }


def bare_events(
    bench: Bench, part: Sequence[uuid.UUID], action: str, changes: Any, snapshot_: Any
) -> Any:
    """The bare INSERT ... SELECT of one audit row per incident of `part`, its `changes` and
    `snapshot` JSON written by hand in the store's own functions (no per-field diff)."""
    shared = audit_fields(bench)
    postgres = bench.backend == "postgresql"
    new_id = func.gen_random_uuid() if postgres else func.lower(func.hex(func.randomblob(16)))
    columns = EVENTS.c
    values = [
        literal(shared[n], columns[n].type) for n in ("actor_id", "actor_email", "request_id", "at")
    ]
    source = select(
        new_id,
        INCIDENTS.c.workspace_id,
        INCIDENTS.c.id,
        literal(action),
        *values,
        changes,
        snapshot_,
    ).where(listed(bench, part))
    names = ["id", "workspace_id", "incident_id", "action", "actor_id", "actor_email"]
    names += ["request_id", "at", "changes", "snapshot"]
    return insert(EVENTS).from_select(names, source)


def row_json(bench: Bench) -> Any:
    """The incident row as one JSON object, by the store (the bare snapshot)."""
    if bench.backend == "postgresql":
        return func.row_to_json(literal_column("incidents"))
    pairs: list[Any] = []
    for column in INCIDENTS.c:
        pairs += [column.name, func.json(column) if column.name == "document" else column]
    return func.json_object(*pairs)


async def bare_delete(bench: Bench, ids: Sequence[uuid.UUID]) -> float:
    """Per chunk: the bare INSERT ... SELECT of a `delete` audit row with the row's JSON as its
    snapshot, then the bare DELETE."""
    started = time.perf_counter()
    async with bench.app.state.engine.begin() as connection:
        for part in chunks(ids):
            await connection.execute(
                bare_events(
                    bench, part, "delete", literal({}, EVENTS.c.changes.type), row_json(bench)
                )
            )
            await connection.execute(delete(INCIDENTS).where(listed(bench, part)))
    return time.perf_counter() - started


def bare_changes(bench: Bench) -> Any:
    """The update's {owner, severity: {before, after}} JSON, by the store, for every row."""
    build = func.json_build_object if bench.backend == "postgresql" else func.json_object
    severity = case(dict(enumerate(SEVERITY_NAMES)), value=INCIDENTS.c.severity)
    return build(
        "owner",
        build("before", INCIDENTS.c.owner, "after", NEW_OWNER),
        "severity",
        build("before", severity, "after", "Low"),
    )


async def bare_update(bench: Bench, ids: Sequence[uuid.UUID]) -> float:
    """Per chunk: the bare INSERT ... SELECT of an `update` audit row with before/after, then
    one bare UPDATE (severity, owner, version + 1, update_time)."""
    started = time.perf_counter()
    values = {
        "severity": SEVERITY_NAMES.index("Low"),
        "owner": NEW_OWNER,
        "version": INCIDENTS.c.version + 1,
        "update_time": datetime.now(UTC),
    }
    async with bench.app.state.engine.begin() as connection:
        for part in chunks(ids):
            await connection.execute(
                bare_events(bench, part, "update", bare_changes(bench), null())
            )
            await connection.execute(update(INCIDENTS).where(listed(bench, part)).values(values))
    return time.perf_counter() - started


async def bare_page(connection: AsyncConnection, bench: Bench, offset: int) -> tuple[int, int]:
    """The search's COUNT(*) and page, written by hand; (total, rows on the page)."""
    where = (
        (INCIDENTS.c.workspace_id == bench.tenant.workspace_id)
        & (INCIDENTS.c.severity == SEVERITY_NAMES.index("High"))
        & (INCIDENTS.c.confidence >= 50)
    )
    total = await connection.scalar(select(func.count()).select_from(INCIDENTS).where(where))
    page = select(INCIDENTS).where(where)
    page = page.order_by(INCIDENTS.c.create_time.desc(), INCIDENTS.c.id.desc())
    rows = (await connection.execute(page.limit(SEARCH_BODY["limit"]).offset(offset))).all()
    return int(total or 0), len(rows)


async def bare_search(bench: Bench, offset: int) -> float:
    started = time.perf_counter()
    async with bench.app.state.engine.connect() as connection:
        await bare_page(connection, bench, offset)
    return time.perf_counter() - started


# --- through the API -----------------------------------------------------------------------------


async def api_call(bench: Bench, action: str, body: dict[str, Any]) -> tuple[float, Any]:
    """POST `~/soc/incidents/{action}`: (wall seconds, decoded body); exits on a non-200."""
    started = time.perf_counter()
    response = await bench.client.post(f"{bench.incidents_path}/{action}", json=body)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{action} failed: {response.status_code} {response.text[:300]}")
    return elapsed, response.json()


async def median_of(measure: Callable[[], Awaitable[float]]) -> float:
    """The median of SEARCH_RUNS timings, after one untimed warm-up run."""
    await measure()
    return statistics.median([await measure() for _ in range(SEARCH_RUNS)])


async def api_search(bench: Bench, offset: int) -> float:
    elapsed, _ = await api_call(bench, "search", {**SEARCH_BODY, "offset": offset})
    return elapsed


async def compare_search(bench: Bench, offset: int) -> Result:
    _, page = await api_call(bench, "search", {**SEARCH_BODY, "offset": offset})
    async with bench.app.state.engine.connect() as connection:
        total, size = await bare_page(connection, bench, offset)
    if (page["total"], page["size"]) != (total, size):
        api_says = f"{page['total']} matches, {page['size']} on the page"
        raise SystemExit(f"API ({api_says}) and bare SQL ({total}, {size}) disagree")
    print(f"  search at offset {offset:,}: {total:,} matches, {size} on the page")
    api = await median_of(lambda: api_search(bench, offset))
    bare = await median_of(lambda: bare_search(bench, offset))
    return Result(f"search page, offset {offset:,} (median)", api, bare)


async def compare_update(
    bench: Bench, api_ids: list[uuid.UUID], sql_ids: list[uuid.UUID]
) -> Result:
    body = {
        "batch_ids": [str(i) for i in api_ids],
        "data_object": {"severity": "Low", "owner": NEW_OWNER},
    }
    api, answer = await api_call(bench, "batch-update", body)
    if len(answer["data"]["success_ids"]) != len(api_ids):
        raise SystemExit("batch-update did not change every incident")
    bare = await bare_update(bench, sql_ids)
    return Result(f"batch-update {len(api_ids):,}", api, bare, BATCH_CEILING, UPDATE_TARGET)


async def compare_delete(
    bench: Bench, api_ids: list[uuid.UUID], sql_ids: list[uuid.UUID]
) -> Result:
    api, answer = await api_call(bench, "batch-delete", {"batch_ids": [str(i) for i in api_ids]})
    if answer["data"]["error_ids"]:
        raise SystemExit(f"batch-delete refused {len(answer['data']['error_ids'])} ids")
    bare = await bare_delete(bench, sql_ids)
    return Result(f"batch-delete {len(api_ids):,}", api, bare, BATCH_CEILING, DELETE_TARGET)


# --- driver --------------------------------------------------------------------------------------


async def run_backend(backend: str, rows: int) -> list[Result]:
    rng = random.Random(20261124)
    async with database(backend) as url, open_bench(backend, url) as bench:
        await seed(bench, rows, rng, "incidents (search corpus)")
        results = [await compare_search(bench, offset) for offset in (0, DEEP_OFFSET)]
        batches = [await seed(bench, BATCH, rng, f"incidents (batch set {n})") for n in range(4)]
        results.append(await compare_update(bench, batches[0], batches[1]))
        results.append(await compare_delete(bench, batches[2], batches[3]))
    return results


def report(backend: str, results: list[Result]) -> None:
    print(f"\n  {backend}: API vs. bare SQL")
    header = f"  {'operation':<36}{'API s':>9}{'bare SQL s':>12}{'ratio':>8}{'ceiling':>9}"
    header += f"{'target s':>10}"
    print(header)
    print("  " + "-" * (len(header) - 2))
    for r in results:
        ratio = r.api / r.bare
        over = ratio > r.ceiling
        target = ""
        if r.target is not None and backend == "postgresql":
            target = f"{r.target:>10.2f}"
            over = over or r.api > r.target
        flag = "  OVER" if over else ""
        print(
            f"  {r.operation:<36}{r.api:>9.3f}{r.bare:>12.3f}{ratio:>7.2f}x{r.ceiling:>8.1f}x"
            f"{target}{flag}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--rows", type=int, default=100_000, help="search corpus size")
    args = parser.parse_args()
    if args.rows < 1:
        parser.error("--rows must be positive")
    for backend in backends(args.backend):
        print(f"{backend}: corpus {args.rows:,} incidents, batches of {BATCH:,}")
        report(backend, asyncio.run(run_backend(backend, args.rows)))
        print()


if __name__ == "__main__":
    main()
