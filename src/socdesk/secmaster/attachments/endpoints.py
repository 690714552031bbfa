"""`~/soc/attachment`: files uploaded for the workspace's to-dos (automation/attachments.py);
a to-do takes one with `PUT ~/soc/tasks/{task_id}` `ADD_ATTACHMENT`."""

from __future__ import annotations

import base64

from fastapi import APIRouter, Request

from socdesk.automation.attachments import AttachmentService, FileType, file_type
from socdesk.kit.clock import format_time
from socdesk.kit.db import SessionDep
from socdesk.kit.errors import NotFound, PayloadTooLarge
from socdesk.kit.openapi import may_answer
from socdesk.kit.params import AttachIdPath
from socdesk.kit.routes import BodySize, SecMasterRoute, body_size
from socdesk.kit.uploads import multipart_file_body, multipart_form
from socdesk.models import Attachment
from socdesk.secmaster.attachments.schemas import (
    AttachmentEnvelope,
    AttachmentOut,
    DownloadEnvelope,
    UploadedEnvelope,
    UploadedOut,
)
from socdesk.settings import SettingsDep
from socdesk.workspaces.dependencies import SecMasterReader, SecMasterWriter

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc/attachment",
    tags=["SecMaster: to-dos"],
    route_class=SecMasterRoute,
)
UPLOAD_FIELD = "uploadFile"  # the SDK's form names (UploadAttachmentRequestBody)
TYPE_FIELD = "fileType"
# Where the file is kept, as SecMaster's `storage_type` names a store.
STORAGE = "DATABASE"


def attachment_out(row: Attachment) -> AttachmentOut:
    return AttachmentOut(
        id=str(row.id),
        file_name=row.file_name,
        file_folder=row.file_type,
        workspace_id=str(row.workspace_id),
        creator_id=str(row.creator_id or ""),
        creator_name=row.creator_name,
        create_time=format_time(row.created_at),
        update_time=format_time(row.updated_at),
        modifier_id=str(row.creator_id or ""),
        modifier_name=row.creator_name,
        is_deleted="false",
        storage_type=STORAGE,
        storage_url=f"attachment/{row.id}/download",
    )


@router.post(
    "/upload",
    summary="Upload an attachment",
    openapi_extra=multipart_file_body(
        UPLOAD_FIELD,
        "The file (at most SOCDESK_ATTACHMENT_MAX_BYTES).",
        text_fields={TYPE_FIELD: {"type": "string", "enum": [k.value for k in FileType]}},
    ),
)
@body_size(BodySize.attachment)
async def upload_attachment(
    request: Request, scope: SecMasterWriter, session: SessionDep, settings: SettingsDep
) -> UploadedEnvelope:
    """A form with `fileType` (`user_task`) and the file in `uploadFile`."""
    max_bytes = settings.attachment_max_bytes
    too_large = PayloadTooLarge(
        f"{UPLOAD_FIELD}: the file is over the limit of {max_bytes} bytes"
        " (SOCDESK_ATTACHMENT_MAX_BYTES)"
    )
    async with multipart_form(request, UPLOAD_FIELD, max_bytes, too_large) as (upload, texts):
        kind = file_type(texts.get(TYPE_FIELD), TYPE_FIELD)
        content = upload.file.read()
        name = upload.filename or ""
    row = await AttachmentService(session, scope).upload(kind, name, content)
    return UploadedEnvelope(
        data=UploadedOut(
            id=str(row.id), file_name=row.file_name, workspace_id=str(scope.workspace_id)
        )
    )


@router.get("/{attach_id}", summary="Show an attachment")
@may_answer(NotFound)
async def show_attachment(
    attach_id: AttachIdPath, scope: SecMasterReader, session: SessionDep
) -> AttachmentEnvelope:
    return AttachmentEnvelope(
        data=attachment_out(await AttachmentService(session, scope).find(attach_id))
    )


@router.get("/{attach_id}/download", summary="Download an attachment")
@may_answer(NotFound)
async def download_attachment(
    attach_id: AttachIdPath, scope: SecMasterReader, session: SessionDep
) -> DownloadEnvelope:
    """`data` is the file's bytes in base64 (the SDK's DownloadAttachmentResponse is JSON)."""
    _row, content = await AttachmentService(session, scope).content(attach_id)
    return DownloadEnvelope(data=base64.b64encode(content).decode("ascii"))
