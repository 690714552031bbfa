"""Exporting incidents in the template's layout (SecMaster's columns, then the fields the
workspace added: incident_columns.py), filtered and sorted like a search."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.classes.registry import DataClass
from socdesk.incidents import added_fields, mapping
from socdesk.incidents.repository import IncidentRepository
from socdesk.incidents.search import SearchBody, order_by, where_clause
from socdesk.kit.errors import ErrorDetail, ValidationFailed
from socdesk.kit.ids import hex_id
from socdesk.settings import Settings
from socdesk.transfer.columns import Column
from socdesk.transfer.incident_columns import IncidentColumns
from socdesk.transfer.writers import csv_bytes, flatten, json_bytes, xlsx_bytes, xlsx_row
from socdesk.workspaces.scope import WorkspaceScope


class ExportFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"


class Layout(Protocol):
    """A file's columns and how a header cell or title names one (IncidentColumns for
    incidents, ClassColumns for any other class)."""

    @property
    def columns(self) -> tuple[Column, ...]: ...

    def for_header(self, header: str) -> Column | None: ...


def columns_for(layout: Layout, titles: Sequence[str] | None) -> list[Column]:
    """The export's columns, in the order asked (field keys or labels, each once); all when
    none. 400 naming every title that names none."""
    if not titles:
        return list(layout.columns)
    chosen: list[Column] = []
    problems: list[ErrorDetail] = []
    for index, title in enumerate(titles):
        column = layout.for_header(title)
        if column is None:
            problems.append(ErrorDetail(f"title.{index}", "unknown column", value=title[:100]))
        elif column not in chosen:
            chosen.append(column)
    if problems:
        raise ValidationFailed(
            "title: " + ", ".join(f"{p.value!r} is not a column" for p in problems),
            details=problems,
        )
    return chosen


class IncidentExporter:
    def __init__(self, session: AsyncSession, scope: WorkspaceScope, settings: Settings) -> None:
        self.session = session
        self.scope = scope
        self.settings = settings
        self.project_hex = hex_id(scope.project.id)
        self.incidents = IncidentRepository(session, scope.workspace_id)

    async def _data_objects(
        self, search: SearchBody, added: DataClass | None
    ) -> AsyncIterator[dict[str, Any]]:
        where = where_clause(search, added)
        total = await self.incidents.count(where)
        if total > self.settings.export_max_rows:
            raise ValidationFailed.for_field(
                "data_object_filters_form",
                f"{total} incidents match; exports are limited to "
                f"{self.settings.export_max_rows}: narrow the filter",
            )
        async for row in self.incidents.stream(where, order_by(search, added)):
            yield mapping.data_object(row, self.project_hex)

    async def export(
        self, search: SearchBody, titles: Sequence[str] | None, kind: ExportFormat
    ) -> bytes:
        """The file's bytes. Limit and offset of the filter are ignored: every match is
        exported, up to the export_max_rows setting."""
        layout = IncidentColumns(await added_fields.added_class(self.session, self.scope))
        columns = columns_for(layout, titles)
        objects = [o async for o in self._data_objects(search, layout.added)]
        if kind is ExportFormat.json:
            wanted = {c.key.split(".")[0] for c in columns} | {"id"}
            return json_bytes({k: v for k, v in o.items() if k in wanted} for o in objects)
        if kind is ExportFormat.csv:
            return csv_bytes(columns, (flatten(o, columns) for o in objects))
        # Every cell is checked before the workbook is begun: a refusal leaves no writer open.
        rows = [xlsx_row(o["id"], flatten(o, columns), columns) for o in objects]
        return xlsx_bytes(columns, rows)
