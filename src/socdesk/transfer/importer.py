"""Importing incidents from a file: every cell of every row checked, all or nothing.

Rows are validated in chunks. While no problem has been found, each valid chunk is written at
once (COPY on PostgreSQL) inside the request's transaction, so memory stays bounded; after the
first problem, writing stops but checking goes on, so the answer lists every problem, and the
transaction is rolled back: nothing is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.incidents.mapping import missing_required
from socdesk.incidents.schemas import IncidentObject
from socdesk.incidents.service import IncidentService
from socdesk.kit.errors import ErrorDetail, ValidationFailed
from socdesk.models import IncidentAction
from socdesk.settings import Settings
from socdesk.transfer.cells import CellError, cell_reader
from socdesk.transfer.columns import Column, column_for_header
from socdesk.transfer.readers import (
    FileFormat,
    XlsxLimits,
    csv_rows,
    detect_format,
    json_objects,
    xlsx_rows,
)
from socdesk.workspaces.service import WorkspaceScope

CHUNK_ROWS = 2000
_OBJECTS = TypeAdapter(list[IncidentObject])


@dataclass(slots=True)
class Candidate:
    """One row of the file on its way to becoming an incident."""

    row: int
    data: dict[str, Any]
    problems: list[ErrorDetail] = field(default_factory=list)


def _scalar(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


def _nested(values: dict[str, Any]) -> dict[str, Any]:
    """`{"data_source.product_name": x}` → `{"data_source": {"product_name": x}}`."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        parent, dot, child = key.partition(".")
        if dot:
            out.setdefault(parent, {})[child] = value
        else:
            out[key] = value
    return out


def _header(cells: list[Any]) -> list[Column | None]:
    columns: list[Column | None] = []
    problems: list[ErrorDetail] = []
    seen: set[str] = set()
    for cell in cells:
        text = "" if cell is None else str(cell).strip()
        column = column_for_header(text) if text else None
        if text and column is None:
            problems.append(ErrorDetail(text, "unknown column", row=1, value=text))
        elif column is not None and column.key in seen:
            problems.append(ErrorDetail(column.key, "the column appears twice", row=1, value=text))
        elif column is not None:
            seen.add(column.key)
        columns.append(column)
    if problems:
        raise ValidationFailed(
            "the header row has columns SOCdesk does not know; nothing was imported",
            details=problems,
        )
    if not seen:
        raise ValidationFailed.for_field("uploadFile", "the file has no header row")
    return columns


def _tabular(rows: Iterator[list[Any]]) -> Iterator[Candidate]:
    """Candidates from a sheet or CSV: header = row 1, data from row 2; empty rows skipped."""
    header = next(rows, None)
    if header is None:
        raise ValidationFailed.for_field("uploadFile", "the file is empty")
    readers = [
        (index, column.key, cell_reader(column))
        for index, column in enumerate(_header(header))
        if column is not None
    ]
    for number, cells in enumerate(rows, start=2):
        values: dict[str, Any] = {}
        problems: list[ErrorDetail] = []
        width = len(cells)
        for index, key, read in readers:
            if index >= width:
                continue
            try:
                value = read(cells[index])
            except CellError as error:
                problems.append(ErrorDetail(key, str(error), number, _scalar(cells[index])))
                continue
            if value is not None:
                values[key] = value
        if values or problems:
            yield Candidate(number, _nested(values), problems)


def _from_json(objects: list[Any]) -> Iterator[Candidate]:
    for index, item in enumerate(objects):
        if isinstance(item, dict):
            yield Candidate(index, item)
        else:
            problem = ErrorDetail("data_object", "must be a JSON object", index, _scalar(item))
            yield Candidate(index, {}, [problem])


class IncidentImporter:
    def __init__(self, session: AsyncSession, scope: WorkspaceScope, settings: Settings) -> None:
        self.settings = settings
        self.service = IncidentService(session, scope)
        self.problems: list[ErrorDetail] = []
        self.more_problems = 0
        self.seen_ids: set[uuid.UUID] = set()

    def candidates(self, file: IO[bytes]) -> Iterator[Candidate]:
        kind = detect_format(file.read(8))
        file.seek(0)
        if kind is FileFormat.json:
            return _from_json(json_objects(file))
        if kind is FileFormat.csv:
            return _tabular(csv_rows(file))
        limits = XlsxLimits(
            self.settings.xlsx_max_uncompressed_bytes, self.settings.xlsx_max_compression_ratio
        )
        return _tabular(xlsx_rows(file, limits))

    async def run(self, file: IO[bytes], filename: str) -> list[uuid.UUID]:
        """Import the file's incidents; their ids in file order, or a ValidationFailed listing
        every problem (the caller's transaction then rolls back whatever was written)."""
        imported: list[uuid.UUID] = []
        chunk: list[Candidate] = []
        count = 0
        for candidate in self.candidates(file):
            count += 1
            if count > self.settings.import_max_rows:
                raise ValidationFailed.for_field(
                    "uploadFile", f"the file has more than {self.settings.import_max_rows} rows"
                )
            chunk.append(candidate)
            if len(chunk) == CHUNK_ROWS:
                imported += await self._import_chunk(chunk, filename)
                chunk = []
        imported += await self._import_chunk(chunk, filename)
        if self.problems or self.more_problems:
            total = len(self.problems) + self.more_problems
            more = f" (the first {len(self.problems)} are listed)" if self.more_problems else ""
            raise ValidationFailed(
                f"{total} problems in the file{more}; nothing was imported",
                details=self.problems,
            )
        if not imported:
            raise ValidationFailed.for_field("uploadFile", "the file holds no incidents")
        return imported

    def _report(self, problems: list[ErrorDetail]) -> None:
        room = self.settings.import_max_errors - len(self.problems)
        self.problems += problems[: max(room, 0)]
        self.more_problems += max(len(problems) - max(room, 0), 0)

    async def _import_chunk(self, chunk: list[Candidate], filename: str) -> list[uuid.UUID]:
        if not chunk:
            return []
        objects = self._validate(chunk)
        ids = await self._check_ids(chunk)
        for candidate in chunk:
            self._report(candidate.problems)
        if self.problems or self.more_problems:
            return []
        return await self.service.create_many(
            objects, ids=ids, action=IncidentAction.import_, source=filename
        )

    def _validate(self, chunk: list[Candidate]) -> list[IncidentObject]:
        """Validate the chunk in one pass; problems are attached to their candidates."""
        for candidate in chunk:
            for key in missing_required(candidate.data):
                candidate.problems.append(
                    ErrorDetail(key, "mandatory field is empty", candidate.row, None)
                )
        try:
            return _OBJECTS.validate_python([c.data for c in chunk])
        except ValidationError as error:
            for problem in error.errors():
                index, *path = problem["loc"]
                candidate = chunk[int(index)]
                candidate.problems.append(
                    ErrorDetail(
                        ".".join(map(str, path)) or "data_object",
                        problem["msg"],
                        candidate.row,
                        _scalar(problem.get("input")) if problem["type"] != "missing" else None,
                    )
                )
            return []

    async def _check_ids(self, chunk: list[Candidate]) -> list[uuid.UUID | None]:
        """Ids given in the file must be well formed, unique in the file and new."""
        ids: list[uuid.UUID | None] = []
        for candidate in chunk:
            text = candidate.data.get("id")
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
        taken = await self.service.repo.existing_ids([i for i in ids if i is not None])
        for candidate, given in zip(chunk, ids, strict=True):
            if given in taken:
                candidate.problems.append(
                    ErrorDetail(
                        "id", "an incident with this id already exists", candidate.row, str(given)
                    )
                )
        return ids
