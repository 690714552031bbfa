"""Files uploaded to a workspace for its to-dos (SecMaster's attachment service)."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, Timestamps, UuidPrimaryKey


class Attachment(UuidPrimaryKey, Timestamps, Base):
    """One uploaded file, kept whole in the database (at most SOCDESK_ATTACHMENT_MAX_BYTES).
    `content` is loaded only by a download."""

    __tablename__ = "attachments"

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    file_name: Mapped[str] = mapped_column(String(255))
    # What the file is for: SecMaster's `file_type` (only `user_task`, a to-do's, today).
    file_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer())
    content: Mapped[bytes] = mapped_column(LargeBinary(), deferred=True)
    creator_id: Mapped[uuid.UUID | None]
    creator_name: Mapped[str] = mapped_column(String(254), default="")
