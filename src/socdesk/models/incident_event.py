"""The audit trail of incidents: who changed what, when, in which request."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, UuidPrimaryKey


class IncidentAction(StrEnum):
    create = "create"
    update = "update"
    delete = "delete"
    import_ = "import"
    # A link to another data object made or removed (relations/).
    link = "link"
    unlink = "unlink"


class IncidentEvent(UuidPrimaryKey, Base):
    """One change to one incident. No foreign key to `incidents`: a deleted incident's trail,
    and its last state in `snapshot`, must outlive it."""

    __tablename__ = "incident_events"
    __table_args__ = (Index("ix_incident_events_incident", "workspace_id", "incident_id", "at"),)

    workspace_id: Mapped[uuid.UUID]
    incident_id: Mapped[uuid.UUID]
    action: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[uuid.UUID | None]
    actor_email: Mapped[str] = mapped_column(String(254))
    request_id: Mapped[str | None] = mapped_column(String(128))
    # Where the change came from beyond the request, e.g. the name of an imported file.
    source: Mapped[str | None] = mapped_column(String(255))
    at: Mapped[datetime]
    # {field: {"before": ..., "after": ...}} in SecMaster's field names.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The whole data_object after a create and before a delete.
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
