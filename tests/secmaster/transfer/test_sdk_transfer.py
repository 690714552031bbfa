"""The official SDK downloads the template, imports a file and exports, unchanged."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
from huaweicloudsdkcore.http.formdata import FormFile
from huaweicloudsdksecmaster.v1 import (
    CommonDataObjectExportRequest,
    DataobjectSearch,
    DownloadIncidentTemplateRequest,
    ExportDataobjectsRequest,
    ExportIncidentsRequest,
    ExportIncidentsRequestBody,
    ImportDataobjectsRequest,
    ImportDataobjectsRequestBody,
    ImportIncidentsRequest,
    ImportIncidentsRequestBody,
)
from openpyxl import load_workbook

from tests.conftest import AdminSdk
from tests.factories import TenantInfo
from tests.transfer.files import HEADER, csv_file, good_row


def _body_bytes(response: object) -> bytes:
    """The raw file an SDK stream response carries."""
    raw = getattr(response, "raw_content", None)
    if raw:
        return bytes(raw)
    chunks = []
    response.consume_download_stream(chunks.append)  # type: ignore[attr-defined]
    return b"".join(chunks)


async def test_the_sdk_downloads_the_template_imports_and_exports(
    admin_sdk: AdminSdk, tmp_path: Path
) -> None:
    client, where = admin_sdk.client, admin_sdk.where

    template = client.download_incident_template(DownloadIncidentTemplateRequest(**where))
    upload = tmp_path / "sdk.csv"
    upload.write_bytes(csv_file(HEADER, [good_row("from the SDK"), good_row("second")]))
    imported = client.import_incidents(
        ImportIncidentsRequest(
            **where, body=ImportIncidentsRequestBody(upload_file=FormFile(str(upload)))
        )
    )
    exported = client.export_incidents(
        ExportIncidentsRequest(
            **where,
            body=ExportIncidentsRequestBody(
                data_object_filters_form=DataobjectSearch(sort_by="create_time", order="ASC"),
                title=["title", "severity"],
            ),
        )
    )

    template_sheet = load_workbook(io.BytesIO(_body_bytes(template)))["Incidents"]
    assert template_sheet.cell(1, 2).value == "Title *"
    assert imported.code == "00000000"
    assert len(imported.data.ids) == 2
    rows = list(
        load_workbook(io.BytesIO(_body_bytes(exported)))["Incidents"].iter_rows(values_only=True)
    )
    assert rows[0] == ("Title *", "Severity *")
    assert sorted(rows[1:]) == [("from the SDK", "Medium"), ("second", "Medium")]


async def test_the_generic_export_and_import_calls_take_the_sdks_action_field(
    admin_sdk: AdminSdk, tmp_path: Path
) -> None:
    client, where = admin_sdk.client, admin_sdk.where
    upload = tmp_path / "generic.csv"
    upload.write_bytes(csv_file(HEADER, [good_row("generic import")]))

    imported = client.import_dataobjects(
        ImportDataobjectsRequest(
            **where,
            dataclass_name="incidents",
            body=ImportDataobjectsRequestBody(upload_file=FormFile(str(upload))),
        )
    )
    data = client.export_dataobjects(
        ExportDataobjectsRequest(
            **where,
            dataclass_name="incidents",
            body=CommonDataObjectExportRequest(
                data_object_filters_form=DataobjectSearch(sort_by="create_time", order="ASC"),
                action="exportDataObject",
                title=["title"],
            ),
        )
    )
    template = client.export_dataobjects(
        ExportDataobjectsRequest(
            **where,
            dataclass_name="incidents",
            body=CommonDataObjectExportRequest(action="exportTemplate", title=["title", "owner"]),
        )
    )

    assert len(imported.data.ids) == 1
    sheet = load_workbook(io.BytesIO(_body_bytes(data)))["Incidents"]
    assert list(sheet.iter_rows(values_only=True)) == [("Title *",), ("generic import",)]
    # The template of the chosen columns: the header and the sample row, no stored incident.
    rows = list(
        load_workbook(io.BytesIO(_body_bytes(template)))["Incidents"].iter_rows(values_only=True)
    )
    assert rows[0] == ("Title *", "Owner")
    assert len(rows) == 2
    assert "generic import" not in rows[1]


async def test_an_export_action_the_sdk_does_not_know_is_a_400(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    response = await admin_client.post(
        f"{tenant.workspaces_path}/{tenant.workspace_id}/soc/incidents/export",
        json={"action": "exportEverything"},
    )

    assert response.status_code == 400
    assert "action" in response.json()["message"]
