"""The official SDK, unchanged: template download, import and export of alerts, indicators,
vulnerabilities and (generic data-object calls) a workspace's own class, each answer carrying
the data."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
from huaweicloudsdkcore.http.formdata import FormFile
from huaweicloudsdksecmaster.v1 import (
    CommonDataObjectExportRequest,
    DataobjectSearch,
    DownloadAlertTemplateRequest,
    DownloadIndicatorTemplateRequest,
    DownloadVulnerabilityTemplateRequest,
    ExportAlertsRequest,
    ExportAlertsRequestBody,
    ExportDataobjectsRequest,
    ExportIndicatorsRequest,
    ExportIndicatorsRequestBody,
    ExportVulnerabilitiesRequest,
    ExportVulnerabilitiesRequestBody,
    ImportAlertsRequest,
    ImportAlertsRequestBody,
    ImportDataobjectsRequest,
    ImportDataobjectsRequestBody,
    ImportIndicatorsRequest,
    ImportIndicatorsRequestBody,
    ImportVulnerabilitiesRequest,
    ImportVulnerabilitiesRequestBody,
    VulnerabilityDataObjectSearch,
)
from openpyxl import load_workbook

from tests.conftest import AdminSdk
from tests.objects.payloads import ASSET_CLASS
from tests.sdk_models import raw_body, unanswered


def _body_bytes(response: Any) -> bytes:
    """The file an SDK answer carries: its raw content, or (the SDK's stream responses, such
    as DownloadVulnerabilityTemplateResponse) what its download stream hands over."""
    raw = getattr(response, "raw_content", None)
    if raw:
        return bytes(raw)
    chunks: list[Any] = []
    response.consume_download_stream(chunks.append)
    return b"".join(c if isinstance(c, bytes) else c.content for c in chunks)


def _rows(response: Any) -> list[tuple[Any, ...]]:
    workbook = load_workbook(io.BytesIO(_body_bytes(response)))
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def _template_file(tmp_path: Path, name: str, template: Any) -> FormFile:
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(_body_bytes(template))
    return FormFile(str(path))


async def test_the_sdk_round_trips_alerts_indicators_and_vulnerabilities(
    admin_sdk: AdminSdk, tmp_path: Path
) -> None:
    client, where = admin_sdk.client, admin_sdk.where

    alert_template = client.download_alert_template(DownloadAlertTemplateRequest(**where))
    alerts = client.import_alerts(
        ImportAlertsRequest(
            **where,
            body=ImportAlertsRequestBody(
                upload_file=_template_file(tmp_path, "alerts", alert_template)
            ),
        )
    )
    exported_alerts = client.export_alerts(
        ExportAlertsRequest(
            **where,
            body=ExportAlertsRequestBody(
                data_object_filters_form=DataobjectSearch(sort_by="create_time", order="ASC"),
                title=["id", "title", "severity"],
            ),
        )
    )
    indicator_template = client.download_indicator_template(
        DownloadIndicatorTemplateRequest(**where)
    )
    indicators = client.import_indicators(
        ImportIndicatorsRequest(
            **where,
            body=ImportIndicatorsRequestBody(
                upload_file=_template_file(tmp_path, "indicators", indicator_template)
            ),
        )
    )
    exported_indicators = client.export_indicators(
        ExportIndicatorsRequest(**where, body=ExportIndicatorsRequestBody(title=["id", "name"]))
    )
    vulnerability_template = client.download_vulnerability_template(
        DownloadVulnerabilityTemplateRequest(**where)
    )
    vulnerabilities = client.import_vulnerabilities(
        ImportVulnerabilitiesRequest(
            **where,
            body=ImportVulnerabilitiesRequestBody(
                upload_file=_template_file(tmp_path, "vulnerabilities", vulnerability_template)
            ),
        )
    )
    exported_vulnerabilities = client.export_vulnerabilities(
        ExportVulnerabilitiesRequest(
            **where,
            body=ExportVulnerabilitiesRequestBody(
                data_object_filters_form=VulnerabilityDataObjectSearch(order="ASC"),
                title=["id", "vul_name"],
            ),
        )
    )

    for imported in (alerts, indicators, vulnerabilities):
        assert imported.code == "00000000"
        assert len(imported.data.ids) == 1
        assert unanswered(imported, raw_body(imported)) == []
    assert _rows(alert_template)[0][:3] == ("Format version", "ID", "Region ID")
    assert _rows(exported_alerts) == [
        ("ID", "Title *", "Severity *"),
        (alerts.data.ids[0], "Brute-force logins on bastion host", "High"),
    ]
    assert _rows(exported_indicators) == [
        ("ID", "Name *"),
        (indicators.data.ids[0], "C2 address"),
    ]
    assert _rows(exported_vulnerabilities) == [
        ("ID", "Name *"),
        (vulnerabilities.data.ids[0], "CVE-2026-0001 in openssl"),
    ]


async def test_the_generic_sdk_calls_import_and_export_a_workspaces_own_class(
    admin_sdk: AdminSdk, admin_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    client, where = admin_sdk.client, admin_sdk.where
    soc = f"/v1/{where['project_id']}/workspaces/{where['workspace_id']}/soc"
    made = await admin_client.post(f"{soc}/dataclasses", json=ASSET_CLASS)
    assert made.status_code == 200, made.text
    upload = tmp_path / "assets.csv"
    upload.write_bytes(b"Host *,tier,rack,owner.team\r\nbastion-1,gold,4,red\r\n")

    imported = client.import_dataobjects(
        ImportDataobjectsRequest(
            **where,
            dataclass_name="assets",
            body=ImportDataobjectsRequestBody(upload_file=FormFile(str(upload))),
        )
    )
    exported = client.export_dataobjects(
        ExportDataobjectsRequest(
            **where,
            dataclass_name="assets",
            body=CommonDataObjectExportRequest(
                action="exportDataObject", title=["hostname", "tier", "rack", "owner.team"]
            ),
        )
    )
    template = client.export_dataobjects(
        ExportDataobjectsRequest(
            **where,
            dataclass_name="assets",
            body=CommonDataObjectExportRequest(action="exportTemplate", title=["hostname"]),
        )
    )

    assert len(imported.data.ids) == 1
    assert unanswered(imported, raw_body(imported)) == []
    assert _rows(exported) == [("Host *", "Tier", "Rack", "Team"), ("bastion-1", "gold", 4, "red")]
    assert _rows(template) == [("Host *",), ("Example host",)]
