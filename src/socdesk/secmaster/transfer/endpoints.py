"""Import, export and template routes under `~/soc/incidents`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.datastructures import UploadFile

from socdesk.incidents import added_fields
from socdesk.incidents.search import SearchBody
from socdesk.kit.clock import utcnow
from socdesk.kit.db import SessionDep
from socdesk.kit.errors import PayloadTooLarge, ValidationFailed
from socdesk.kit.routes import BodySize, SecMasterRoute, body_size, reads_only
from socdesk.kit.uploads import multipart_file, multipart_file_body
from socdesk.models import IncidentEvent
from socdesk.secmaster.transfer.schemas import ExportBody, ImportedIds, ImportEnvelope
from socdesk.settings import SettingsDep
from socdesk.transfer.columns import Column
from socdesk.transfer.exporter import ExportFormat, IncidentExporter, columns_for
from socdesk.transfer.importer import IncidentImporter
from socdesk.transfer.incident_columns import IncidentColumns
from socdesk.transfer.writers import MEDIA_TYPES, csv_bytes, xlsx_bytes
from socdesk.workspaces.dependencies import SecMasterReader, SecMasterWriter

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc/incidents",
    tags=["SecMaster: incident import and export"],
    route_class=SecMasterRoute,
)
UPLOAD_FIELD = "uploadFile"
UPLOAD_DESCRIPTION = (
    "An XLSX, CSV (UTF-8, comma or semicolon) or JSON file (an array of data_objects), "
    "recognised by its content."
)


class TemplateFormat(StrEnum):
    """The template comes as a spreadsheet; JSON has no header row to fill in."""

    xlsx = "xlsx"
    csv = "csv"


def file_response(content: bytes, kind: str, stem: str) -> Response:
    name = f"{stem}-{utcnow():%Y%m%dT%H%M%SZ}.{kind}"
    return Response(
        content,
        media_type=MEDIA_TYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/template/download",
    summary="Download the import template",
    response_class=Response,
    responses={200: {"content": {MEDIA_TYPES["xlsx"]: {}, MEDIA_TYPES["csv"]: {}}}},
)
async def download_template(
    scope: SecMasterReader,
    session: SessionDep,
    format: Annotated[TemplateFormat, Query(description="xlsx (default) or csv")] = (
        TemplateFormat.xlsx
    ),
) -> Response:
    layout = IncidentColumns(await added_fields.added_class(session, scope))
    return _template_response(ExportFormat(format.value), layout, layout.columns)


def _template_response(
    format: ExportFormat, layout: IncidentColumns, columns: Sequence[Column]
) -> Response:
    if format is ExportFormat.json:
        raise ValidationFailed.for_field("format", "the template comes as xlsx or csv", "json")
    rows = [layout.sample_row(columns)]
    if format is ExportFormat.csv:
        return file_response(csv_bytes(columns, rows), "csv", "incident-template")
    return file_response(xlsx_bytes(columns, rows, template=True), "xlsx", "incident-template")


# Browsers and httpx write `"`, CR and LF in a multipart file name as %22, %0D and %0A (the
# HTML form encoding); the audit event keeps the name as the user chose it.
_NAME_ESCAPES = re.compile("%22|%0D|%0A")
_NAME_CHARACTERS = {"%22": '"', "%0D": "\r", "%0A": "\n"}
SOURCE_MAX_LENGTH: int = IncidentEvent.source.type.length


def upload_name(upload: UploadFile) -> str:
    """The uploaded file's name as its user sent it (cut to what an audit event holds)."""
    name = _NAME_ESCAPES.sub(lambda m: _NAME_CHARACTERS[m.group()], upload.filename or "")
    return name[:SOURCE_MAX_LENGTH] or "upload"


@router.post(
    "/import",
    summary="Import incidents from a file (all or nothing)",
    openapi_extra=multipart_file_body(UPLOAD_FIELD, UPLOAD_DESCRIPTION),
)
@body_size(BodySize.file_import)
async def import_incidents(
    request: Request, scope: SecMasterWriter, session: SessionDep, settings: SettingsDep
) -> ImportEnvelope:
    max_bytes = settings.import_max_bytes
    too_large = PayloadTooLarge(
        f"{UPLOAD_FIELD}: the file is over the limit of {max_bytes} bytes"
        " (SOCDESK_IMPORT_MAX_BYTES)"
    )
    async with multipart_file(request, UPLOAD_FIELD, max_bytes, too_large) as upload:
        ids = await IncidentImporter(session, scope, settings).run(upload.file, upload_name(upload))
    return ImportEnvelope(data=ImportedIds(ids=[str(i) for i in ids]))


@router.post(
    "/export",
    summary="Export incidents as a file",
    response_class=Response,
    responses={200: {"content": {t: {} for t in MEDIA_TYPES.values()}}},
)
@reads_only
async def export_incidents(
    scope: SecMasterReader,
    session: SessionDep,
    settings: SettingsDep,
    body: ExportBody | None = None,
    format: Annotated[ExportFormat, Query(description="xlsx (default), csv or json")] = (
        ExportFormat.xlsx
    ),
) -> Response:
    body = body or ExportBody()
    if body.action == "exportTemplate":
        layout = IncidentColumns(await added_fields.added_class(session, scope))
        return _template_response(format, layout, columns_for(layout, body.title))
    search = body.data_object_filters_form or SearchBody()
    content = await IncidentExporter(session, scope, settings).export(search, body.title, format)
    return file_response(content, format.value, "incidents")
