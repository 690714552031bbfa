"""Where an import's incidents go: the incidents table, in file order, in the request's
transaction, with their workspace numbers and one audit event each.

The importer builds each good chunk's rows and hands them over; the writer task
(chunk_writer.py) stores them (binary COPY on PostgreSQL, executemany on SQLite) and writes
their audit events (one INSERT ... SELECT), while the importer goes on reading and checking the
next chunks. Numbers come from the workspace counter, locked at the first write (as any
create locks it) and moved on once at the end. Nothing is committed here: a failure anywhere
leaves the request's transaction to roll back, and every statement runs in that transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from socdesk.incidents.changes import IncidentChanges
from socdesk.incidents.new_rows import ID, ROW_COLUMNS, as_dict
from socdesk.kit.bulk import CopyStream
from socdesk.kit.clock import utcnow
from socdesk.kit.ids import time_ordered_uuids
from socdesk.models import Incident
from socdesk.transfer.chunk_writer import ChunkWriter, Rows


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
        self._writer = ChunkWriter(self._store)

    async def write(self, fields: Sequence[tuple[dict[str, Any], uuid.UUID | None]]) -> None:
        """Build the rows and queue them for the writer (waiting while two chunks wait)."""
        if not fields:
            return
        if not self._writer.started:
            # Count 0: lock the workspace counter and read it; `finish` moves it on.
            self._first_number = (await self.changes.numbers(0)).start
            self._next_number = self._first_number
            # One event for every incident (the database fills in each incident's id).
            self._event = self.changes.import_event(self.source)
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
        await self._writer.put(rows)

    async def _store(self, rows: Rows) -> None:
        ids = [row[ID] for row in rows]
        if self._copy is not None:
            await self._copy.write(rows)
            await self._copy.close()
        else:
            await self.changes.insert_rows([as_dict(row) for row in rows])
        await self.changes.add_import_events(ids, self._event)

    async def pause(self) -> None:
        """Wait until every queued chunk is stored, so the session is free for a query."""
        await self._writer.pause()

    async def abort(self, error: BaseException) -> None:
        """Stop on an error; the caller's transaction is to be rolled back."""
        await self._writer.abort()
        if self._copy is not None:
            await self._copy.abort(error)

    async def finish(self) -> list[uuid.UUID]:
        """Store what is queued and move the workspace counter on; the ids of the new
        incidents, in file order."""
        if not self._writer.started:
            return []
        await self._writer.finish()
        numbers = await self.changes.numbers(len(self.ids))
        if numbers.start != self._first_number:
            # The counter stays locked from the first write: this cannot happen.
            raise RuntimeError("the incident counter moved during an import")
        return self.ids
