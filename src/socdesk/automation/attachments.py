"""Attachments (SecMaster's attachment service): files a workspace's people upload for its
to-dos, kept whole in the database and bounded by SOCDESK_ATTACHMENT_MAX_BYTES; a to-do lists
the ones added to it (`ADD_ATTACHMENT`, automation/runs/service.py)."""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.kit.errors import NotFound, ValidationFailed
from socdesk.kit.repository import WorkspaceScoped
from socdesk.models import Attachment
from socdesk.workspaces.scope import WorkspaceScope

MAX_FILE_NAME = 255


class FileType(StrEnum):
    """What an attachment is for (SecMaster's fixed `file_type`)."""

    user_task = "user_task"


class AttachmentRepository(WorkspaceScoped[Attachment]):
    model = Attachment

    async def content(self, attachment_id: uuid.UUID) -> bytes | None:
        found: bytes | None = await self.session.scalar(
            select(Attachment.content).where(self.owned(), Attachment.id == attachment_id)
        )
        return found


def file_type(text: str | None, where: str) -> FileType:
    """The FileType `text` names (a 400 naming the form field `where` else)."""
    try:
        return FileType(text or "")
    except ValueError:
        kinds = ", ".join(k.value for k in FileType)
        raise ValidationFailed.for_field(
            where, f"must be one of {kinds}", (text or "")[:64]
        ) from None


def _uuid(ref: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(ref)
    except ValueError:
        return None


class AttachmentService:
    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.attachments = AttachmentRepository(session, scope.workspace_id)

    async def upload(self, kind: FileType, file_name: str, content: bytes) -> Attachment:
        name = file_name.strip()[:MAX_FILE_NAME] or "attachment"
        user = self.scope.user
        row = Attachment(
            id=uuid.uuid4(),
            workspace_id=self.scope.workspace_id,
            file_name=name,
            file_type=kind.value,
            size=len(content),
            content=content,
            creator_id=user.id,
            creator_name=user.display_name,
        )
        self.session.add(row)
        await self.session.flush()
        return row

    async def lookup(self, ref: str) -> Attachment | None:
        """The workspace's attachment `ref` names, if any."""
        key = _uuid(ref)
        return await self.attachments.get(key) if key else None

    async def find(self, ref: str) -> Attachment:
        """The workspace's attachment `ref` names (404 naming `attach_id` else)."""
        row = await self.lookup(ref)
        if row is None:
            raise NotFound(f"attach_id: no attachment {ref[:100]!r} in this workspace")
        return row

    async def content(self, ref: str) -> tuple[Attachment, bytes]:
        row = await self.find(ref)
        return row, await self.attachments.content(row.id) or b""
