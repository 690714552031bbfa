"""The columns of one workspace's incident files: SecMaster's own (columns.py, from the field
catalogue) and, after them, those of the fields the workspace added to the Incident class
(incidents/added_fields.py), laid out as any class's columns are (class_columns.py): a leaf
added field is a column, read by its type and checked by the class rule."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from socdesk.classes.registry import DataClass
from socdesk.transfer.cells import cell_reader
from socdesk.transfer.class_columns import ClassColumns
from socdesk.transfer.columns import COLUMNS, SAMPLE_ROW, Column, column_for_header


@dataclass(frozen=True)
class IncidentColumns:
    """SecMaster's incident columns and the workspace's added ones (`added`: the Incident class
    reduced to the fields the workspace added, None when it added none)."""

    added: DataClass | None = None

    @cached_property
    def _added(self) -> ClassColumns | None:
        return ClassColumns(self.added) if self.added is not None else None

    @cached_property
    def added_columns(self) -> tuple[Column, ...]:
        return self._added.columns if self._added is not None else ()

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        return (*COLUMNS, *self.added_columns)

    @cached_property
    def added_keys(self) -> frozenset[str]:
        return frozenset(c.key for c in self.added_columns)

    def for_header(self, header: str) -> Column | None:
        """The column a header cell names (key or label, with or without the mandatory mark);
        SecMaster's own first."""
        found = column_for_header(header)
        if found is None and self._added is not None:
            found = self._added.for_header(header)
        return found

    def reader(self, column: Column) -> Callable[[Any], Any]:
        """The function turning the column's cells into values."""
        if self._added is not None and column.key in self.added_keys:
            return self._added.reader(column)
        return cell_reader(column)

    def sample_row(self, columns: Sequence[Column]) -> list[Any]:
        """The template's sample row for `columns`: SecMaster's sample values, and for the
        added columns what any class's template shows (a value for each required one)."""
        samples: dict[str, Any] = dict(SAMPLE_ROW)
        if self._added is not None:
            added = zip(self.added_columns, self._added.sample_row(), strict=True)
            samples.update((column.key, value) for column, value in added)
        return [samples.get(c.key) for c in columns]


# The columns of a workspace that added no field to Incident.
SECMASTER_ONLY = IncidentColumns()
