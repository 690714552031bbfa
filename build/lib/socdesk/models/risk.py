"""Risks of a project, which incidents can be associated with."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, Timestamps, UuidPrimaryKey


class Risk(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "risks"
    __table_args__ = (UniqueConstraint("project_id", "title"),)

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(String(2048), default="")
    creator_id: Mapped[uuid.UUID | None]
