"""Where an import's incidents go: the incidents table, in file order, in the request's
transaction, with their workspace numbers and one audit event each.

The importer builds each good chunk's rows and hands them over; a writer task stores them
(binary COPY on PostgreSQL, executemany on SQLite) and writes their audit events (one
INSERT ... SELECT), while the importer goes on reading and checking the next chunks: the
database works on chunk N while Python checks chunk N+1. At most two chunks wait, so memory
stays bounded. Numbers come from the workspace counter, locked at the first write (as any
create locks it) and moved on once at the end. Nothing is committed here: a failure anywhere
leaves the request's transaction to roll back, and every statement runs in that transaction
(the importer only uses the session while the writer is idle: `pause`).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Sequence
from typing import Any

from socdesk.incidents.changes import IncidentChanges
from socdesk.incidents.new_rows import ID, ROW_COLUMNS, as_dict
from socdesk.kit.bulk import CopyStream
from socdesk.kit.clock import utcnow
from socdesk.kit.ids import time_ordered_uuids
from socdesk.models import Incident

# Chunks built and waiting for the writer; more would only hold memory.
WAITING_CHUNKS = 2


class IncidentSink:
    """Writes the rows of one import. `write` takes `(sent, given id)` pairs in file order."""

    def __init__(self, changes: IncidentChanges, source: str) -> None:
        self.changes = changes
        self.source = source
        self.rows = changes.new_rows(utcnow())
        self.ids: list[uuid.UUID] = []
        self._first_number = 0
        self._next_number: int | None = None
        self._event: dict[str, Any] = {}
        session = changes.session
        postgres = session.get_bind().dialect.name == "postgresql"
        self._copy = (
            CopyStream(session, Incident, ROW_COLUMNS, self.rows.constants) if postgres else None
        )
        self._queue: asyncio.Queue[list[list[Any]] | None] = asyncio.Queue(WAITING_CHUNKS)
        self._writer: asyncio.Task[None] | None = None

    async def write(self, fields: Sequence[tuple[dict[str, Any], uuid.UUID | None]]) -> None:
        """Build the rows and queue them for the writer (waiting while two chunks wait)."""
        if not fields:
            return
        if self._writer is None:
            # Count 0: lock the workspace counter and read it; `finish` moves it on.
            self._first_number = (await self.changes.numbers(0)).start
            self._next_number = self._first_number
            # One event for every incident (the database fills in each incident's id).
            self._event = self.changes.import_event(self.source)
            self._writer = asyncio.create_task(self._write_chunks())
        number = self._next_number
        assert number is not None
        build = self.rows.build
        # Ascending ids: each chunk's rows go to the end of the id indexes (kit/ids.py).
        fresh = time_ordered_uuids(len(fields))
        rows = [
            build(sent, number + offset, given or fresh[offset])
            for offset, (sent, given) in enumerate(fields)
        ]
        self._next_number = number + len(rows)
        self.ids += [row[ID] for row in rows]
        await self._unless_writer_fails(self._queue.put(rows))

    async def _write_chunks(self) -> None:
        done = False
        while not done:
            # Take every chunk that waits, so they share one COPY and one INSERT of events.
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

    async def _store(self, rows: list[list[Any]]) -> None:
        ids = [row[ID] for row in rows]
        if self._copy is not None:
            await self._copy.write(rows)
            await self._copy.close()
        else:
            await self.changes.insert_rows([as_dict(row) for row in rows])
        await self.changes.add_import_events(ids, self._event)

    async def _unless_writer_fails(self, step: Awaitable[None]) -> None:
        assert self._writer is not None
        await unless_writer_fails(step, self._writer)

    async def pause(self) -> None:
        """Wait until every queued chunk is stored, so the session is free for a query."""
        if self._writer is not None:
            await self._unless_writer_fails(self._queue.join())

    async def abort(self, error: BaseException) -> None:
        """Stop on an error; the caller's transaction is to be rolled back. The writer is not
        cancelled mid-statement (a driver may finish it after the rollback): it drops what
        waits, ends the chunk in hand, and stops."""
        writer, self._writer = self._writer, None
        if writer is not None and not writer.done():
            while not self._queue.empty():
                self._queue.get_nowait()
                self._queue.task_done()
            self._queue.put_nowait(None)
            with contextlib.suppress(Exception):
                await writer
        if self._copy is not None:
            await self._copy.abort(error)

    async def finish(self) -> list[uuid.UUID]:
        """Store what is queued and move the workspace counter on; the ids of the new
        incidents, in file order."""
        if self._writer is None:
            return []
        await self._unless_writer_fails(self._queue.put(None))
        await self._writer
        self._writer = None
        numbers = await self.changes.numbers(len(self.ids))
        if numbers.start != self._first_number:
            # The counter stays locked from the first write: this cannot happen.
            raise RuntimeError("the incident counter moved during an import")
        return self.ids


async def unless_writer_fails(step: Awaitable[None], writer: asyncio.Task[None]) -> None:
    """Await `step`; if the import's `writer` task fails first, raise its error instead."""
    waiting = asyncio.ensure_future(step)
    done, _ = await asyncio.wait({waiting, writer}, return_when=asyncio.FIRST_COMPLETED)
    if waiting in done:
        waiting.result()
        return
    waiting.cancel()
    writer.result()  # raises the writer's error
    raise RuntimeError("the import writer stopped early")
