from __future__ import annotations

import uuid

from sqlalchemy import JSON, BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, Timestamps, UuidPrimaryKey


class Workspace(UuidPrimaryKey, Timestamps, Base):
    """Where a team's data lives; every workspace-owned table carries `workspace_id`."""

    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(1024), default="")
    region_id: Mapped[str] = mapped_column(String(64), default="")
    enterprise_project_id: Mapped[str] = mapped_column(String(64), default="")
    enterprise_project_name: Mapped[str] = mapped_column(String(128), default="")
    # SecMaster's [{key, value}] resource tags, kept as sent.
    tags: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    # Plain ids, not foreign keys: who created or last changed a workspace stays on record
    # after that user is removed.
    creator_id: Mapped[uuid.UUID | None]
    modifier_id: Mapped[uuid.UUID | None]
    # Bumped by the database (triggers of migration 0018) on every write of the workspace's
    # classes, fields and playbooks: what a process keeps of them holds while this does
    # (workspaces/config_memo.py). Never written by the code.
    config_revision: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
