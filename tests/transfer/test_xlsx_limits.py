"""Hostile XLSX sheets: refused with a 400 naming the limit before the reader allocates.

calamine builds a dense grid up to a sheet's farthest cell, so each of these files, a couple of
kilobytes, used to take gigabytes or abort the process (`XFD1048576`: 512 GiB asked for).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import Incident, IncidentEvent
from tests.factories import TenantInfo
from tests.secmaster.incidents.payloads import incidents_path
from tests.transfer.files import (
    HEADER,
    HEADER_ROW,
    billion_laughs,
    far_cell_xlsx,
    good_row,
    huge_dimension_xlsx,
    inline_cell,
    raw_xlsx,
    sheet_xml,
)


@pytest.fixture
def path(tenant: TenantInfo) -> str:
    return incidents_path(tenant.project_hex, tenant.workspace_id)


async def written(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    async with sessions() as session:
        incidents = await session.scalar(select(func.count()).select_from(Incident))
        events = await session.scalar(select(func.count()).select_from(IncidentEvent))
    return int(incidents or 0), int(events or 0)


def implicit_cells(count: int) -> bytes:
    """A header row, then a row of `count` cells without `r`: the last sits at column `count`."""
    cells = "".join(f'<c t="inlineStr"><is><t>{i}</t></is></c>' for i in range(count))
    return raw_xlsx(sheet_xml(HEADER_ROW + f"<row>{cells}</row>"))


SHARED_STRINGS_BOMB = (
    f'<?xml version="1.0"?>{billion_laughs()}'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
).encode()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (far_cell_xlsx("XFD1048576"), ["row 1048576", "200001 rows", "SOCDESK_IMPORT_MAX_ROWS"]),
        (far_cell_xlsx("CV1000000"), ["row 1000000", "SOCDESK_IMPORT_MAX_ROWS"]),
        (far_cell_xlsx("XFD2"), ["XFD2", "256 columns", "SOCDESK_IMPORT_MAX_COLUMNS"]),
        # The row says 2, the cell says otherwise: calamine places a cell by its own reference.
        (far_cell_xlsx("A900000", row=2), ["A900000", "SOCDESK_IMPORT_MAX_ROWS"]),
        (huge_dimension_xlsx(), ["dimension of A1:XFD1048576", "SOCDESK_IMPORT_MAX_ROWS"]),
        (huge_dimension_xlsx("A1:ZZ2"), ["dimension of A1:ZZ2", "SOCDESK_IMPORT_MAX_COLUMNS"]),
        (implicit_cells(300), ["IW2", "SOCDESK_IMPORT_MAX_COLUMNS"]),
        # Within the row and column limits, but the grid would take 1.6 GB.
        (far_cell_xlsx("IV200001"), ["51200256 cells", "SOCDESK_XLSX_MAX_UNCOMPRESSED_BYTES"]),
        (raw_xlsx(sheet_xml(HEADER_ROW, prolog=billion_laughs())), ["declares a DTD"]),
        (raw_xlsx(sheet_xml(HEADER_ROW), shared_strings=SHARED_STRINGS_BOMB), ["DTD"]),
        (raw_xlsx(sheet_xml(HEADER_ROW + '<row r="x1">')), ["row numbered 'x1'"]),
        (raw_xlsx(sheet_xml(HEADER_ROW, dimension="A1:B")), ["dimension 'A1:B'"]),
        (raw_xlsx(sheet_xml(HEADER_ROW + '<row r="0">')), ["row numbered '0'"]),
        (raw_xlsx(sheet_xml(HEADER_ROW + '<row><c r="A0"/></row>')), ["reference 'A0'"]),
        (raw_xlsx(sheet_xml(HEADER_ROW + "<row>")), ["not well-formed"]),
        (
            raw_xlsx(sheet_xml(HEADER_ROW), extra={"content.xml": b"<office/>"}),
            ["not an XLSX workbook"],
        ),
    ],
    ids=[
        "XFD1048576",
        "CV1000000",
        "XFD2",
        "cell-row-disagrees",
        "huge-dimension",
        "wide-dimension",
        "cells-without-r",
        "sparse-grid",
        "billion-laughs-sheet",
        "billion-laughs-shared-strings",
        "bad-row-number",
        "bad-dimension",
        "row-0",
        "cell-row-0",
        "broken-xml",
        "ods-inside",
    ],
)
async def test_a_sheet_beyond_the_limits_is_refused_before_it_is_read(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    path: str,
    content: bytes,
    expected: list[str],
) -> None:
    assert len(content) < 8000  # a tiny file each

    response = await admin_client.post(
        f"{path}/import", files={"uploadFile": ("hostile.xlsx", content)}, timeout=30
    )

    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "SecMaster.20000400"
    for text in expected:
        assert text in body["message"]
    assert await written(sessions) == (0, 0)


def many_entries(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for number in range(count):
            archive.writestr(f"xl/media/{'n' * 56}{number:08}", b"")
    return buffer.getvalue()


async def test_a_zip_directory_too_big_to_read_safely_is_refused(
    admin_client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], path: str
) -> None:
    """zipfile makes an object of about 500 bytes per directory entry, before any check."""
    content = many_entries(15_000)

    response = await admin_client.post(f"{path}/import", files={"uploadFile": ("m.xlsx", content)})

    assert response.status_code == 400, response.text
    assert "zip directory is over 1048576 bytes" in response.json()["message"]
    assert await written(sessions) == (0, 0)


async def test_the_limits_follow_the_settings(
    app: Any, admin_client: httpx.AsyncClient, path: str
) -> None:
    app.state.settings = app.state.settings.model_copy(
        update={"import_max_rows": 10, "import_max_columns": 20}
    )

    rows = await admin_client.post(
        f"{path}/import", files={"uploadFile": ("f.xlsx", far_cell_xlsx("A12"))}
    )
    columns = await admin_client.post(
        f"{path}/import", files={"uploadFile": ("f.xlsx", far_cell_xlsx("U2"))}
    )

    assert rows.status_code == 400
    assert "11 rows (SOCDESK_IMPORT_MAX_ROWS = 10, plus the header row)" in rows.json()["message"]
    assert columns.status_code == 400
    assert "20 columns (T; SOCDESK_IMPORT_MAX_COLUMNS)" in columns.json()["message"]


async def test_a_hand_written_sheet_without_references_imports(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    """Cells and rows may leave out `r`; within the limits such a sheet imports as any other."""

    def row(values: list[Any]) -> str:
        return "<row>" + "".join(inline_cell_without_r(str(v)) for v in values) + "</row>"

    def inline_cell_without_r(text: str) -> str:
        return inline_cell("A1", text).replace(' r="A1"', "")

    sheet = sheet_xml(row(HEADER) + row(good_row("one")) + row(good_row("two")))

    response = await admin_client.post(
        f"{path}/import", files={"uploadFile": ("hand.xlsx", raw_xlsx(sheet))}
    )

    assert response.status_code == 200, response.text
    ids = response.json()["data"]["ids"]
    titles = [(await admin_client.get(f"{path}/{i}")).json()["data"]["data_object"] for i in ids]
    assert [t["title"] for t in titles] == ["one", "two"]
    assert titles[0]["confidence"] == 55
