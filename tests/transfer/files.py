"""Building import files in every format the importer reads."""

from __future__ import annotations

import csv
import io
import json
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
