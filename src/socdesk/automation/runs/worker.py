"""Where runners run: inside the server on SQLite (a background task of the app's lifespan),
in `socdesk worker` processes on PostgreSQL (any number, on any machines)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.automation.runs.runner import RunLimits, Runner
from socdesk.kit.db import create_engine, create_sessionmaker, is_sqlite
from socdesk.settings import Settings


def limits(settings: Settings) -> RunLimits:
    return RunLimits(
        settings.run_max_steps, settings.run_timeout_seconds, settings.run_lease_seconds
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
    """`socdesk worker`: `concurrency` runners until SIGINT or SIGTERM."""
    engine = create_engine(settings.database_url, pool_size=max(2, concurrency + 1))
    sessions = create_sessionmaker(engine)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runners = [Runner(sessions, limits(settings)) for _ in range(concurrency)]
    try:
        await asyncio.gather(*(r.serve(stop, settings.runner_poll_seconds) for r in runners))
    finally:
        await engine.dispose()
