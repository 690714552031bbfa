"""Where an object import's rows go: the objects' change path (objects/changes.py), chunk by
chunk in file order, in the request's transaction.

The importer hands over each good chunk; its rows are built here, at once (objects/new_rows.py:
the documents completed, the promoted columns derived), and the writer task (chunk_writer.py)
stores them while the importer goes on reading and checking the next ones, so the writer's own
Python work is only sending the rows. Every object of one import is created at the same time,
as an incident import's are. Nothing is committed here: a failure anywhere leaves the
request's transaction to roll back.
"""

from __future__ import annotations

import uuid

from socdesk.classes.registry import DataClass
from socdesk.kit.clock import utcnow
from socdesk.kit.ids import time_ordered_uuids
from socdesk.objects.changes import Batch, ObjectChanges
from socdesk.objects.origins import DATA_SOURCE
from socdesk.objects.repository import DataObjectRepository
from socdesk.transfer.chunk_writer import ChunkWriter, Rows
from socdesk.transfer.object_rows import Row


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
        self._rows = changes.new_rows(data_class, DATA_SOURCE, utcnow())
        self._writer = ChunkWriter(self._store)

    async def write(self, chunk: list[Row]) -> None:
        """Build a chunk of checked rows and queue it (waiting while the writer is behind)."""
        if not chunk:
            return
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
        await self._writer.put(rows)

    async def pause(self) -> None:
        """Wait until every queued chunk is stored, so the session is free for a query."""
        await self._writer.pause()

    async def finish(self) -> list[uuid.UUID]:
        """Store what is queued; the ids of the new objects, in file order."""
        await self._writer.finish()
        return self.ids

    async def abort(self) -> None:
        """Stop on an error; the caller's transaction is to be rolled back."""
        await self._writer.abort()

    async def _store(self, rows: Rows) -> None:
        await self.changes.store_new(self._rows, rows, self.batch)
