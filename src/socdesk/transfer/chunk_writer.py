"""The writer task both import sinks (sink.py for incidents, object_sink.py for other classes)
hand their built chunks of rows to: it stores them in order while the importer goes on reading
and checking the next ones, so the database works on chunk N while Python checks chunk N+1.

Up to WAITING_CHUNKS chunks wait (so memory stays bounded), and the writer takes every chunk
that waits in one store (one COPY, one INSERT ... SELECT of events): when the database is the
slower side it gets fewer, larger statements. The importer uses the session only while the
writer is idle (`pause`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

# Chunks built and waiting for the writer; more would only hold memory.
WAITING_CHUNKS = 2

Rows = list[list[Any]]


class ChunkWriter:
    """Stores the chunks `put` hands over by `store`, in order, in a task of its own (started
    by the first chunk)."""

    def __init__(self, store: Callable[[Rows], Awaitable[None]]) -> None:
        self._store = store
        self._queue: asyncio.Queue[Rows | None] = asyncio.Queue(WAITING_CHUNKS)
        self._task: asyncio.Task[None] | None = None

    @property
    def started(self) -> bool:
        return self._task is not None

    async def put(self, rows: Rows) -> None:
        """Queue a chunk (waiting while WAITING_CHUNKS wait)."""
        if self._task is None:
            self._task = asyncio.create_task(self._write())
        await self._unless_failed(self._queue.put(rows))

    async def pause(self) -> None:
        """Wait until every queued chunk is stored, so the session is free for a query."""
        if self._task is not None:
            await self._unless_failed(self._queue.join())

    async def finish(self) -> None:
        """Store what is queued and stop."""
        if self._task is not None:
            await self._unless_failed(self._queue.put(None))
            task, self._task = self._task, None
            await task

    async def abort(self) -> None:
        """Stop on an error; the caller's transaction is to be rolled back. The task is not
        cancelled mid-statement (a driver may finish it after the rollback): it drops what
        waits, ends the chunk in hand, and stops."""
        task, self._task = self._task, None
        if task is None or task.done():
            return
        while not self._queue.empty():
            self._queue.get_nowait()
            self._queue.task_done()
        self._queue.put_nowait(None)
        with contextlib.suppress(Exception):
            await task

    async def _write(self) -> None:
        done = False
        while not done:
            batch = [await self._queue.get()]
            while not self._queue.empty():
                batch.append(self._queue.get_nowait())
            rows = [row for chunk in batch if chunk is not None for row in chunk]
            done = batch[-1] is None
            try:
                if rows:
                    await self._store(rows)
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _unless_failed(self, step: Awaitable[None]) -> None:
        """Await `step`; if the task fails first, raise its error instead."""
        task = self._task
        assert task is not None
        waiting = asyncio.ensure_future(step)
        done, _ = await asyncio.wait({waiting, task}, return_when=asyncio.FIRST_COMPLETED)
        if waiting in done:
            waiting.result()
            return
        waiting.cancel()
        task.result()  # raises the writer's error
        raise RuntimeError("the import writer stopped early")
