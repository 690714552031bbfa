"""Register tags on incidents: one row per (incident, tag text)."""

from __future__ import annotations

import uuid

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, UuidPrimaryKey, incident_foreign_key


class IncidentTag(UuidPrimaryKey, Base):
    __tablename__ = "incident_tags"
    __table_args__ = (
        incident_foreign_key(),
        UniqueConstraint("workspace_id", "incident_id", "content"),
        # The register's `?tag=` filter looks incidents up by tag text.
        Index("ix_incident_tags_workspace_content", "workspace_id", "content"),
    )

    workspace_id: Mapped[uuid.UUID]
    incident_id: Mapped[uuid.UUID]
    content: Mapped[str] = mapped_column(String(128))
    creator_id: Mapped[uuid.UUID]
    # The project, dashed: the register calls it the organisation.
    org_id: Mapped[uuid.UUID | None]
