"""A real `socdesk worker` process killed with SIGKILL mid-run, and another started: the run
finishes, each data-changing task applied exactly once (PostgreSQL: workers are its runners)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import IncidentComment, IncidentTag, WorkflowRun, WorkflowRunTask
from socdesk.settings import Settings
from tests.automation.runs.helpers import chain, runnable, service_task, started
from tests.conftest import TEST_SECRET
from tests.factories import TenantInfo
from tests.secmaster.incidents.factories import seed_incidents

KILLED_MID_RUN = chain(
    "killed",
    ("t1", service_task("t1", "add_tag", tag="one")),
    ("w", service_task("w", "wait", seconds="2")),
    ("t2", service_task("t2", "add_tag", tag="two")),
    ("t3", service_task("t3", "add_note", text="once")),
)


def _worker(database_url: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCDESK_")}
    env.update(
        SOCDESK_SECRET_KEY=TEST_SECRET,
        SOCDESK_DATABASE_URL=database_url,
        SOCDESK_RUN_LEASE_SECONDS="2",
        SOCDESK_RUNNER_POLL_SECONDS="0.1",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "socdesk", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _records(sessions: async_sessionmaker[AsyncSession], run_id: str) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(
            select(WorkflowRunTask.element_id)
            .where(WorkflowRunTask.run_id == uuid.UUID(run_id))
            .order_by(WorkflowRunTask.started_at, WorkflowRunTask.element_id)
        )
        return list(rows)


async def _until(check: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.1)
    raise AssertionError("timed out")


async def test_a_worker_killed_mid_run_is_replaced_and_the_run_finishes_once(
    admin_client: httpx.AsyncClient,
    tenant: TenantInfo,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("on SQLite the server's own runner takes runs")
    workflow_id = await runnable(admin_client, tenant, KILLED_MID_RUN, "killed")
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    run_id = await started(admin_client, tenant, workflow_id, incident_id)

    first = _worker(settings.database_url)
    try:

        async def waiting() -> bool:
            return "w" in await _records(sessions, run_id)

        await _until(waiting, 90)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    second = _worker(settings.database_url)
    try:

        async def ended() -> bool:
            async with sessions() as session:
                run = await session.get(WorkflowRun, uuid.UUID(run_id))
                await session.refresh(run)
                return run is not None and run.status != "RUNNING"

        await _until(ended, 90)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=10)

    async with sessions() as session:
        run = await session.get(WorkflowRun, uuid.UUID(run_id))
        tags = (
            await session.scalars(
                select(IncidentTag.content).where(IncidentTag.incident_id == uuid.UUID(incident_id))
            )
        ).all()
        notes = (
            await session.scalars(
                select(IncidentComment.content).where(
                    IncidentComment.incident_id == uuid.UUID(incident_id)
                )
            )
        ).all()
    assert run is not None
    assert (run.status, run.error) == ("FINISHED", "")
    assert sorted(tags) == ["one", "two"]
    assert list(notes) == ["once"]
    assert sorted(await _records(sessions, run_id)) == ["t1", "t2", "t3", "w"]


MANY = chain(
    "many",
    *((f"t{i:02d}", service_task(f"t{i:02d}", "add_tag", tag=f"tag{i:02d}")) for i in range(60)),
)


async def test_a_worker_killed_between_tasks_leaves_its_run_to_the_next_after_the_lease(
    admin_client: httpx.AsyncClient,
    tenant: TenantInfo,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("on SQLite the server's own runner takes runs")
    workflow_id = await runnable(admin_client, tenant, MANY, "many")
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    run_id = await started(admin_client, tenant, workflow_id, incident_id)

    first = _worker(settings.database_url)
    try:

        async def some_done() -> bool:
            return len(await _records(sessions, run_id)) >= 3

        await _until(some_done, 90)
    finally:
        # Mid-run (57 tasks to go): the run is leased to this worker, which never commits
        # again; the next worker takes it once the lease (2 s here) has run out.
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    second = _worker(settings.database_url)
    try:

        async def ended() -> bool:
            async with sessions() as session:
                run = await session.get(WorkflowRun, uuid.UUID(run_id))
                return run is not None and run.status != "RUNNING"

        await _until(ended, 90)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=10)

    async with sessions() as session:
        run = await session.get(WorkflowRun, uuid.UUID(run_id))
        tags = (
            await session.scalars(
                select(IncidentTag.content).where(IncidentTag.incident_id == uuid.UUID(incident_id))
            )
        ).all()
    records = await _records(sessions, run_id)
    assert run is not None
    assert (run.status, run.error) == ("FINISHED", "")
    assert sorted(tags) == [f"tag{i:02d}" for i in range(60)]
    # Each task recorded (so applied) once: a task the killed worker had not committed was
    # done again by the second, one it had committed was not.
    assert sorted(records) == [f"t{i:02d}" for i in range(60)]
