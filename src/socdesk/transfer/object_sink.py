"""Where an object import's rows go: the objects' change path (objects/changes.py), chunk by
chunk in file order, in the request's transaction.

A writer task stores each good chunk the importer hands over while the importer goes on
reading and checking the next ones: the database works on chunk N while Python checks chunk
N+1. Up to WAITING_CHUNKS chunks wait for it (so memory stays bounded), which lets the two
sides each run at their own pace rather than wait for one another at every chunk. The importer
uses the session only while the writer is idle (`pause`). Nothing is committed here: a
failure anywhere leaves the request's transaction to roll back.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable

from socdesk.classes.registry import DataClass
from socdesk.objects.changes import Batch, ObjectChanges
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
        self._queue: asyncio.Queue[list[Row] | None] = asyncio.Queue(WAITING_CHUNKS)
        self._writer: asyncio.Task[None] | None = None

    async def write(self, chunk: list[Row]) -> None:
        """Queue a chunk of checked rows (waiting while WAITING_CHUNKS wait)."""
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_chunks())
        await self._unless_writer_fails(self._queue.put(chunk))

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
        while True:
            chunk = await self._queue.get()
            try:
                if chunk is None:
                    return
                await self._store(chunk)
            finally:
                self._queue.task_done()

    async def _store(self, chunk: list[Row]) -> None:
        given_ids = [r.given_id for r in chunk if r.given_id is not None]
        given = None
        if given_ids:
            taken = await self.objects.taken_anywhere(given_ids)
            # An id another workspace's object holds is never told: the row gets a new id.
            given = [None if r.given_id in taken else r.given_id for r in chunk]
        created = await self.changes.create(
            self.data_class, [r.data for r in chunk], self.batch, DATA_SOURCE, given
        )
        self.ids += [new.id for new in created]

    async def _unless_writer_fails(self, step: Awaitable[None]) -> None:
        assert self._writer is not None
        await unless_writer_fails(step, self._writer)
