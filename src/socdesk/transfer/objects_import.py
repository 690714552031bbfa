"""Importing the objects of any class but Incident from a file: every field of every row
checked against the class's field list, all or nothing.

The same rules as the incident import (importer.py), driven by the class (`ClassColumns`): the
header names columns by key or label; each row's cells are read by their column's type, nested
(`data_source.product_name` → `data_source: {product_name}`) and checked by the class's
validation (classes/validation.py), the rule every write of an object follows: for a sheet's
rows, while they are read (object_rows.py), the rule taking whole any row that does not plainly
fit. Rows are taken in chunks: while no problem has been found, each good chunk is written in
the request's transaction through the objects' change path (a binary COPY or one executemany
for the chunk's objects, one INSERT ... SELECT for their audit events), so memory stays
bounded; after the first problem, writing stops but checking goes on, so the answer lists every
problem, and the transaction is rolled back.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.classes.fields import LINKED_INCIDENT
from socdesk.classes.registry import DataClass
from socdesk.classes.validation import check_data_object
from socdesk.incidents.repository import IncidentRepository
from socdesk.kit.errors import ErrorDetail, ValidationFailed
from socdesk.kit.gc_pause import gc_paused
from socdesk.objects.changes import Batch, ObjectChanges
from socdesk.objects.repository import DataObjectRepository
from socdesk.settings import Settings
from socdesk.transfer.class_columns import ClassColumns
from socdesk.transfer.columns import Column
from socdesk.transfer.object_rows import Row, RowPlan, shown
from socdesk.transfer.object_sink import ObjectSink
from socdesk.transfer.readers import FileFormat, csv_rows, detect_format, json_objects, xlsx_rows
from socdesk.transfer.xlsx_checks import XlsxLimits
from socdesk.workspaces.scope import WorkspaceScope

CHUNK_ROWS = 2000
YIELD_EVERY = 64
# What an import's audit events name as the batch's type.
IMPORT_BATCH = "import"


class ObjectImporter:
    def __init__(
        self,
        session: AsyncSession,
        scope: WorkspaceScope,
        settings: Settings,
        data_class: DataClass,
    ) -> None:
        self.settings = settings
        self.data_class = data_class
        self.columns = ClassColumns(data_class)
        self.changes = ObjectChanges(session, scope)
        self.objects = DataObjectRepository(session, scope.workspace_id)
        self.incidents = IncidentRepository(session, scope.workspace_id)
        self.problems: list[ErrorDetail] = []
        self.more_problems = 0
        self.seen_ids: set[uuid.UUID] = set()
        self.sink = ObjectSink(self.changes, self.objects, data_class, Batch())

    # Reading -----------------------------------------------------------------------------

    def rows(self, file: IO[bytes]) -> Iterator[Row]:
        kind = detect_format(file.read(8))
        file.seek(0)
        if kind is FileFormat.json:
            return self._json_rows(json_objects(file))
        if kind is FileFormat.csv:
            return self._tabular_rows(csv_rows(file))
        limits = XlsxLimits(
            self.settings.xlsx_max_uncompressed_bytes,
            self.settings.xlsx_max_compression_ratio,
            max_rows=self.settings.import_max_rows + 1,  # and the header row
            max_columns=self.settings.import_max_columns,
        )
        return self._tabular_rows(xlsx_rows(file, limits))

    def _header(self, cells: list[Any]) -> list[Column | None]:
        columns: list[Column | None] = []
        problems: list[ErrorDetail] = []
        seen: set[str] = set()
        for cell in cells:
            text = "" if cell is None else str(cell).strip()
            column = self.columns.for_header(text) if text else None
            if text and column is None:
                problems.append(ErrorDetail(text[:100], "unknown column", row=1, value=text[:100]))
            elif column is not None and column.key in seen:
                problems.append(
                    ErrorDetail(column.key, "the column appears twice", row=1, value=text[:100])
                )
            elif column is not None:
                seen.add(column.key)
            columns.append(column)
        if problems:
            raise ValidationFailed(
                f"the header row has columns the {self.data_class.name} class does not have; "
                "nothing was imported",
                details=problems,
            )
        if not seen:
            raise ValidationFailed.for_field("uploadFile", "the file has no header row")
        return columns

    def _tabular_rows(self, rows: Iterator[list[Any]]) -> Iterator[Row]:
        header = next(rows, None)
        if header is None:
            raise ValidationFailed.for_field("uploadFile", "the file is empty")
        columns = [
            (index, column, self.columns.reader(column))
            for index, column in enumerate(self._header(header))
            if column is not None
        ]
        return RowPlan(self.data_class, columns).rows(rows)

    def _json_rows(self, objects: list[Any]) -> Iterator[Row]:
        for index, item in enumerate(objects):
            if not isinstance(item, dict):
                problem = ErrorDetail("data_object", "must be a JSON object", index, shown(item))
                yield Row(index, {}, [problem])
            else:
                yield Row(index, item, [])

    # Checking and writing ----------------------------------------------------------------

    async def run(self, file: IO[bytes], filename: str) -> list[uuid.UUID]:
        """Import the file's objects; their ids in file order, or a ValidationFailed listing
        every problem (the caller's transaction then rolls back whatever was written)."""
        self.sink.batch = Batch(name=filename, type=IMPORT_BATCH)
        try:
            # As the incident import: the cyclic collector would walk every row held so far.
            with gc_paused():
                await self._run(file)
                if self.problems or self.more_problems:
                    await self.sink.abort()  # what was written rolls back
                ids = await self.sink.finish()
        except BaseException:
            # A write in flight is let finish (never cancelled mid-statement, as a driver may
            # finish it after the rollback); the caller's transaction then rolls back.
            await self.sink.abort()
            raise
        if self.problems or self.more_problems:
            total = len(self.problems) + self.more_problems
            more = f" (the first {len(self.problems)} are listed)" if self.more_problems else ""
            raise ValidationFailed(
                f"{total} problems in the file{more}; nothing was imported",
                details=self.problems,
            )
        if not ids:
            raise ValidationFailed.for_field(
                "uploadFile", f"the file holds no {self.data_class.name} objects"
            )
        return ids

    async def _run(self, file: IO[bytes]) -> None:
        chunk: list[Row] = []
        count = 0
        for row in self.rows(file):
            count += 1
            if count > self.settings.import_max_rows:
                raise ValidationFailed.for_field(
                    "uploadFile", f"the file has more than {self.settings.import_max_rows} rows"
                )
            chunk.append(row)
            if count % YIELD_EVERY == 0:
                await asyncio.sleep(0)
            if len(chunk) == CHUNK_ROWS:
                await self._import_chunk(chunk)
                chunk = []
        await self._import_chunk(chunk)

    def _report(self, problems: list[ErrorDetail]) -> None:
        room = max(self.settings.import_max_errors - len(self.problems), 0)
        self.problems += problems[:room]
        self.more_problems += max(len(problems) - room, 0)

    async def _import_chunk(self, chunk: list[Row]) -> None:
        if not chunk:
            return
        await self._check_ids(chunk)  # takes the id out of each row's object
        for row in chunk:
            if not row.checked:  # the rule words every problem (transfer/object_rows.py)
                row.problems += check_data_object(self.data_class, row.data, row=row.number)
        await self._check_links(chunk)
        for row in chunk:
            if row.problems:
                self._report(row.problems)
        if self.problems or self.more_problems:
            return  # what was written rolls back with the transaction
        # Written while the next chunks are read and checked (object_sink.py).
        await self.sink.write(chunk)

    async def _check_ids(self, chunk: list[Row]) -> None:
        """Ids given in the file must be well formed, unique in the file and new here."""
        for row in chunk:
            text = row.data.pop("id", None)
            if text is None or text == "":
                continue
            try:
                parsed = uuid.UUID(text) if isinstance(text, str) else None
            except ValueError:
                parsed = None
            if parsed is None:
                row.problems.append(ErrorDetail("id", "not a valid id", row.number, shown(text)))
                continue
            if parsed in self.seen_ids:
                row.problems.append(
                    ErrorDetail("id", "the id appears twice in the file", row.number, text)
                )
            self.seen_ids.add(parsed)
            row.given_id = parsed
        given = [r.given_id for r in chunk if r.given_id is not None]
        if not given:
            return
        await self.sink.pause()
        here = await self.objects.existing_ids(given)
        for row in chunk:
            if row.given_id in here:
                row.problems.append(
                    ErrorDetail(
                        "id",
                        "an object with this id already exists in the workspace",
                        row.number,
                        str(row.given_id),
                    )
                )

    async def _check_links(self, chunk: list[Row]) -> None:
        """An object linked to an incident must name one of this workspace's."""
        key = LINKED_INCIDENT.key
        wanted: list[tuple[Row, uuid.UUID]] = []
        for row in chunk:
            raw = row.data.get(key)
            if type(raw) is not str or not raw:
                continue
            try:
                wanted.append((row, uuid.UUID(raw)))
            except ValueError:
                row.problems.append(
                    ErrorDetail(key, "is not an incident id", row.number, raw[:100])
                )
        if not wanted:
            return
        await self.sink.pause()
        known = await self.incidents.existing_ids(list({i for _row, i in wanted}))
        for row, linked in wanted:
            if linked not in known:
                row.problems.append(
                    ErrorDetail(
                        key, "no incident of this workspace has this id", row.number, str(linked)
                    )
                )
