"""Bodies of the attachment routes, as the SDK's UploadAttachmentInfo and AttachmentInfo."""

from __future__ import annotations

from socdesk.kit.schemas import ResponseBody
from socdesk.secmaster.workflows.schemas import Envelope


class UploadedOut(ResponseBody):
    id: str
    file_name: str
    workspace_id: str


class UploadedEnvelope(Envelope):
    data: UploadedOut


class AttachmentOut(ResponseBody):
    id: str
    file_name: str
    file_folder: str
    workspace_id: str
    creator_id: str
    creator_name: str
    create_time: str
    update_time: str
    modifier_id: str
    modifier_name: str
    is_deleted: str
    storage_type: str
    storage_url: str


class AttachmentEnvelope(Envelope):
    data: AttachmentOut


class DownloadEnvelope(Envelope):
    data: str
