"""Hostile files and bodies, generated here (nothing binary is committed).

Each case is what an attacker or a careless client sends; every one must be refused with a 4xx,
fast, writing nothing, in bounded memory (see test_hostile.py for the bound).
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from dataclasses import dataclass

from tests.transfer.files import (
    HEADER_ROW,
    billion_laughs,
    csv_file,
    far_cell_xlsx,
    huge_dimension_xlsx,
    inline_cell,
    raw_xlsx,
    sheet_xml,
)

MiB = 1 << 20


@dataclass(frozen=True)
class HostileFile:
    name: str  # the case's id
    filename: str  # the multipart file name sent
    content: bytes


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression, compresslevel=9) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def total_size_bomb(expands_to: int) -> bytes:
    """A workbook whose sheet is `expands_to` bytes of zeros: tiny compressed, over the cap."""
    return raw_xlsx(sheet_xml(HEADER_ROW), extra={"xl/worksheets/sheet2.xml": b"0" * expands_to})


def ratio_bomb() -> bytes:
    """One 4 MB entry compressed about 1000:1, under the total cap but over the ratio."""
    return raw_xlsx(sheet_xml(HEADER_ROW), extra={"xl/media/padding.xml": b" " * (4 * MiB)})


def big_readable_sheet(xml_bytes: int) -> bytes:
    """A sheet of `xml_bytes` of real-looking cells at a ratio a zip-bomb check lets through
    (the scaled-down 18.9 MB file that once added 1.77 GB): read whole, then refused for its
    unknown header. It is what makes the reader use the memory the setting allows."""
    rng = random.Random(10)
    rows = ['<row r="1">' + inline_cell("A1", "not a column") + "</row>"]
    size, number = 0, 2
    while size < xml_bytes:
        cells = "".join(
            inline_cell(f"{letter}{number}", f"{rng.getrandbits(48):x}") for letter in "ABCDEFGH"
        )
        row = f'<row r="{number}">{cells}</row>'
        rows.append(row)
        size += len(row)
        number += 1
        if number > 1000:  # stay within the test server's row limit: the grid is read
            number = 2
    return raw_xlsx(sheet_xml("".join(rows)))


def hostile_files(max_uncompressed: int) -> list[HostileFile]:
    laughs = billion_laughs()
    shared_bomb = (
        f'<?xml version="1.0"?>{laughs}<sst xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
    ).encode()
    truncated = far_cell_xlsx("A2")[:-40]
    return [
        HostileFile("xlsx-XFD1048576", "x.xlsx", far_cell_xlsx("XFD1048576")),
        HostileFile("xlsx-CV1000000", "x.xlsx", far_cell_xlsx("CV1000000")),
        HostileFile("xlsx-huge-dimension", "x.xlsx", huge_dimension_xlsx()),
        HostileFile("zip-bomb-total", "x.xlsx", total_size_bomb(max_uncompressed + MiB)),
        HostileFile("zip-bomb-ratio", "x.xlsx", ratio_bomb()),
        HostileFile("xlsx-big-but-allowed", "x.xlsx", big_readable_sheet(max_uncompressed - MiB)),
        HostileFile("xml-bomb-sheet", "x.xlsx", raw_xlsx(sheet_xml(HEADER_ROW, prolog=laughs))),
        HostileFile(
            "xml-bomb-shared-strings", "x.xlsx", raw_xlsx(sheet_xml(HEADER_ROW), shared_bomb)
        ),
        HostileFile("zip-not-xlsx", "x.xlsx", _zip({"a.txt": b"hello"})),
        HostileFile(
            "zip-many-entries",
            "x.xlsx",
            _zip({f"xl/media/{'n' * 56}{i:08}": b"" for i in range(15_000)}, zipfile.ZIP_STORED),
        ),
        HostileFile("zip-truncated", "x.xlsx", truncated),
        HostileFile("wrong-magic", "x.xlsx", b"PK\x03\x04" + b"\x00" * 200),
        HostileFile("empty", "empty.csv", b""),
        HostileFile("invalid-utf8", "x.csv", b"title\n\xff\xfe\xc3\x28 broken\n"),
        HostileFile("nul-bytes", "x.csv", b"title\nab\x00cd\n"),
        HostileFile("huge-string-cell", "x.csv", csv_file(["title"], [["x" * (2 * MiB)]])),
        HostileFile(
            "formula-payloads",
            "x.csv",
            csv_file(["title", "severity"], [["=cmd|' /C calc'!A0", "@SUM(1)"], ["+1", "-1"]]),
        ),
        HostileFile("json-deep-file", "x.json", b"[" * 100_000 + b"]" * 100_000),
        HostileFile("json-many-tiny-file", "x.json", b"[" + b"{}," * (MiB // 3) + b"{}]"),
        HostileFile("traversal-name", "../../etc/passwd", b"title\n"),
        HostileFile("windows-traversal-name", "C:\\..\\x", b"title\n"),
        HostileFile("crlf-quote-name", 'a"\r\nContent-Type: text/html\r\n\r\nb.csv', b"title\n"),
    ]


@dataclass(frozen=True)
class HostileBody:
    name: str
    content: bytes
    create_only: bool = False  # search and export read an empty body as "everything"


def _incident(**fields: object) -> dict[str, object]:
    from tests.secmaster.incidents.payloads import incident_object

    return {"data_object": incident_object(**fields)}


def hostile_bodies(max_body: int) -> list[HostileBody]:
    deep = b'{"data_object": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5001
    deep_free = json.dumps(_incident())[:-2].encode() + (
        b', "extend_properties": ' + b'{"a": ' * 400 + b"1" + b"}" * 401 + b"}"
    )
    return [
        HostileBody("json-deep-body", deep),
        HostileBody("json-deep-free-field", deep_free),
        HostileBody(
            "json-nan-free-field",
            json.dumps(_incident(extend_properties={"x": float("nan")})).encode(),
        ),
        HostileBody("json-many-tiny-items", b"[" + b"0," * (max_body // 2 - 8) + b"0]"),
        HostileBody(
            "json-huge-string", json.dumps(_incident(title="x" * (max_body // 2))).encode()
        ),
        HostileBody("json-over-size", b'{"a": "' + b"x" * (max_body + 10) + b'"}'),
        HostileBody("json-invalid-utf8", b'{"data_object": {"title": "\xff\xfe"}}'),
        HostileBody("json-nul", json.dumps(_incident(title="a\x00b")).encode()),
        HostileBody("json-empty", b"", create_only=True),
    ]
