"""Where runners run: inside the server on SQLite (a background task of the app's lifespan),
in `socdesk worker` processes on PostgreSQL (any number, on any machines)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import uuid
from collections.abc import AsyncIterator

import procrastinate
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.automation.http_calls import HttpLimits
from socdesk.automation.runs.jobs import QUEUE, TASK
from socdesk.automation.runs.nodes import NodeKind, heartbeat
from socdesk.automation.runs.runner import RunLimits, Runner
from socdesk.automation.timers import TimerSweeps
from socdesk.kit.db import create_engine, create_sessionmaker, is_sqlite, sync_url
from socdesk.settings import Settings

log = logging.getLogger(__name__)


def limits(settings: Settings) -> RunLimits:
    return RunLimits(
        max_steps=settings.run_max_steps,
        timeout_seconds=settings.run_timeout_seconds,
        lease_seconds=settings.run_lease_seconds,
        tasks_per_commit=settings.run_tasks_per_commit,
        http=HttpLimits.from_settings(settings),
    )


def runs_in_process(settings: Settings) -> bool:
    if settings.runner_in_process is not None:
        return settings.runner_in_process
    return is_sqlite(settings.database_url)


@contextlib.asynccontextmanager
async def in_process_runner(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[None]:
    """A runner beside the server while the app lives, when the server runs runs itself."""
    if not runs_in_process(settings):
        yield
        return
    stop = asyncio.Event()
    async with heartbeat(sessions, NodeKind.in_process):
        task = asyncio.create_task(
            Runner(sessions, limits(settings)).serve(stop, settings.runner_poll_seconds)
        )
        try:
            yield
        finally:
            stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=10)


async def work(settings: Settings, concurrency: int = 1) -> None:
    """`socdesk worker` until SIGINT or SIGTERM: on PostgreSQL a procrastinate worker taking
    run jobs, `concurrency` at once; on SQLite `concurrency` runners polling the run table."""
    engine = create_engine(settings.database_url, pool_size=max(2, concurrency + 1))
    sessions = create_sessionmaker(engine)
    # Taken before the node is listed: a stop that comes at once still ends the worker
    # cleanly (its node row deleted), not by the signal's default action.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        # One running node per process, whatever its concurrency.
        async with heartbeat(sessions, NodeKind.worker):
            if is_sqlite(settings.database_url):
                await _poll(sessions, settings, concurrency, stop)
            else:
                await _take_jobs(sessions, settings, concurrency, stop)
    finally:
        await engine.dispose()


async def _poll(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    concurrency: int,
    stop: asyncio.Event,
) -> None:
    runners = [Runner(sessions, limits(settings)) for _ in range(concurrency)]
    await asyncio.gather(*(r.serve(stop, settings.runner_poll_seconds) for r in runners))


def job_app(settings: Settings, runner: Runner) -> procrastinate.App:
    """The procrastinate app of a worker: one task, which steps the run its job names."""
    conninfo = make_url(sync_url(settings.database_url)).set(drivername="postgresql")
    connector = procrastinate.PsycopgConnector(
        conninfo=conninfo.render_as_string(hide_password=False)
    )
    app = procrastinate.App(connector=connector)

    @app.task(name=TASK, queue=QUEUE)
    async def step_run(run_id: str) -> None:
        await runner.run_if_due(uuid.UUID(run_id))

    return app


async def _take_jobs(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    concurrency: int,
    stop: asyncio.Event,
) -> None:
    runner = Runner(sessions, limits(settings))
    app = job_app(settings, runner)

    async def rescue() -> None:
        # A run whose worker died (its lease ran out) gets a new job: never lost. The dead
        # worker's own job (left "doing") is retried too, so procrastinate's table is not left
        # with it; whichever job comes first runs the run, the other finds it taken.
        timers = TimerSweeps(sessions, every=0)
        while not stop.is_set():
            try:
                await timers.sweep_if_due()
                await runner.rescue()
                stalled = await app.job_manager.get_stalled_jobs(
                    queue=QUEUE, seconds_since_heartbeat=max(30.0, settings.run_lease_seconds * 2)
                )
                for job in stalled:
                    await app.job_manager.retry_job(job)
            except Exception:  # noqa: BLE001 - the next round tries again (logged)
                log.exception("workflow worker: rescuing abandoned runs failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=settings.run_lease_seconds / 2)

    async with app.open_async():
        rescuer = asyncio.create_task(rescue())
        jobs = asyncio.create_task(
            app.run_worker_async(
                queues=[QUEUE],
                concurrency=concurrency,
                name=runner.owner,
                install_signal_handlers=False,  # `work`'s own, taken from the start
            )
        )
        stopped = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({jobs, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.set()
            # Cancelled, procrastinate's worker stops as on a signal: the jobs in hand end.
            jobs.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await jobs
            await stopped
            await rescuer
