"""The audit trail of data objects: who created, changed or deleted which object, when, in which
request and batch."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base


class DataObjectEvent(Base):
    """One write to one data object. No foreign key to `data_objects`: a deleted object's trail,
    and its last state in `snapshot`, outlive it."""

    __tablename__ = "data_object_events"
    __table_args__ = (Index("ix_data_object_events_object", "workspace_id", "object_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    workspace_id: Mapped[uuid.UUID]
    class_id: Mapped[uuid.UUID]
    object_id: Mapped[uuid.UUID]
    action: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[uuid.UUID | None]
    actor_email: Mapped[str] = mapped_column(String(254))
    request_id: Mapped[str | None] = mapped_column(String(128))
    # The batch a batch-create labelled (seed 003's `name` and `type`) and its trigger_flag,
    # which the automation issue reads to start playbooks.
    batch_name: Mapped[str | None] = mapped_column(String(255))
    batch_type: Mapped[str | None] = mapped_column(String(255))
    trigger_flag: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime]
    # The fields a change wrote: {field: {"before": ..., "after": ...}}; empty for a create
    # (the values are in the object) and a delete.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The whole data_object before a delete.
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
