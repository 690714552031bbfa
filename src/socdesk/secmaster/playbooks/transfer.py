"""`~/soc/playbooks/import` and `/export`: playbook files (docs/playbooks.md). Declared
before `~/soc/playbooks/{playbook_id}`."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request, Response

from socdesk.automation.playbooks.service import PlaybookService
from socdesk.automation.playbooks.transfer import UPLOAD_FIELD, PlaybookImporter, exported
from socdesk.kit.clock import utcnow
from socdesk.kit.db import SessionDep
from socdesk.kit.errors import NotFound, PayloadTooLarge, ValidationFailed
from socdesk.kit.openapi import may_answer
from socdesk.kit.routes import BodySize, SecMasterRoute, body_size, reads_only
from socdesk.kit.uploads import multipart_file, multipart_file_body
from socdesk.secmaster.playbooks.schemas import ExportBody, ImportEnvelope
from socdesk.settings import SettingsDep
from socdesk.workspaces.dependencies import SecMasterReader, SecMasterWriter

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc/playbooks",
    tags=["SecMaster: playbooks"],
    route_class=SecMasterRoute,
)
UPLOAD_MODE = "upload_model"


def _import_body() -> dict[str, object]:
    extra = multipart_file_body(UPLOAD_FIELD, "A playbook export (JSON): one playbook or a list.")
    schema = extra["requestBody"]["content"]["multipart/form-data"]["schema"]
    schema["properties"][UPLOAD_MODE] = {
        "type": "string",
        "enum": ["import", "verify"],
        "description": "import (default) writes; verify only checks the file.",
    }
    return extra


@router.post(
    "/import",
    summary="Import playbooks from an export file (all or nothing)",
    openapi_extra=_import_body(),
)
@body_size(BodySize.file_import)
async def import_playbooks(
    request: Request, scope: SecMasterWriter, session: SessionDep, settings: SettingsDep
) -> ImportEnvelope:
    """The file goes in multipart field `uploadFile`; actions name their workflows by name,
    which must exist in this workspace. A problem anywhere is a 400 naming it, and nothing is
    created; `upload_model=verify` only checks."""
    max_bytes = settings.import_max_bytes
    too_large = PayloadTooLarge(
        f"{UPLOAD_FIELD}: the file is over the limit of {max_bytes} bytes"
        " (SOCDESK_IMPORT_MAX_BYTES)"
    )
    async with multipart_file(request, UPLOAD_FIELD, max_bytes, too_large) as upload:
        data = upload.file.read()
        mode = (await request.form()).get(UPLOAD_MODE) or "import"
    if mode not in ("import", "verify"):
        raise ValidationFailed.for_field(UPLOAD_MODE, "must be import or verify")
    await PlaybookImporter(PlaybookService(session, scope)).run(data, write=mode == "import")
    return ImportEnvelope()


@router.post(
    "/export",
    summary="Export playbooks as a JSON file",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
@reads_only
@may_answer(NotFound)
async def export_playbooks(
    body: ExportBody, scope: SecMasterReader, session: SessionDep
) -> Response:
    """One playbook's object (several: a list) with its versions, rules and actions; actions
    name their workflows (`workflow_name`), so the file imports into another workspace."""
    content = await exported(PlaybookService(session, scope), body.id)
    name = f"playbooks-{utcnow():%Y%m%dT%H%M%SZ}.json"
    return Response(
        json.dumps(content, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
