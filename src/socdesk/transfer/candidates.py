"""From a file's rows to candidates: the fields each row sent, or what Pydantic must look at.

A row goes one of two ways. The fast way reads each cell with its column's reader and checks it
with the check compiled from the request model (`checks.py`), producing the fields exactly as
`mapping.sent_fields` would after Pydantic. Anything the checks do not vouch for — a bad cell,
an empty mandatory field, an unusual value — takes the way every row took before: the raw
values, nested, for Pydantic to validate and to word every problem.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, get_args

from pydantic import BaseModel

from socdesk.classes.fields import ClassField
from socdesk.classes.validation import type_problem
from socdesk.incidents.catalog import REQUIRED_ON_CREATE
from socdesk.incidents.mapping import SERVER_FIELDS, missing_required
from socdesk.incidents.record import IncidentObject
from socdesk.kit.errors import ErrorDetail, ValidationFailed
from socdesk.kit.schemas import unstorable
from socdesk.transfer.cells import CellError, cell_reader
from socdesk.transfer.checks import Check, Refer, field_check, model_check, required_check
from socdesk.transfer.columns import COLUMNS_BY_KEY, Column
from socdesk.transfer.incident_columns import SECMASTER_ONLY, IncidentColumns


@dataclass(slots=True)
class Candidate:
    """One row of the file on its way to becoming an incident: either `sent` (the fields, as
    Pydantic would have left them) or `data` (raw values for Pydantic) with any problems."""

    row: int
    data: dict[str, Any] | None = None
    problems: list[ErrorDetail] = field(default_factory=list)
    sent: dict[str, Any] | None = None
    given_id: Any = None


def scalar(value: Any) -> Any:
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


def _header(cells: list[Any], layout: IncidentColumns = SECMASTER_ONLY) -> list[Column | None]:
    columns: list[Column | None] = []
    problems: list[ErrorDetail] = []
    seen: set[str] = set()
    for cell in cells:
        text = "" if cell is None else str(cell).strip()
        column = layout.for_header(text) if text else None
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


# (cell index, reader, check, mandatory) for one column.
_Cell = tuple[int, Callable[[Any], Any], Check, bool]
# (cell index, reader, field, key parts, mandatory) for one column of a field the workspace
# added, checked by the class rule's own type check.
_AddedCell = tuple[int, Callable[[Any], Any], ClassField, tuple[str, ...], bool]
# (field, its cell or None for a parent object, the parent's sub-fields, mandatory)
_Field = tuple[str, _Cell | None, list[tuple[str, _Cell]], bool]


def _model_of(parent: str) -> type[BaseModel]:
    """The model of a nested field such as `data_source` (annotated `DataSource | None`)."""
    annotation = IncidentObject.model_fields[parent].annotation
    (model,) = [a for a in get_args(annotation) if isinstance(a, type) and a is not type(None)]
    assert issubclass(model, BaseModel)
    return model


class SheetPlan:
    """The fast way for one header: each column's reader and check, in the model's field order
    (the order a dump writes), and nested columns grouped under their parent."""

    def __init__(
        self, columns: list[Column | None], layout: IncidentColumns = SECMASTER_ONLY
    ) -> None:
        by_key = {c.key: index for index, c in enumerate(columns) if c is not None}
        required = frozenset(REQUIRED_ON_CREATE)
        self.id_cell = None
        if "id" in by_key:
            self.id_cell = self._cell(by_key, "id", IncidentObject, frozenset())
        self.fields: list[_Field] = []
        for name in IncidentObject.model_fields:
            if name in SERVER_FIELDS:
                continue
            if name in by_key:
                cell = self._cell(by_key, name, IncidentObject, required)
                self.fields.append((name, cell, [], name in required))
                continue
            prefix = name + "."
            if not any(key.startswith(prefix) for key in by_key):
                continue
            model = _model_of(name)
            children = [
                (child, self._cell(by_key, prefix + child, model, required))
                for child in model.model_fields
                if prefix + child in by_key
            ]
            self.fields.append((name, None, children, name in required))
        # A header without some mandatory column fails every row: leave them all to Pydantic.
        present = {name for name, *_ in self.fields} | set(by_key)
        self.usable = required <= present
        added = layout.added
        self.added: list[_AddedCell] = []
        if added is not None:
            added_required = frozenset(added.required_keys)
            for column in layout.added_columns:
                if column.key in by_key:
                    spec = added.by_key[column.key]
                    parts = tuple(column.key.split("."))
                    mandatory = column.key in added_required
                    self.added.append(
                        (by_key[column.key], layout.reader(column), spec, parts, mandatory)
                    )
            # A required added field the header lacks (or holds only through its sub-fields)
            # is the class rule's to word.
            self.usable = self.usable and added_required <= {c[2].key for c in self.added}

    @staticmethod
    def _cell(
        by_key: dict[str, int], key: str, model: type[BaseModel], required: frozenset[str]
    ) -> _Cell:
        column = COLUMNS_BY_KEY[key]
        check = required_check(field_check(model, key.rpartition(".")[2]))
        return (by_key[key], cell_reader(column), check, key in required)

    def sent(self, cells: list[Any]) -> dict[str, Any] | None:
        """The fields the row sent, or None when Pydantic must look at it."""
        if not self.usable:
            return None
        width = len(cells)
        sent: dict[str, Any] = {}
        try:
            for name, cell, children, needed in self.fields:
                if cell is not None:
                    index, read, check, mandatory = cell
                    value = read(cells[index]) if index < width else None
                    if value is not None:
                        sent[name] = check(value)
                    elif mandatory:
                        return None
                    continue
                group: dict[str, Any] = {}
                for child, (index, read, check, mandatory) in children:
                    value = read(cells[index]) if index < width else None
                    if value is not None:
                        group[child] = check(value)
                    elif mandatory:
                        return None
                if group:
                    sent[name] = group
                elif needed:
                    return None
            for index, read, spec, parts, mandatory in self.added:
                value = read(cells[index]) if index < width else None
                if value is None:
                    if mandatory:
                        return None
                    continue
                if value == "" or type_problem(spec, value) or unstorable(value):
                    return None
                holder = sent
                for part in parts[:-1]:
                    holder = holder.setdefault(part, {})
                holder[parts[-1]] = value
        except (CellError, Refer):
            return None
        return sent

    def given_id(self, cells: list[Any]) -> Any:
        """The row's id cell, read and checked (None when there is none); raises Refer."""
        if self.id_cell is None:
            return None
        index, read, check, _mandatory = self.id_cell
        try:
            value = read(cells[index]) if index < len(cells) else None
        except CellError:
            raise Refer from None
        return None if value is None else check(value)


def _slow_row(
    number: int, cells: list[Any], readers: list[tuple[int, str, Callable[[Any], Any]]]
) -> Candidate | None:
    """The raw values of a row and its unreadable cells, for Pydantic; None for an empty row."""
    values: dict[str, Any] = {}
    problems: list[ErrorDetail] = []
    width = len(cells)
    for index, key, read in readers:
        if index >= width:
            continue
        try:
            value = read(cells[index])
        except CellError as error:
            problems.append(ErrorDetail(key, str(error), number, scalar(cells[index])))
            continue
        if value is not None:
            values[key] = value
    if values or problems:
        data = _nested(values)
        return Candidate(number, data, problems, given_id=data.get("id"))
    return None


def tabular_candidates(
    rows: Iterator[list[Any]], layout: IncidentColumns | None = None
) -> Iterator[Candidate]:
    """Candidates from a sheet or CSV: header = row 1, data from row 2; empty rows skipped.
    `layout`: the workspace's columns (SecMaster's alone when None)."""
    layout = layout or SECMASTER_ONLY
    header = next(rows, None)
    if header is None:
        raise ValidationFailed.for_field("uploadFile", "the file is empty")
    columns = _header(header, layout)
    plan = SheetPlan(columns, layout)
    readers = [
        (index, column.key, layout.reader(column))
        for index, column in enumerate(columns)
        if column is not None
    ]
    for number, cells in enumerate(rows, start=2):
        sent = plan.sent(cells)
        if sent is not None:
            try:
                yield Candidate(number, sent=sent, given_id=plan.given_id(cells))
                continue
            except Refer:
                pass
        slow = _slow_row(number, cells, readers)
        if slow is not None:
            yield slow


_OBJECT_CHECK = model_check(IncidentObject)


def json_candidates(
    objects: list[Any], layout: IncidentColumns | None = None
) -> Iterator[Candidate]:
    """Candidates from a JSON array of data_objects. An object with a field the workspace
    added, or any object when the workspace added a required field, is left to the slow way,
    where the class rule checks those fields."""
    fast = layout is None or layout.added is None or not layout.added.required_keys
    for index, item in enumerate(objects):
        if not isinstance(item, dict):
            problem = ErrorDetail("data_object", "must be a JSON object", index, scalar(item))
            yield Candidate(index, {}, [problem])
            continue
        try:
            dumped = _OBJECT_CHECK(item) if fast else None
        except Refer:
            dumped = None
        if dumped is not None and not missing_required(dumped):
            sent = {k: v for k, v in dumped.items() if k not in SERVER_FIELDS}
            yield Candidate(index, sent=sent, given_id=item.get("id"))
        else:
            yield Candidate(index, item, given_id=item.get("id"))
