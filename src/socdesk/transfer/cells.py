"""One cell in, one value out: reading import cells and writing export cells."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from socdesk.kit import jsonbody
from socdesk.kit.clock import format_time
from socdesk.kit.errors import ValidationFailed
from socdesk.transfer.columns import CellKind, Column

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _needs_quote(text: str) -> bool:
    if text.startswith(FORMULA_STARTS):
        return True
    return text.startswith("'") and _needs_quote(text[1:])


def neutralise(text: str) -> str:
    """`'=1+2` for `=1+2`, so a spreadsheet shows it as text; `restore` undoes it exactly."""
    return "'" + text if _needs_quote(text) else text


def restore(text: str) -> str:
    return text[1:] if text.startswith("'") and _needs_quote(text[1:]) else text


# XML 1.0 cannot hold C0 control characters other than tab, LF and CR, so openpyxl refuses
# them (U+FFFE and U+FFFF it writes as they are, and calamine reads them back). XLSX text
# writes any character as `_xHHHH_` (ECMA-376 ST_Xstring), and a literal `_xHHHH_` as
# `_x005F_xHHHH_`; calamine decodes both on import, so the value returns exactly.
_XLSX_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]|_(?=x[0-9A-Fa-f]{4}_)")
# The most characters an XLSX cell holds; openpyxl cuts longer text silently.
XLSX_MAX_CELL_CHARACTERS = 32_767


def xlsx_text(text: str) -> str:
    """`text` as an XLSX cell can hold it: unwritable characters as `_xHHHH_` escapes."""
    return _XLSX_UNWRITABLE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


class CellError(ValueError):
    """A cell that cannot become its column's value; the message says why."""


def _as_int(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError("must be a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError("must be a whole number")
        return int(value)
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise CellError("must be a whole number") from None


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return format_time(value if value.tzinfo else value.replace(tzinfo=UTC))
    return restore(str(value))


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and (not value or value.isspace()))


def _read_text(value: Any) -> Any:
    if isinstance(value, str):
        if not value or value.isspace():
            return None
        return restore(value) if value[0] == "'" else value
    return None if value is None else _as_text(value)


def _read_int(value: Any) -> Any:
    if type(value) is str:  # most cells: the same steps as below, fewer calls
        if not value or value.isspace():
            return None
        try:
            return int(value.strip())
        except ValueError:
            raise CellError("must be a whole number") from None
    return None if _empty(value) else _as_int(value)


def _read_time(value: Any) -> Any:
    if _empty(value):
        return None
    if isinstance(value, datetime):
        # Spreadsheet dates carry no zone: they are read as UTC (docs/import-export.md).
        return format_time(value if value.tzinfo else value.replace(tzinfo=UTC))
    if isinstance(value, date):
        return format_time(datetime(value.year, value.month, value.day, tzinfo=UTC))
    return str(value).strip()


def _read_json(value: Any) -> Any:
    if _empty(value):
        return None
    if isinstance(value, list | dict):
        return value
    text = value if type(value) is str and value[0] != "'" else restore(str(value))
    try:
        # The JSON rule of every body (depth, finite 64-bit numbers), for cells too.
        return jsonbody.loads(text)
    except ValidationFailed as failure:
        raise CellError("; ".join(d.message for d in failure.details)) from None
    except ValueError as error:
        raise CellError(f"not valid JSON ({error})") from None


def cell_reader(column: Column) -> Callable[[Any], Any]:
    """The function turning `column`'s cells into values (None for an empty cell); chosen once
    per column, not once per cell."""
    if column.kind is CellKind.integer or column.key == "data_source.source_type":
        return _read_int
    if column.kind is CellKind.time:
        return _read_time
    if column.kind is CellKind.json:
        return _read_json
    return _read_text


def write_cell(column: Column, value: Any) -> Any:
    """The cell for `value` in an export; text is neutralised against formula injection."""
    if value is None:
        return None
    if column.kind is CellKind.json:
        return neutralise(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value
    return neutralise(str(value))
