"""Waking the in-process runners when runs are enqueued, so a run starts when the transaction
that enqueued it commits rather than at the runners' next poll (`SOCDESK_RUNNER_POLL_SECONDS`
stays the fallback: a run enqueued by another process, a wait that comes due).

`enqueue_runs` marks its session; the session's commit (the outermost one, after it has
happened, so a runner woken sees the run) wakes every runner serving on the same engine in this
process. A rolled-back transaction wakes nobody. On PostgreSQL with `socdesk worker`s no runner
is registered here: procrastinate's own LISTEN/NOTIFY wakes the workers.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

_ENQUEUED = "socdesk.runs_enqueued"
# The runners waiting on each engine: their loop (a session may commit in another thread's
# loop, as tests and the CLI do) and the event that wakes them.
_WAITING: WeakKeyDictionary[Engine, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = (
    WeakKeyDictionary()
)


def mark_enqueued(session: AsyncSession) -> None:
    """The session's transaction enqueued runs: its commit wakes the runners."""
    session.sync_session.info[_ENQUEUED] = True


@contextlib.contextmanager
def woken_on_enqueue(sessions: async_sessionmaker[AsyncSession]) -> Iterator[asyncio.Event]:
    """An event set whenever a session of `sessions`' engine commits new runs, while the
    `with` lasts (a runner clears it before it looks for due runs)."""
    bind = sessions.kw.get("bind")
    woken = asyncio.Event()
    if not isinstance(bind, AsyncEngine):
        yield woken
        return
    waiter = (asyncio.get_running_loop(), woken)
    waiting = _WAITING.setdefault(bind.sync_engine, set())
    waiting.add(waiter)
    try:
        yield woken
    finally:
        waiting.discard(waiter)


@event.listens_for(Session, "after_commit")
def _wake(session: Session) -> None:
    if not session.info.pop(_ENQUEUED, False):
        return
    engine = session.get_bind()
    if not isinstance(engine, Engine):
        return
    for loop, woken in list(_WAITING.get(engine, ())):
        if not loop.is_closed():
            loop.call_soon_threadsafe(woken.set)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_ENQUEUED, None)
