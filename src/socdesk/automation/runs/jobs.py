"""Runs as procrastinate jobs on PostgreSQL (docs/workflows.md, "Running workers").

A job says "step run R": `socdesk worker` processes take jobs from procrastinate's queue and the
job's body claims the run's lease and steps it. The job is deferred by procrastinate's own SQL
function on the caller's session, so it commits (or rolls back) with the run row and the change
that caused it: one statement per batch of runs. On SQLite nothing is deferred: the server's
in-process runner finds due runs in the run table itself, woken by the commit (wakeup.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.automation.runs.wakeup import mark_enqueued
from socdesk.kit.repository import uuid_array_text

QUEUE = "workflow_runs"
TASK = "socdesk.step_run"

_DEFER = text(
    "SELECT procrastinate_defer_jobs_v1(ARRAY("
    f"SELECT ROW('{QUEUE}', '{TASK}', 0, NULL, NULL, "
    "jsonb_build_object('run_id', run_id::text), CAST(:at AS timestamptz)"
    ")::procrastinate_job_to_defer_v1 FROM unnest(CAST(:ids AS uuid[])) AS run_id))"
)


def uses_jobs(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def defer_runs(
    session: AsyncSession, run_ids: Sequence[uuid.UUID], at: datetime | None = None
) -> None:
    """A job per run, due `at` (now when None), in the session's transaction (PostgreSQL); runs
    due now also wake this process's runners when the transaction commits (wakeup.py)."""
    if run_ids and at is None:
        mark_enqueued(session)
    if run_ids and uses_jobs(session):
        await session.execute(_DEFER, {"ids": uuid_array_text(run_ids), "at": at})
