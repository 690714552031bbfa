"""Where an object import's rows go: the objects' change path (objects/changes.py), chunk by
chunk in file order, in the request's transaction.

The importer hands over each good chunk; its rows are built here, at once (objects/new_rows.py:
the documents completed, the promoted columns derived), and a writer task stores them while
the importer goes on reading and checking the next ones: the database works on chunk N while
Python checks chunk N+1, and the writer's own Python work is only sending the rows. Up to
WAITING_CHUNKS chunks wait for it (so memory stays bounded); the writer takes every chunk that
waits in one store (one COPY, one INSERT ... SELECT of events), as the incident sink does, so
when the database is the slower side it gets fewer, larger statements. Every object of one
import is created at the same time, as an incident import's are. The importer uses the session
only while the writer is idle (`pause`). Nothing is committed here: a failure anywhere leaves
the request's transaction to roll back.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable
from typing import Any

from socdesk.classes.registry import DataClass
from socdesk.kit.clock import utcnow
from socdesk.kit.ids import time_ordered_uuids
from socdesk.objects.changes import Batch, ObjectChanges
from socdesk.objects.new_rows import NewObjectRows
from socdesk.objects.origins import DATA_SOURCE
from socdesk.objects.repository import DataObjectRepository
from socdesk.transfer.object_rows import Row
from socdesk.transfer.sink import unless_writer_fails

# Chunks checked and waiting for the writer; more would only hold memory.
WAITING_CHUNKS = 2


class ObjectSink:
    """Stores the good chunks of one import of `data_class` objects, labelled `batch`."""

    def __init__(
        self,
        changes: ObjectChanges,
        objects: DataObjectRepository,
        data_class: DataClass,
        batch: Batch,
    ) -> None:
        self.changes = changes
        self.objects = objects
        self.data_class = data_class
        self.batch = batch
        self.ids: list[uuid.UUID] = []
        self._rows: NewObjectRows | None = None
        self._queue: asyncio.Queue[list[list[Any]] | None] = asyncio.Queue(WAITING_CHUNKS)
        self._writer: asyncio.Task[None] | None = None

    async def write(self, chunk: list[Row]) -> None:
        """Build a chunk of checked rows and queue it (waiting while WAITING_CHUNKS wait)."""
        if not chunk:
            return
        if self._rows is None:
            self._rows = self.changes.new_rows(self.data_class, DATA_SOURCE, utcnow())
        ids = time_ordered_uuids(len(chunk))
        if any(r.given_id is not None for r in chunk):
            # The store is asked only while the writer is idle.
            await self.pause()
            taken = await self.objects.taken_anywhere([r.given_id for r in chunk if r.given_id])
            # An id another workspace's object holds is never told: the row gets a new id.
            ids = [
                fresh if r.given_id is None or r.given_id in taken else r.given_id
                for r, fresh in zip(chunk, ids, strict=True)
            ]
        build = self._rows.build
        rows = [build(r.data, object_id) for r, object_id in zip(chunk, ids, strict=True)]
        self.ids += ids
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_chunks())
        await self._unless_writer_fails(self._queue.put(rows))

    async def pause(self) -> None:
        """Wait until every queued chunk is stored, so the session is free for a query."""
        if self._writer is not None:
            await self._unless_writer_fails(self._queue.join())

    async def finish(self) -> list[uuid.UUID]:
        """Store what is queued; the ids of the new objects, in file order."""
        if self._writer is not None:
            await self._unless_writer_fails(self._queue.put(None))
            writer, self._writer = self._writer, None
            await writer
        return self.ids

    async def abort(self) -> None:
        """Stop on an error; the caller's transaction is to be rolled back. The writer is not
        cancelled mid-statement (a driver may finish it after the rollback): it drops what
        waits, ends the chunk in hand, and stops."""
        writer, self._writer = self._writer, None
        if writer is None or writer.done():
            return
        while not self._queue.empty():
            self._queue.get_nowait()
            self._queue.task_done()
        self._queue.put_nowait(None)
        with contextlib.suppress(Exception):
            await writer

    async def _write_chunks(self) -> None:
        done = False
        while not done:
            # Every chunk that waits, in one store.
            batch = [await self._queue.get()]
            while not self._queue.empty():
                batch.append(self._queue.get_nowait())
            rows = [row for chunk in batch if chunk is not None for row in chunk]
            done = batch[-1] is None
            try:
                if rows:
                    assert self._rows is not None
                    await self.changes.store_new(self._rows, rows, self.batch)
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _unless_writer_fails(self, step: Awaitable[None]) -> None:
        assert self._writer is not None
        await unless_writer_fails(step, self._writer)
