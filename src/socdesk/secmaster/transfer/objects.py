"""Import, export and template routes of every class but Incident: the SDK's own for alerts,
indicators and vulnerabilities (`~/soc/vulnerability/...`, singular as the SDK writes it), and
the generic `~/soc/{dataclass_name}/...` (the SDK's import_dataobjects, export_dataobjects) for
any class by its plural route name, a workspace's own included. Declared before the generic
data-object routes (secmaster/objects/), whose `~/soc/{name}/{id}` would match them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from socdesk.classes.registry import ALERT, INDICATOR, VULNERABILITY, DataClass
from socdesk.kit.conditions import SearchBody
from socdesk.kit.db import SessionDep
from socdesk.kit.errors import PayloadTooLarge
from socdesk.kit.params import DataclassNamePath
from socdesk.kit.routes import BodySize, SecMasterRoute, body_size, reads_only
from socdesk.kit.uploads import multipart_file, multipart_file_body
from socdesk.objects.service import DataObjectService
from socdesk.secmaster.transfer.endpoints import (
    UPLOAD_DESCRIPTION,
    UPLOAD_FIELD,
    TemplateFormat,
    file_response,
    upload_name,
)
from socdesk.secmaster.transfer.schemas import ImportedIds, ImportEnvelope, ObjectExportBody
from socdesk.settings import Settings, SettingsDep
from socdesk.transfer.exporter import ExportFormat
from socdesk.transfer.objects_export import ObjectExporter, template_bytes
from socdesk.transfer.objects_import import ObjectImporter
from socdesk.transfer.writers import MEDIA_TYPES
from socdesk.workspaces.dependencies import SecMasterReader, SecMasterWriter
from socdesk.workspaces.scope import WorkspaceScope

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc",
    tags=["SecMaster: data object import and export"],
    route_class=SecMasterRoute,
)
TEMPLATE_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {MEDIA_TYPES["xlsx"]: {}, MEDIA_TYPES["csv"]: {}}}
}
EXPORT_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {t: {} for t in MEDIA_TYPES.values()}}
}
TemplateQuery = Annotated[TemplateFormat, Query(description="xlsx (default) or csv")]
ExportQuery = Annotated[ExportFormat, Query(description="xlsx (default), csv or json")]


async def _class(session: SessionDep, scope: WorkspaceScope, route_name: str) -> DataClass:
    """The class with the workspace's own fields; 404 for a name no class of it has."""
    return await DataObjectService(session, scope).by_route_name(route_name)


def _stem(data_class: DataClass) -> str:
    return "".join(c for c in data_class.route_name.lower() if c.isalnum() or c in "-_")


async def _template(
    session: SessionDep, scope: WorkspaceScope, route_name: str, format: TemplateFormat
) -> Response:
    data_class = await _class(session, scope, route_name)
    kind = ExportFormat(format.value)
    content = template_bytes(data_class, kind, None)
    return file_response(content, kind.value, f"{_stem(data_class)}-template")


async def _import(
    request: Request,
    scope: WorkspaceScope,
    session: SessionDep,
    settings: Settings,
    route_name: str,
) -> ImportEnvelope:
    data_class = await _class(session, scope, route_name)
    max_bytes = settings.import_max_bytes
    too_large = PayloadTooLarge(
        f"{UPLOAD_FIELD}: the file is over the limit of {max_bytes} bytes"
        " (SOCDESK_IMPORT_MAX_BYTES)"
    )
    async with multipart_file(request, UPLOAD_FIELD, max_bytes, too_large) as upload:
        importer = ObjectImporter(session, scope, settings, data_class)
        ids = await importer.run(upload.file, upload_name(upload))
    return ImportEnvelope(data=ImportedIds(ids=[str(i) for i in ids]))


async def _export(
    scope: WorkspaceScope,
    session: SessionDep,
    settings: Settings,
    route_name: str,
    body: ObjectExportBody | None,
    format: ExportFormat,
) -> Response:
    data_class = await _class(session, scope, route_name)
    body = body or ObjectExportBody()
    if body.action == "exportTemplate":
        content = template_bytes(data_class, format, body.title)
        return file_response(content, format.value, f"{_stem(data_class)}-template")
    search = body.data_object_filters_form or SearchBody()
    exporter = ObjectExporter(session, scope, settings, data_class)
    content = await exporter.export(search, body.title, format)
    return file_response(content, format.value, _stem(data_class))


IMPORT_SUMMARY = "Import {} from a file (all or nothing)"
UPLOAD_BODY = multipart_file_body(UPLOAD_FIELD, UPLOAD_DESCRIPTION)


def _serve_class(segment: str, route_name: str, noun: str, plural: str, note: str = "") -> None:
    """The SDK's template, import and export routes of one built-in class under `~/soc/{segment}`
    (its route name, or the SDK's own spelling of it)."""

    async def download_template(
        scope: SecMasterReader, session: SessionDep, format: TemplateQuery = TemplateFormat.xlsx
    ) -> Response:
        return await _template(session, scope, route_name, format)

    @body_size(BodySize.file_import)
    async def import_file(
        request: Request, scope: SecMasterWriter, session: SessionDep, settings: SettingsDep
    ) -> ImportEnvelope:
        return await _import(request, scope, session, settings, route_name)

    @reads_only
    async def export_file(
        scope: SecMasterReader,
        session: SessionDep,
        settings: SettingsDep,
        body: ObjectExportBody | None = None,
        format: ExportQuery = ExportFormat.xlsx,
    ) -> Response:
        return await _export(scope, session, settings, route_name, body, format)

    router.add_api_route(
        f"/{segment}/template/download",
        download_template,
        methods=["GET"],
        name=f"download_{noun}_template",
        summary=f"Download the {noun} import template",
        response_class=Response,
        responses=TEMPLATE_RESPONSES,
    )
    router.add_api_route(
        f"/{segment}/import",
        import_file,
        methods=["POST"],
        name=f"import_{plural}",
        summary=IMPORT_SUMMARY.format(plural),
        description=note,
        openapi_extra=UPLOAD_BODY,
    )
    router.add_api_route(
        f"/{segment}/export",
        export_file,
        methods=["POST"],
        name=f"export_{plural}",
        summary=f"Export {plural} as a file",
        response_class=Response,
        responses=EXPORT_RESPONSES,
    )


_serve_class(
    "alerts", ALERT.route_name, "alert", "alerts", "Imported alerts' `type` is DATA_SOURCE."
)
_serve_class("indicators", INDICATOR.route_name, "indicator", "indicators")
# The SDK's vulnerability paths say `vulnerability`.
_serve_class("vulnerability", VULNERABILITY.route_name, "vulnerability", "vulnerabilities")


# Any class by its plural route name ---------------------------------------------------------


@router.get(
    "/{dataclass_name}/template/download",
    summary="Download a class's import template",
    response_class=Response,
    responses=TEMPLATE_RESPONSES,
)
async def download_dataobject_template(
    dataclass_name: DataclassNamePath,
    scope: SecMasterReader,
    session: SessionDep,
    format: TemplateQuery = TemplateFormat.xlsx,
) -> Response:
    return await _template(session, scope, dataclass_name, format)


@router.post(
    "/{dataclass_name}/import",
    summary="Import a class's data objects from a file (all or nothing)",
    openapi_extra=UPLOAD_BODY,
)
@body_size(BodySize.file_import)
async def import_dataobjects(
    dataclass_name: DataclassNamePath,
    request: Request,
    scope: SecMasterWriter,
    session: SessionDep,
    settings: SettingsDep,
) -> ImportEnvelope:
    return await _import(request, scope, session, settings, dataclass_name)


@router.post(
    "/{dataclass_name}/export",
    summary="Export a class's data objects as a file",
    response_class=Response,
    responses=EXPORT_RESPONSES,
)
@reads_only
async def export_dataobjects(
    dataclass_name: DataclassNamePath,
    scope: SecMasterReader,
    session: SessionDep,
    settings: SettingsDep,
    body: ObjectExportBody | None = None,
    format: ExportQuery = ExportFormat.xlsx,
) -> Response:
    return await _export(scope, session, settings, dataclass_name, body, format)
