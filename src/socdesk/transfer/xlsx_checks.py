"""Checking an uploaded XLSX before python-calamine opens it, in bounded memory.

calamine reads a sheet into a dense grid reaching from the sheet's first cell to its farthest
one, 32 bytes a cell, whatever lies between: one cell at `XFD1048576` asks for 512 GiB and the
process aborts. So before calamine sees the file, every XML part of the archive is decompressed
here as a stream (`CHUNK_BYTES` at a time) and fed to expat, which keeps no tree and is refused
any DTD (so no entity is ever declared, let alone expanded: no billion laughs). Its tags are
checked as they stream past: the sheet's declared `<dimension ref>`, every `<row r>` and every
`<c r>` (or, where `r` is left out, the position calamine gives the row or cell: one past the
previous) must stay within the row and column limits, and the grid they span must fit the
decompressed-size budget. A refusal is a 400 naming the limit and its setting.

Tags are matched by local name in any namespace, as calamine matches them; a position is
counted from A1 (calamine counts from the first cell), so the estimate is never below calamine's.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, NoReturn
from xml.parsers import expat

from socdesk.kit.errors import ValidationFailed

CHUNK_BYTES = 1 << 20
# What calamine keeps for each cell of a sheet's grid (its `Data` enum), measured.
GRID_CELL_BYTES = 32
# A real XLSX has a few dozen parts, a big one a few hundred; Python builds an object of about
# 500 bytes for every entry of the central directory, so its size is checked before it is read.
MAX_CENTRAL_DIRECTORY_BYTES = 1 << 20
END_OF_CENTRAL_DIRECTORY = b"PK\x05\x06"
# Archives calamine would read as another format than XLSX (ODS, XLSB), which this check does
# not cover, are refused.
OTHER_FORMAT_PARTS = frozenset({"content.xml", "mimetype", "xl/workbook.bin"})
XML_SUFFIXES = (".xml", ".rels", ".vml")
# Rows count from 1: a row 0 could wrap around in the reader's arithmetic, so it is refused.
CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")
ROW_NUMBER = re.compile(r"[1-9][0-9]{0,6}")
ZIP64_LOCATOR = b"PK\x06\x07"
# The attributes of a cell (ECMA-376 CT_Cell) without a namespace prefix.
CELL_ATTRIBUTES = frozenset({"r", "s", "t", "cm", "vm", "ph"})


@dataclass(frozen=True, slots=True)
class XlsxLimits:
    """The caps an XLSX must fit. `max_rows` counts the header row; `max_columns` is a column
    number (A = 1)."""

    max_uncompressed_bytes: int
    max_ratio: int
    max_rows: int = 200_001
    max_columns: int = 256


def _refuse(message: str) -> NoReturn:
    raise ValidationFailed.for_field("uploadFile", message)


def column_name(number: int) -> str:
    """1 → A, 27 → AA, 16384 → XFD."""
    name = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _central_directory_size(file: IO[bytes]) -> int:
    """The central directory's size as the end record states it (before zipfile reads it)."""
    file.seek(0, 2)
    end = file.tell()
    file.seek(max(end - 65_557, 0))  # the end record (22 bytes) and a comment of up to 64 KiB
    tail = file.read()
    file.seek(0)
    at = tail.rfind(END_OF_CENTRAL_DIRECTORY)
    if at < 0 or len(tail) < at + 22:
        _refuse("the XLSX file is damaged (not a readable zip archive)")
    if at >= 20 and tail[at - 20 : at - 16] == ZIP64_LOCATOR:
        # Its own directory size would stand instead; no XLSX under the upload cap needs one.
        _refuse("the XLSX file is a zip64 archive, which SOCdesk does not read")
    (size,) = struct.unpack_from("<I", tail, at + 12)
    return int(size)


class SheetScan:
    """One XML part streamed through expat, tracking how far its rows and cells reach."""

    def __init__(self, name: str, limits: XlsxLimits) -> None:
        self.name = name
        self.limits = limits
        self.row = 0  # the current row's number (1-based)
        self.column = 0  # the previous cell's column number in the current row
        self.far_row = 0
        self.far_column = 0
        self._handlers: dict[str, Callable[[dict[str, str]], None] | None] = {}
        self._columns: dict[str, int] = {}
        parser = expat.ParserCreate()
        parser.StartElementHandler = self._start
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._entity
        self.parser = parser

    def _doctype(self, *_: object) -> None:
        _refuse(f"the XLSX part {self.name} declares a DTD, which XLSX files never do")

    def _entity(self, *_: object) -> None:
        _refuse(f"the XLSX part {self.name} declares an entity, which XLSX files never do")

    def _start(self, tag: str, attributes: dict[str, str]) -> None:
        # Called for every element (millions in a big sheet, most of them `<v>` or `<t>`):
        # a cell without a prefix is handled first; any other tag's handler is looked up once
        # per distinct tag, by its local name.
        if tag == "c":
            self._cell(attributes)
            return
        try:
            handler = self._handlers[tag]
        except KeyError:
            handler = self._handlers[tag] = self._handler_for(tag.rpartition(":")[2])
        if handler is not None:
            handler(attributes)

    def _handler_for(self, local: str) -> Callable[[dict[str, str]], None] | None:
        return {"c": self._cell, "row": self._row, "dimension": self._dimension}.get(local)

    @staticmethod
    def _reference(attributes: dict[str, str]) -> str | None:
        """The `r` attribute, under any prefix (calamine reads it by local name)."""
        found = None
        for key, value in attributes.items():
            if key == "r" or key.endswith(":r"):
                found = value
        return found

    def _row(self, attributes: dict[str, str]) -> None:
        reference = self._reference(attributes)
        if reference is None:
            self.row += 1
        elif ROW_NUMBER.fullmatch(reference):
            self.row = int(reference)
        else:
            _refuse(f"the XLSX sheet {self.name} has a row numbered {reference[:40]!r}")
        self.column = 0
        self._reach(self.row, 0, f"row {self.row}")

    def _cell(self, attributes: dict[str, str]) -> None:
        # The one handler run for every cell: the usual case (a reference within the limits)
        # costs a match and a few comparisons; any refusal is worded by `_reach`.
        if attributes.keys() <= CELL_ATTRIBUTES:  # no prefixed `r` among them
            reference = attributes.get("r")
        else:
            reference = self._reference(attributes)
        if reference is None:
            self.column += 1
            row, column = self.row, self.column
        else:
            match = CELL_REFERENCE.fullmatch(reference)
            if match is None:
                _refuse(f"the XLSX sheet {self.name} has a cell reference {reference[:40]!r}")
            letters = match[1]
            column = self._columns.get(letters) or self._column_of(letters)
            self.column = column
            row = int(match[2])
        limits = self.limits
        if row > limits.max_rows or column > limits.max_columns:
            where = reference if reference is not None else f"{column_name(column)}{row}"
            self._reach(row, column, f"a cell at {where}")
        if row > self.far_row:
            self.far_row = row
        if column > self.far_column:
            self.far_column = column

    def _column_of(self, letters: str) -> int:
        number = self._columns[letters] = _column_number(letters)
        return number

    def _dimension(self, attributes: dict[str, str]) -> None:
        declared = attributes.get("ref", "")
        for corner in declared.split(":"):
            match = CELL_REFERENCE.fullmatch(corner)
            if match is None:
                _refuse(f"the XLSX sheet {self.name} declares a dimension {declared[:40]!r}")
            self._reach(
                int(match[2]), _column_number(match[1]), f"a dimension of {declared}", declared=True
            )

    def _reach(self, row: int, column: int, what: str, *, declared: bool = False) -> None:
        limits = self.limits
        if row > limits.max_rows:
            _refuse(
                f"the XLSX sheet {self.name} has {what}, beyond the limit of {limits.max_rows} "
                f"rows (SOCDESK_IMPORT_MAX_ROWS = {limits.max_rows - 1}, plus the header row)"
            )
        if column > limits.max_columns:
            _refuse(
                f"the XLSX sheet {self.name} has {what}, beyond the limit of "
                f"{limits.max_columns} columns ({column_name(limits.max_columns)}; "
                "SOCDESK_IMPORT_MAX_COLUMNS)"
            )
        if declared:
            return  # a dimension is only a claim: the cells themselves make the grid
        self.far_row = max(self.far_row, row)
        self.far_column = max(self.far_column, column)

    def feed(self, data: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as error:
            _refuse(f"the XLSX part {self.name} is not well-formed XML ({error})")

    def check_grid(self) -> None:
        """calamine's grid for this sheet must fit the decompressed-size budget too."""
        cells = self.far_row * self.far_column
        budget = self.limits.max_uncompressed_bytes
        if cells * GRID_CELL_BYTES > budget:
            _refuse(
                f"the XLSX sheet {self.name} spans {self.far_row} rows × {self.far_column} "
                f"columns; reading its {cells} cells takes {cells * GRID_CELL_BYTES} bytes, "
                f"over the limit of {budget} (SOCDESK_XLSX_MAX_UNCOMPRESSED_BYTES)"
            )


def _zip_bomb_checks(entries: list[zipfile.ZipInfo], limits: XlsxLimits) -> None:
    total = sum(e.file_size for e in entries)
    if total > limits.max_uncompressed_bytes:
        _refuse(
            f"the XLSX file expands to {total} bytes, over the limit of "
            f"{limits.max_uncompressed_bytes} (SOCDESK_XLSX_MAX_UNCOMPRESSED_BYTES); "
            "refusing a possible zip bomb"
        )
    for entry in entries:
        if (
            entry.file_size > limits.max_ratio * max(entry.compress_size, 1)
            and entry.file_size > 1_000_000
        ):
            _refuse(
                f"the XLSX entry {entry.filename} is compressed more than "
                f"{limits.max_ratio}:1 (SOCDESK_XLSX_MAX_COMPRESSION_RATIO); "
                "refusing a possible zip bomb"
            )


def _relationship_targets(archive: zipfile.ZipFile, rels: zipfile.ZipInfo) -> set[str]:
    """The parts a `.rels` part points at (calamine finds the sheets this way), as entry names."""
    targets: set[str] = set()
    # `xl/_rels/workbook.xml.rels` describes `xl/workbook.xml`: targets are relative to `xl/`.
    base = posixpath.dirname(posixpath.dirname(rels.filename))

    def start(tag: str, attributes: dict[str, str]) -> None:
        target = attributes.get("Target")
        if tag.rpartition(":")[2] == "Relationship" and target:
            joined = target.lstrip("/") if target.startswith("/") else f"{base}/{target}"
            targets.add(posixpath.normpath(joined).lstrip("/"))

    scan = SheetScan(rels.filename, XlsxLimits(0, 0))
    scan.parser.StartElementHandler = start
    with archive.open(rels) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            scan.feed(chunk)
    scan.feed(b"", final=True)
    return targets


def _scan_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limits: XlsxLimits) -> int:
    """Stream one part through a SheetScan; the bytes it decompressed to."""
    scan = SheetScan(entry.filename, limits)
    size = 0
    carry = b""
    with archive.open(entry) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            size += len(chunk)
            if size > limits.max_uncompressed_bytes:
                return size  # the caller's total check names the limit
            # A character may be split between chunks: keep its first bytes for the next one.
            data = carry + chunk
            carry = data[-2:]
            scan.feed(_xml_characters(data[:-2]))
    scan.feed(_xml_characters(carry), final=True)
    scan.check_grid()
    return size


def _xml_characters(data: bytes) -> bytes:
    """U+FFFE and U+FFFF are no XML characters, so expat stops at them; openpyxl writes them
    as they are and calamine reads them, so exports holding them are read as U+FFFD here (the
    scan only looks at tags; what calamine reads is unchanged)."""
    if b"\xef\xbf" not in data:
        return data
    return data.replace(b"\xef\xbf\xbe", b"\xef\xbf\xbd").replace(b"\xef\xbf\xbf", b"\xef\xbf\xbd")


def check_xlsx(file: IO[bytes], limits: XlsxLimits) -> None:
    """Refuse an archive that is not an XLSX, would expand beyond the caps (zip bombs), holds
    DTDs (XML bombs) or has a sheet reaching beyond the row, column or grid limits. Memory use
    is bounded by CHUNK_BYTES and the central directory cap, whatever the file says."""
    try:
        if _central_directory_size(file) > MAX_CENTRAL_DIRECTORY_BYTES:
            _refuse(
                f"the XLSX file's zip directory is over {MAX_CENTRAL_DIRECTORY_BYTES} bytes; "
                "refusing a possible zip bomb"
            )
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            _zip_bomb_checks(entries, limits)
            names = {e.filename for e in entries}
            if names & OTHER_FORMAT_PARTS or "xl/workbook.xml" not in names:
                _refuse("the zip archive is not an XLSX workbook (no xl/workbook.xml)")
            wanted = {e.filename for e in entries if e.filename.lower().endswith(XML_SUFFIXES)}
            for entry in entries:
                if entry.filename.lower().endswith(".rels"):
                    wanted |= _relationship_targets(archive, entry)
            total = 0
            for entry in entries:
                if entry.filename in wanted and not entry.is_dir():
                    total += _scan_part(archive, entry, limits)
                    if total > limits.max_uncompressed_bytes:
                        _refuse(
                            f"the XLSX file expands to more than {limits.max_uncompressed_bytes} "
                            "bytes (SOCDESK_XLSX_MAX_UNCOMPRESSED_BYTES); refusing a possible "
                            "zip bomb"
                        )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, RuntimeError):
        # RuntimeError: an encrypted entry; the others: every kind of damage zipfile reports.
        _refuse("the XLSX file is damaged (not a readable zip archive)")
    except (NotImplementedError, ValueError):
        _refuse("the XLSX file uses a zip feature SOCdesk does not read")
    finally:
        file.seek(0)
