"""The canonical incident: one table behind both API dialects.

Fields that are searched, sorted or shared with the register dialect are columns; the rest of
SecMaster's `data_object` (environment, network_list, process, ...) is kept as sent in
`document`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, SmallInteger, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base

# JSONB on PostgreSQL so a batch update can merge keys in SQL (`||`).
Document = JSON().with_variant(JSONB(), "postgresql")


class Severity(IntEnum):
    """Stored as its rank, so sorting by severity sorts by gravity."""

    tips = 0
    low = 1
    medium = 2
    high = 3
    fatal = 4


class Status(StrEnum):
    new = "new"
    in_progress = "in_progress"
    blocked = "blocked"
    review = "review"
    closed = "closed"


class Incident(Base):
    __tablename__ = "incidents"
    __table_args__ = (
        UniqueConstraint("workspace_id", "number"),
        Index("ix_incidents_workspace_created", "workspace_id", "create_time", "id"),
        # Sort indexes end with the id, so a register cursor (value, id) is one index range.
        Index("ix_incidents_workspace_updated", "workspace_id", "update_time", "id"),
        Index("ix_incidents_workspace_severity", "workspace_id", "severity", "id"),
        Index("ix_incidents_workspace_status", "workspace_id", "status"),
        Index("ix_incidents_workspace_first_observed", "workspace_id", "first_observed_time", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    project_id: Mapped[uuid.UUID]
    # Gap-free per workspace; the register shows it as INC-00001.
    number: Mapped[int]
    version: Mapped[int] = mapped_column(default=1)

    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(String(1024))
    severity: Mapped[Severity] = mapped_column(SmallInteger)
    status: Mapped[Status] = mapped_column(String(16))
    verification_state: Mapped[str | None] = mapped_column(String(32))
    ipdrr_phase: Mapped[str | None] = mapped_column(String(64))
    close_reason: Mapped[str | None] = mapped_column(String(32))
    close_comment: Mapped[str | None] = mapped_column(String(1024))
    confidence: Mapped[int | None]
    criticality: Mapped[int | None]
    count: Mapped[int | None]
    incident_category: Mapped[str] = mapped_column(String(128))
    incident_type_name: Mapped[str] = mapped_column(String(128))
    source_type: Mapped[int]
    product_name: Mapped[str] = mapped_column(String(128))
    product_feature: Mapped[str] = mapped_column(String(128))
    owner: Mapped[str | None] = mapped_column(String(254))
    creator: Mapped[str | None] = mapped_column(String(254))
    actor: Mapped[str | None] = mapped_column(String(254))
    labels: Mapped[str | None] = mapped_column(String(1024))
    # Register facts SecMaster does not show.
    severity_reasoning: Mapped[str | None] = mapped_column(String(1024))
    responded_time: Mapped[datetime | None]
    contained_time: Mapped[datetime | None]
    # Who opened it and who changed it last (the register's opened_by / updated_by users).
    opened_by_id: Mapped[uuid.UUID | None]
    updated_by_id: Mapped[uuid.UUID | None]

    first_observed_time: Mapped[datetime]
    last_observed_time: Mapped[datetime | None]
    arrive_time: Mapped[datetime | None]
    create_time: Mapped[datetime]
    update_time: Mapped[datetime]
    close_time: Mapped[datetime | None]

    document: Mapped[dict[str, Any]] = mapped_column(Document, default=dict)
