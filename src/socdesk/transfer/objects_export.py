"""Exporting the objects of any class but Incident in its template's layout, filtered and
sorted like a search of the class, and the class's import template."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.classes.registry import DataClass
from socdesk.classes.search import ObjectSearch
from socdesk.kit.conditions import SearchBody
from socdesk.kit.errors import ValidationFailed
from socdesk.objects.repository import DataObjectRepository
from socdesk.settings import Settings
from socdesk.transfer.cells import write_cell
from socdesk.transfer.class_columns import ClassColumns
from socdesk.transfer.columns import Column
from socdesk.transfer.exporter import ExportFormat, columns_for
from socdesk.transfer.writers import csv_bytes, json_bytes, xlsx_bytes, xlsx_row
from socdesk.workspaces.scope import WorkspaceScope


def flatten(data_object: dict[str, Any], columns: Sequence[Column]) -> list[Any]:
    """The cells of one object for `columns` (a dotted key walks into nested objects)."""
    cells = []
    for column in columns:
        value: Any = data_object
        for part in column.key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        cells.append(write_cell(column, value))
    return cells


def sheet_title(data_class: DataClass) -> str:
    """The objects sheet's name: the class's route name (a sheet name holds 31 characters)."""
    name = data_class.route_name.capitalize()
    return "".join(c for c in name if c not in "[]:*?/\\")[:31] or "Objects"


def template_bytes(
    data_class: DataClass, kind: ExportFormat, titles: Sequence[str] | None
) -> bytes:
    """The class's import template (its columns, or those of `titles`) with one sample row."""
    every = ClassColumns(data_class)
    columns = columns_for(every, titles)
    sample = dict(zip(every.columns, every.sample_row(), strict=True))
    rows = [[sample[c] for c in columns]]
    if kind is ExportFormat.json:
        raise ValidationFailed.for_field("format", "the template comes as xlsx or csv", "json")
    if kind is ExportFormat.csv:
        return csv_bytes(columns, rows)
    return xlsx_bytes(columns, rows, template=True, sheet_title=sheet_title(data_class))


class ObjectExporter:
    def __init__(
        self,
        session: AsyncSession,
        scope: WorkspaceScope,
        settings: Settings,
        data_class: DataClass,
    ) -> None:
        self.settings = settings
        self.data_class = data_class
        self.objects = DataObjectRepository(session, scope.workspace_id)

    async def _documents(self, search: SearchBody) -> list[dict[str, Any]]:
        finder = ObjectSearch(self.data_class)
        where = finder.where(search)
        class_id = uuid.UUID(self.data_class.id)
        total = await self.objects.count(class_id, where)
        if total > self.settings.export_max_rows:
            raise ValidationFailed.for_field(
                "data_object_filters_form",
                f"{total} objects match; exports are limited to "
                f"{self.settings.export_max_rows}: narrow the filter",
            )
        return [
            {**row.data_object, "id": str(row.id)}
            async for row in self.objects.stream(class_id, where, finder.order_by(search))
        ]

    async def export(
        self, search: SearchBody, titles: Sequence[str] | None, kind: ExportFormat
    ) -> bytes:
        """The file's bytes. Limit and offset of the filter are ignored: every match is
        exported, up to the export_max_rows setting."""
        columns = columns_for(ClassColumns(self.data_class), titles)
        documents = await self._documents(search)
        if kind is ExportFormat.json:
            wanted = {c.key.split(".")[0] for c in columns} | {"id"}
            return json_bytes({k: v for k, v in d.items() if k in wanted} for d in documents)
        if kind is ExportFormat.csv:
            return csv_bytes(columns, (flatten(d, columns) for d in documents))
        noun = self.data_class.name
        rows = [xlsx_row(d["id"], flatten(d, columns), columns, noun) for d in documents]
        return xlsx_bytes(columns, rows, sheet_title=sheet_title(self.data_class))
