"""Writing incident files: the import template and exports, as XLSX, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from socdesk.kit.errors import ValidationFailed
from socdesk.transfer.cells import XLSX_MAX_CELL_CHARACTERS, write_cell, xlsx_text
from socdesk.transfer.columns import CellKind, Column

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
TIME_HELP = "ISO 8601 with an offset: 2026-11-24T06:33:00.000Z or 2026-11-24T14:33:00+08:00"


def flatten(data_object: dict[str, Any], columns: Sequence[Column]) -> list[Any]:
    """The cells of one incident for `columns`."""
    cells = []
    for column in columns:
        parent, dot, child = column.key.partition(".")
        value = data_object.get(parent)
        if dot:
            value = value.get(child) if isinstance(value, dict) else None
        cells.append(write_cell(column, value))
    return cells


def xlsx_row(
    incident_id: str, cells: list[Any], columns: Sequence[Column], noun: str = "incident"
) -> list[Any]:
    """The cells of one incident as an XLSX sheet holds them exactly: text escaped where XML
    cannot carry a character; a 400 naming the incident and field for text no cell can hold
    (the CSV and JSON exports carry any length)."""
    out = []
    for cell, column in zip(cells, columns, strict=True):
        if isinstance(cell, str):
            cell = xlsx_text(cell)
            if len(cell) > XLSX_MAX_CELL_CHARACTERS:
                raise ValidationFailed.for_field(
                    column.key,
                    f"{noun} {incident_id} has a {column.key} of {len(cell)} characters as an "
                    f"XLSX cell, over the {XLSX_MAX_CELL_CHARACTERS} a cell holds; export it as "
                    "csv or json, which keep any length",
                )
        out.append(cell)
    return out


def _help_rows(columns: Sequence[Column]) -> Iterable[list[str]]:
    yield ["Column", "Field key", "Type", "Mandatory", "Allowed values", "Description"]
    for column in columns:
        field = column.field
        kind = {
            CellKind.time: f"time ({TIME_HELP})",
            CellKind.json: "JSON (a list or object, as in the SecMaster API)",
        }.get(column.kind, column.kind.value)
        yield [
            column.label,
            column.key,
            kind,
            "yes" if field.required else "no",
            ", ".join(field.enum),
            field.description,
        ]


def _add_dropdowns(sheet: Any, columns: Sequence[Column], last_row: int) -> None:
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(columns, start=1):
        if not column.field.enum:
            continue
        values = ",".join(column.field.enum)
        # Excel caps an inline list at 255 characters; every catalogue enum fits, a workspace's
        # own may not (its values are then listed on the Fields sheet only).
        if len(values) > 255 or '"' in values:
            continue
        validation = DataValidation(type="list", formula1=f'"{values}"', allow_blank=True)
        validation.error = f"Choose one of: {', '.join(column.field.enum)}"
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(validation)


def xlsx_bytes(
    columns: Sequence[Column],
    rows: Iterable[list[Any]],
    *,
    template: bool = False,
    sheet_title: str = "Incidents",
) -> bytes:
    """A workbook: the incidents sheet (labels in row 1) and, for a template, drop-downs for
    enum columns and a Fields sheet explaining each column. Exports stream rows through a
    write-only workbook, so memory does not grow with each cell object."""
    workbook = Workbook(write_only=not template)
    if template:
        sheet = workbook.active
        sheet.title = sheet_title
    else:
        sheet = workbook.create_sheet(sheet_title)
    sheet.append([c.label for c in columns])
    for row in rows:
        sheet.append(row)
    if template:
        _add_dropdowns(sheet, columns, 10_000)
        help_sheet = workbook.create_sheet("Fields")
        for help_row in _help_rows(columns):
            help_sheet.append(help_row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(columns: Sequence[Column], rows: Iterable[list[Any]]) -> bytes:
    """UTF-8 with a BOM, so spreadsheet programs read the accents right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.label for c in columns])
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode()


def json_bytes(data_objects: Iterable[dict[str, Any]]) -> bytes:
    return json.dumps(list(data_objects), ensure_ascii=False).encode()
