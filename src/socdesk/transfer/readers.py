"""Reading uploaded files as rows, whatever their name says: XLSX, CSV or JSON by content.

CSV is read as a stream; JSON is parsed whole under the upload size cap; an XLSX is checked
in bounded memory before calamine opens it (`xlsx_checks.py`: zip and XML bombs, and how far
its rows and cells reach), then its first sheet is iterated row by row.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from collections.abc import Iterator
from enum import StrEnum
from typing import IO, Any

from python_calamine import CalamineWorkbook

from socdesk.kit import jsonbody
from socdesk.kit.errors import ErrorDetail, ValidationFailed
from socdesk.transfer.xlsx_checks import XlsxLimits, check_xlsx

XLSX_MAGIC = b"PK\x03\x04"
UTF8_BOM = codecs.BOM_UTF8


class FileFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed.for_field("uploadFile", message)


def detect_format(head: bytes) -> FileFormat:
    """The file's format from its first bytes."""
    if head.startswith(XLSX_MAGIC):
        return FileFormat.xlsx
    text = head.removeprefix(UTF8_BOM).lstrip()
    if text.startswith(b"["):
        return FileFormat.json
    if not text:
        raise _refuse("the file is empty")
    try:
        # The head may end inside a multi-byte character: only that part may fail.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        raise _refuse("not an XLSX, CSV or JSON file (CSV must be UTF-8)") from None
    return FileFormat.csv


def xlsx_rows(file: IO[bytes], limits: XlsxLimits) -> Iterator[list[Any]]:
    """Rows of the first sheet, as lists of cell values (after `check_xlsx`)."""
    check_xlsx(file, limits)
    try:
        workbook = CalamineWorkbook.from_filelike(file)
        sheet = workbook.get_sheet_by_index(0)
        yield from sheet.iter_rows()
    except ValidationFailed:
        raise
    except Exception as error:  # calamine raises its own errors for every kind of damage
        raise _refuse(f"the XLSX file cannot be read: {error}") from None


def _delimiter(first_line: str) -> str:
    """Comma or semicolon: whichever the header row uses outside quotes."""
    outside = first_line.split('"')[::2]
    commas = sum(part.count(",") for part in outside)
    semicolons = sum(part.count(";") for part in outside)
    return ";" if semicolons > commas else ","


def csv_rows(file: IO[bytes]) -> Iterator[list[str]]:
    """Rows of a UTF-8 CSV (with or without BOM), streamed."""
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
        delimiter = _delimiter(first)
        yield from csv.reader(io.StringIO(first), delimiter=delimiter)
        yield from csv.reader(text, delimiter=delimiter)
    except UnicodeDecodeError:
        raise _refuse("the CSV file is not UTF-8") from None
    except csv.Error as error:
        raise _refuse(f"the CSV file cannot be read: {error}") from None
    finally:
        # Leave the upload open for its owner; it may already be closed if the reader was
        # abandoned after the request ended.
        with contextlib.suppress(ValueError):
            text.detach()


def json_objects(file: IO[bytes]) -> list[Any]:
    """The array of data_objects a JSON file holds, held to the JSON rule every body follows
    (kit/jsonbody.py): nesting within SOCDESK_JSON_MAX_DEPTH, numbers finite and within 64
    bits."""
    data = file.read()
    try:
        value = jsonbody.loads(data)
    except ValidationFailed as failure:
        raise _file_problems(failure) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise _refuse(f"the JSON file cannot be read: {error}") from None
    if not isinstance(value, list):
        raise _refuse("a JSON file must hold an array of incident data_objects")
    return value


def _file_problems(failure: ValidationFailed) -> ValidationFailed:
    """The refusal told as import problems: `row` the 0-based index in the array, `field` the
    path inside that data_object; the whole file for a problem of the file (its depth)."""
    details = []
    for detail in failure.details:
        index, _, inner = detail.field.partition(".")
        if detail.field == "body" or not index.isdigit():
            details.append(ErrorDetail("uploadFile", detail.message, value=detail.value))
        else:
            details.append(
                ErrorDetail(inner or "data_object", detail.message, int(index), detail.value)
            )
    if len(details) == 1 and details[0].row is None:
        return _refuse(details[0].message)
    summary = "; ".join(f"row {d.row}, {d.field}: {d.message}" for d in details[:5])
    return ValidationFailed(
        f"the JSON file holds numbers no store can hold: {summary}", details=details
    )
