"""Importing incidents from a file: every cell of every row checked, all or nothing.

Rows are checked in chunks (`candidates.py` reads them; rows the fast checks cannot vouch for
are validated by Pydantic, which words every problem). While no problem has been found, each
good chunk is handed to the sink, which streams it into the request's transaction (COPY on
PostgreSQL), so memory stays bounded; after the first problem, writing stops but checking goes
on, so the answer lists every problem, and the transaction is rolled back: nothing is written.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import IO

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.classes.registry import DataClass
from socdesk.incidents import added_fields
from socdesk.incidents.changes import IncidentChanges
from socdesk.incidents.mapping import missing_required, sent_fields
from socdesk.incidents.record import IncidentObject
from socdesk.kit.changefeed import ChangeKind
from socdesk.kit.errors import ErrorDetail, ValidationFailed
from socdesk.kit.gc_pause import gc_paused
from socdesk.settings import Settings
from socdesk.transfer.candidates import Candidate, json_candidates, scalar, tabular_candidates
from socdesk.transfer.incident_columns import SECMASTER_ONLY, IncidentColumns
from socdesk.transfer.readers import FileFormat, csv_rows, detect_format, json_objects, xlsx_rows
from socdesk.transfer.sink import IncidentSink
from socdesk.transfer.xlsx_checks import XlsxLimits
from socdesk.workspaces.scope import WorkspaceScope

CHUNK_ROWS = 2000
# Checking is CPU work that never awaits: every so many rows, let the writer task send the
# database its next statement, so the database never waits long for the importer.
YIELD_EVERY = 64


def validate_candidate(candidate: Candidate, added: DataClass | None = None) -> None:
    """Pydantic's verdict on a row the fast checks left to it, and the class rule's on the
    fields the workspace added (`added`: the Incident class reduced to them): its problems, or
    its fields."""
    data = candidate.data if candidate.data is not None else {}
    for key in missing_required(data):
        candidate.problems.append(ErrorDetail(key, "mandatory field is empty", candidate.row, None))
    # A row is a whole data_object: the added fields it carries, and those it must, are the
    # class rule's (a key that is no field, SecMaster's or added, is refused there too).
    extras = added_fields.added_values(data)
    if extras or added is not None:
        rule = added or added_fields.NONE_ADDED
        candidate.problems += added_fields.problems_of(rule, extras, candidate.row)
    try:
        validated = IncidentObject.model_validate(data)
    except ValidationError as error:
        for problem in error.errors():
            candidate.problems.append(
                ErrorDetail(
                    ".".join(map(str, problem["loc"])) or "data_object",
                    problem["msg"],
                    candidate.row,
                    scalar(problem.get("input")) if problem["type"] != "missing" else None,
                )
            )
        return
    if not candidate.problems:
        candidate.sent = sent_fields(validated)


class IncidentImporter:
    def __init__(self, session: AsyncSession, scope: WorkspaceScope, settings: Settings) -> None:
        self.session = session
        self.scope = scope
        self.settings = settings
        self.changes = IncidentChanges(session, scope)
        # The workspace's columns: SecMaster's, and those of the fields it added (read by `run`).
        self.layout = SECMASTER_ONLY
        self.problems: list[ErrorDetail] = []
        self.more_problems = 0
        self.seen_ids: set[uuid.UUID] = set()

    def candidates(self, file: IO[bytes]) -> Iterator[Candidate]:
        kind = detect_format(file.read(8))
        file.seek(0)
        if kind is FileFormat.json:
            return json_candidates(json_objects(file), self.layout)
        if kind is FileFormat.csv:
            return tabular_candidates(csv_rows(file), self.layout)
        limits = XlsxLimits(
            self.settings.xlsx_max_uncompressed_bytes,
            self.settings.xlsx_max_compression_ratio,
            max_rows=self.settings.import_max_rows + 1,  # and the header row
            max_columns=self.settings.import_max_columns,
        )
        return tabular_candidates(xlsx_rows(file, limits), self.layout)

    async def run(self, file: IO[bytes], filename: str) -> list[uuid.UUID]:
        """Import the file's incidents; their ids in file order, or a ValidationFailed listing
        every problem (the caller's transaction then rolls back whatever was written)."""
        self.layout = IncidentColumns(await added_fields.added_class(self.session, self.scope))
        sink = IncidentSink(self.changes, filename)
        try:
            with gc_paused():
                imported = await self._run(file, sink)
        except BaseException as error:
            await sink.abort(error)
            raise
        if self.problems or self.more_problems:
            total = len(self.problems) + self.more_problems
            more = f" (the first {len(self.problems)} are listed)" if self.more_problems else ""
            raise ValidationFailed(
                f"{total} problems in the file{more}; nothing was imported",
                details=self.problems,
            )
        if not imported:
            raise ValidationFailed.for_field("uploadFile", "the file holds no incidents")
        await self.changes.published(ChangeKind.create, imported)
        return imported

    async def _run(self, file: IO[bytes], sink: IncidentSink) -> list[uuid.UUID]:
        chunk: list[Candidate] = []
        count = 0
        for candidate in self.candidates(file):
            count += 1
            if count > self.settings.import_max_rows:
                raise ValidationFailed.for_field(
                    "uploadFile", f"the file has more than {self.settings.import_max_rows} rows"
                )
            chunk.append(candidate)
            if count % YIELD_EVERY == 0:
                await asyncio.sleep(0)
            if len(chunk) == CHUNK_ROWS:
                await self._import_chunk(chunk, sink)
                chunk = []
        await self._import_chunk(chunk, sink)
        return await sink.finish()

    def _report(self, problems: list[ErrorDetail]) -> None:
        room = self.settings.import_max_errors - len(self.problems)
        self.problems += problems[: max(room, 0)]
        self.more_problems += max(len(problems) - max(room, 0), 0)

    async def _import_chunk(self, chunk: list[Candidate], sink: IncidentSink) -> None:
        if not chunk:
            return
        for candidate in chunk:
            if candidate.sent is None:
                validate_candidate(candidate, self.layout.added)
        ids = await self._check_ids(chunk, sink)
        for candidate in chunk:
            self._report(candidate.problems)
        if self.problems or self.more_problems:
            await sink.pause()  # the rows written so far roll back with the transaction
            return
        fields = []
        for candidate, given in zip(chunk, ids, strict=True):
            assert candidate.sent is not None
            fields.append((candidate.sent, given))
        await sink.write(fields)

    async def _check_ids(
        self, chunk: list[Candidate], sink: IncidentSink
    ) -> list[uuid.UUID | None]:
        """Ids given in the file must be well formed, unique in the file and new."""
        ids: list[uuid.UUID | None] = []
        for candidate in chunk:
            text = candidate.given_id
            if text is None:
                ids.append(None)
                continue
            try:
                parsed = uuid.UUID(str(text))
            except ValueError:
                candidate.problems.append(ErrorDetail("id", "not a valid id", candidate.row, text))
                ids.append(None)
                continue
            if parsed in self.seen_ids:
                candidate.problems.append(
                    ErrorDetail("id", "the id appears twice in the file", candidate.row, text)
                )
            self.seen_ids.add(parsed)
            ids.append(parsed)
        given = [i for i in ids if i is not None]
        if not given:
            return ids
        await sink.pause()
        taken = await self.changes.existing_ids(given)
        for candidate, chosen in zip(chunk, ids, strict=True):
            if chosen in taken:
                candidate.problems.append(
                    ErrorDetail(
                        "id", "an incident with this id already exists", candidate.row, str(chosen)
                    )
                )
        return ids
