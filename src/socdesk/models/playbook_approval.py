"""An approval (or refusal) of a playbook version: who said what, kept for its history."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, Timestamps, UuidPrimaryKey


class PlaybookApproval(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "playbook_approvals"
    __table_args__ = (
        ForeignKeyConstraint(
            ["workspace_id", "version_id"],
            ["playbook_versions.workspace_id", "playbook_versions.id"],
            ondelete="CASCADE",
        ),
    )

    workspace_id: Mapped[uuid.UUID]
    version_id: Mapped[uuid.UUID] = mapped_column(index=True)
    result: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(String(1024), default="")
    approver_id: Mapped[uuid.UUID | None]
    approver_name: Mapped[str] = mapped_column(String(254), default="")
