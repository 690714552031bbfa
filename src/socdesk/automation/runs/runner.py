"""The runner: claims due runs and runs them, a few committed tasks at a time.

Each step is one transaction on the run's locked row: the engine's own tasks up to the next
one SOCdesk does, then that task, and so on for up to `RunLimits.tasks_per_commit` tasks — the
data-changing actions commit their effects, the run's new state and the tasks' records together
(exactly once: a runner killed before the commit leaves none of them, and the next one redoes
the tasks from the last committed state). An HTTP action starts a transaction of its own (it
calls out, so the tasks before it are committed first). A `wait` and a user
task park the run in the database (`due_at`), releasing it; any runner takes it when it is due.
A runner that dies stops renewing its lease; once the lease runs out another takes the run.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.automation.runs.jobs import defer_runs
from socdesk.automation.runs.repository import RunQueue
from socdesk.automation.runs.step import Careful, Known, RunLimits, RunStep, Step
from socdesk.automation.runs.wakeup import woken_on_enqueue
from socdesk.automation.timers import TimerSweeps
from socdesk.kit.clock import utcnow

__all__ = ["RunLimits", "Runner", "runner_name"]

log = logging.getLogger(__name__)


def runner_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Runner:
    """Takes due runs from the store and runs them (any number of runners, any processes)."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], limits: RunLimits | None = None
    ) -> None:
        self.sessions = sessions
        self.limits = limits or RunLimits()
        self.owner = runner_name()

    async def claim(self) -> uuid.UUID | None:
        async with self.sessions() as session, session.begin():
            lease = timedelta(seconds=self.limits.lease_seconds)
            return await RunQueue(session).claim(self.owner, utcnow(), lease)

    async def claim_run(self, run_id: uuid.UUID) -> bool:
        async with self.sessions() as session, session.begin():
            lease = timedelta(seconds=self.limits.lease_seconds)
            return await RunQueue(session).claim(self.owner, utcnow(), lease, run_id) is not None

    async def run_if_due(self, run_id: uuid.UUID) -> bool:
        """A job's body: run `run_id` if it is due and no runner holds it (else another job,
        or the runner that holds it, will); whether it ran."""
        return await self.take(run_id) is not None

    async def take(self, run_id: uuid.UUID | None = None) -> uuid.UUID | None:
        """Claim `run_id` (the next due run when None) and run its first tasks in the claim's
        transaction (one commit fewer a run), then the rest of it; the run's id, or None when
        it was not due or is held."""
        known = Known()
        try:
            try:
                first = await self._claim_and_batch(run_id, known, careful=False)
            except Careful:
                known.forget_rolled_back()
                first = await self._claim_and_batch(known.run_id, known, careful=True)
        except Exception:
            if known.run_id is not None:
                # Its claim rolled back with its failed tasks: claim it alone, so that, as any
                # run whose runner failed, it is taken again when the lease runs out (not at
                # once, over and over).
                await self.claim_run(known.run_id)
            raise
        claimed = known.run_id
        if first is None or claimed is None:
            return None
        if first is Step.again:
            await self.run(claimed, known)
        return claimed

    async def _claim_and_batch(
        self, run_id: uuid.UUID | None, known: Known, *, careful: bool
    ) -> Step | None:
        async with self.sessions() as session, session.begin():
            lease = timedelta(seconds=self.limits.lease_seconds)
            run = await RunQueue(session).claim_held(self.owner, utcnow(), lease, run_id)
            if run is None:
                return None
            known.run_id = run.id
            return await RunStep(session, run, self.limits, utcnow(), known, careful).batch()

    async def rescue(self) -> int:
        """Jobs for the live runs whose runner died (their lease ran out): how many."""
        async with self.sessions() as session, session.begin():
            lost = await RunQueue(session).abandoned(utcnow())
            await defer_runs(session, lost)
            return len(lost)

    async def drain(self, max_runs: int | None = None) -> int:
        """Run due runs until none is left (or `max_runs` were taken); how many were taken."""
        taken = 0
        while max_runs is None or taken < max_runs:
            if await self.take() is None:
                return taken
            taken += 1
        return taken

    async def serve(self, stop: asyncio.Event, poll_seconds: float = 0.5) -> None:
        """Fire the TIMER playbooks' due ticks (every few seconds), drain, then wait until a
        commit in this process enqueues runs or `poll_seconds` pass, until `stop` is set."""
        timers = TimerSweeps(self.sessions)
        with woken_on_enqueue(self.sessions) as woken:
            while not stop.is_set():
                woken.clear()
                try:
                    await timers.sweep_if_due()
                    await self.drain()
                except Exception:  # noqa: BLE001 - a runner outlives a failed run (logged)
                    log.exception("workflow runner: a run failed unexpectedly")
                await _first_of(stop, woken, poll_seconds)

    async def run(self, run_id: uuid.UUID, known: Known | None = None) -> None:
        """Step the claimed run until it ends, parks or is taken from this runner."""
        known = known or Known()
        while await self._step(run_id, known) is Step.again:
            pass

    async def _step(self, run_id: uuid.UUID, known: Known) -> Step:
        try:
            async with self.sessions() as session, session.begin():
                return await self._batch(session, run_id, known, careful=False)
        except Careful:
            known.forget_rolled_back()
            async with self.sessions() as session, session.begin():
                return await self._batch(session, run_id, known, careful=True)

    async def _batch(
        self, session: AsyncSession, run_id: uuid.UUID, known: Known, careful: bool
    ) -> Step:
        run = await RunQueue(session).held(run_id, self.owner)
        if run is None:
            return Step.stop
        return await RunStep(session, run, self.limits, utcnow(), known, careful).batch()


async def _first_of(one: asyncio.Event, other: asyncio.Event, timeout: float) -> None:
    waits = [asyncio.ensure_future(one.wait()), asyncio.ensure_future(other.wait())]
    try:
        await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
