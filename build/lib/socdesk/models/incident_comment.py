"""Comments on incidents, oldest first."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.kit.clock import utcnow
from socdesk.models.base import Base, UuidPrimaryKey, incident_foreign_key


class IncidentComment(UuidPrimaryKey, Base):
    __tablename__ = "incident_comments"
    __table_args__ = (
        incident_foreign_key(),
        Index("ix_incident_comments_incident", "workspace_id", "incident_id", "created_date"),
    )

    workspace_id: Mapped[uuid.UUID]
    incident_id: Mapped[uuid.UUID]
    author_id: Mapped[uuid.UUID | None]
    content: Mapped[str] = mapped_column(Text())
    created_date: Mapped[datetime] = mapped_column(default=utcnow)
