"""Building import files in every format the importer reads."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook


def xlsx_file(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_file(
    header: Sequence[str], rows: Sequence[Sequence[Any]], delimiter: str = ",", bom: bool = False
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(["" if c is None else c for c in row] for row in rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode()


def json_file(objects: Sequence[dict[str, Any]]) -> bytes:
    return json.dumps(list(objects)).encode()


HEADER = [
    "Title *",
    "description",
    "severity",
    "Handle status *",
    "incident_type.category",
    "incident_type.incident_type",
    "data_source.source_type",
    "data_source.product_name",
    "data_source.product_feature",
    "first_observed_time",
    "confidence",
    "network_list",
]


def good_row(title: str = "Imported", **changes: Any) -> list[Any]:
    row = dict(
        zip(
            HEADER,
            [
                title,
                "from a file",
                "Medium",
                "Open",
                "Malware",
                "Trojan",
                3,
                "EDR",
                "process",
                "2026-11-01T10:00:00Z",
                55,
                '[{"src_ip": "10.1.1.1", "src_port": 443}]',
            ],
            strict=True,
        )
    )
    row.update(changes)
    return list(row.values())


# Hand-written XLSX parts, for sheets no spreadsheet program would write (hostile files).
SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELATIONSHIPS_NS}">'
    f'<Relationship Id="rId1" Type="{_OFFICE_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{SPREADSHEET_NS}" '
    f'xmlns:r="{_OFFICE_RELS}"><sheets><sheet name="Incidents" sheetId="1" r:id="rId1"/>'
    "</sheets></workbook>"
)
_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELATIONSHIPS_NS}">'
    f'<Relationship Id="rId1" Type="{_OFFICE_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    "{shared}</Relationships>"
)
_SHARED_REL = (
    f'<Relationship Id="rId2" Type="{_OFFICE_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
)


def inline_cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER_ROW = '<row r="1">' + inline_cell("A1", "title") + "</row>"


def sheet_xml(rows: str, dimension: str | None = None, prolog: str = "") -> bytes:
    """A worksheet part: `rows` inside `<sheetData>`, an optional `<dimension ref>`."""
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{SPREADSHEET_NS}">'
        f"{declared}<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


def raw_xlsx(
    sheet: bytes,
    shared_strings: bytes | None = None,
    extra: dict[str, bytes] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A minimal workbook around a hand-written sheet part (and sharedStrings part)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        shared = _SHARED_REL if shared_strings is not None else ""
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(shared=shared))
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def far_cell_xlsx(reference: str, row: int | None = None) -> bytes:
    """A header row, then one cell far away (`XFD1048576`): calamine's grid reaches it."""
    number = row if row is not None else int("".join(c for c in reference if c.isdigit()))
    return raw_xlsx(
        sheet_xml(HEADER_ROW + f'<row r="{number}">' + inline_cell(reference, "x") + "</row>")
    )


def huge_dimension_xlsx(dimension: str = "A1:XFD1048576") -> bytes:
    return raw_xlsx(sheet_xml(HEADER_ROW, dimension=dimension))


def billion_laughs(depth: int = 9) -> str:
    """A DTD whose entity expands to 10**depth copies of "lol"."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, depth + 1)
    ]
    return f"<!DOCTYPE worksheet [{''.join(entities)}]>"
