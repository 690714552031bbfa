"""From a sheet's or CSV's rows to objects of a class: each row's cells read by their column's
type, nested (`data_source.product_name` → `data_source: {product_name}`), and, where the
class's rule certainly finds nothing wrong with the object, marked so.

The class's rule (classes/validation.py `check_data_object`) words every problem an object has,
as every write of an object words them. Most rows of a file have none, and for an object built
from columns the rule comes down to less: every column is a field of the class (the header is
checked) inside object fields whose sub-fields the rule walks, so what is left is each value's
type check and the required fields being there. `RowPlan` runs exactly those checks (the
rule's own functions) while it reads the cells, and marks a row `checked` when all pass. Any
other row — a cell that cannot be read, a value that fails its check, a required field empty
or missing, an empty text from a JSON cell — is left to `check_data_object` whole.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from socdesk.classes.fields import ClassField, FieldType
from socdesk.classes.registry import DataClass
from socdesk.classes.validation import type_check
from socdesk.kit.errors import ErrorDetail
from socdesk.transfer.cells import CellError
from socdesk.transfer.columns import Column

# The column the importer takes out of each object before the rule sees it (the object's id).
ID_KEY = "id"


@dataclass(slots=True)
class Row:
    """One row of the file: its object (nested), its problems, the id it gives, and whether
    the class's rule is known to find no problem in its object (`RowPlan`)."""

    number: int
    data: dict[str, Any]
    problems: list[ErrorDetail]
    given_id: uuid.UUID | None = None
    checked: bool = False


def shown(value: Any) -> Any:
    """A cell's value as a problem shows it: short, and only text or numbers."""
    if isinstance(value, str):
        return value[:100]
    return value if isinstance(value, int | float | bool) or value is None else str(value)[:100]


# (cell index, reader, type check or None, field, parent keys, last key, mandatory)
_Cell = tuple[
    int,
    Callable[[Any], Any],
    Callable[[ClassField, Any], str | None] | None,
    ClassField,
    tuple[str, ...],
    str,
    bool,
]


def _walked(data_class: DataClass, key: str) -> bool:
    """Whether the rule walks into every parent of `key`: each is an object field of the
    class whose sub-fields it lists (so the rule checks `key`'s value as the plan does)."""
    parts = key.split(".")
    for depth in range(1, len(parts)):
        parent = ".".join(parts[:depth])
        spec = data_class.by_key.get(parent)
        if spec is None or spec.field_type is not FieldType.object:
            return False
        if parent not in data_class.children:
            return False
    return True


class RowPlan:
    """How the rows under one header are read: each column's reader, the rule's check of its
    field, where its value goes in the object, and which required fields it carries."""

    def __init__(
        self,
        data_class: DataClass,
        columns: Sequence[tuple[int, Column, Callable[[Any], Any]]],
    ) -> None:
        keys = {column.key for _index, column, _read in columns}
        required = {key for key, _parts in data_class.required_paths}
        self.cells: list[_Cell] = []
        for index, column, read in columns:
            *parents, last = column.key.split(".")
            spec = column.field
            # The id leaves the object before the rule sees it (the importer checks it).
            check = None if column.key == ID_KEY else type_check(spec)
            mandatory = column.key in required
            self.cells.append((index, read, check, spec, tuple(parents), last, mandatory))
        # A required field that is no column but holds columns (an object of them) is there
        # when one of them has a value; one that is neither fails every row: the rule says so.
        self.required_parents: list[tuple[str, ...]] = []
        # The top-level ones, looked up all at once.
        self.required_tops: frozenset[str] = frozenset()
        # A required id would be missing for the rule, which sees the object without it.
        self.usable = ID_KEY not in required and all(_walked(data_class, k) for k in keys)
        for key, parts in data_class.required_paths:
            if key in keys:
                continue
            if not any(k.startswith(key + ".") for k in keys):
                self.usable = False
            elif len(parts) == 1:
                self.required_tops |= {key}
            else:
                self.required_parents.append(parts)

    def rows(self, rows: Iterator[list[Any]], first_number: int = 2) -> Iterator[Row]:
        """The rows (numbered from `first_number`), empty ones skipped."""
        plan, usable, required_parents = self.cells, self.usable, self.required_parents
        required_tops = self.required_tops
        for number, cells in enumerate(rows, start=first_number):
            width = len(cells)
            data: dict[str, Any] = {}
            problems: list[ErrorDetail] = []
            fits = usable
            for index, read, check, spec, parents, last, mandatory in plan:
                if index >= width:
                    fits = fits and not mandatory
                    continue
                try:
                    value = read(cells[index])
                except CellError as error:
                    problems.append(ErrorDetail(spec.key, str(error), number, shown(cells[index])))
                    fits = False
                    continue
                if value is None:
                    fits = fits and not mandatory
                    continue
                if fits and check is not None and (value == "" or check(spec, value) is not None):
                    fits = False
                if not parents:
                    data[last] = value
                    continue
                holder = data
                for part in parents:
                    inner = holder.get(part)
                    if inner is None:
                        inner = holder[part] = {}
                    holder = inner
                holder[last] = value
            if fits and required_tops:
                fits = required_tops <= data.keys()
            if fits and required_parents:
                fits = all(_present(data, parts) for parts in required_parents)
            if data or problems:
                yield Row(number, data, problems, checked=fits)


def _present(data: dict[str, Any], parts: tuple[str, ...]) -> bool:
    value: Any = data
    for part in parts:
        if type(value) is not dict or part not in value:
            return False
        value = value[part]
    return True
