"""The data-object store: every object of every class but Incident (alerts, indicators,
vulnerabilities, a workspace's own classes), one row each.

The object is kept whole as its `data_object` document; the fields a class promotes
(classes/registry.py `promoted`) are copied into typed columns, so the filters and sorts a SOC
runs most (severity, status, time) are answered by an index, with millions of alerts a
workspace. The document stays the truth: a column is derived from it on every write."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base


class DataObject(Base):
    __tablename__ = "data_objects"
    __table_args__ = (
        # Listing a class newest first, and its filtered pages with their totals (alerts by
        # severity and status, newest first): each ends with the id, the keyset's tiebreak.
        Index("ix_data_objects_class_created", "workspace_id", "class_id", "create_time", "id"),
        Index(
            "ix_data_objects_class_severity_status",
            "workspace_id",
            "class_id",
            "severity",
            "status",
            "create_time",
            "id",
        ),
        Index("ix_data_objects_class_status", "workspace_id", "class_id", "status", "create_time"),
        Index("ix_data_objects_incident", "workspace_id", "incident_id"),
    )

    # Time-ordered (kit/ids.py): rows written in bulk land at the end of every index.
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    # A built-in class's fixed id or a custom_dataclasses id (no foreign key: built-in classes
    # are no rows).
    class_id: Mapped[uuid.UUID]
    data_object: Mapped[dict[str, Any]] = mapped_column(JSON)
    create_time: Mapped[datetime]
    update_time: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)
    creator: Mapped[str] = mapped_column(String(254))
    # How the object came in, SecMaster's data `type` (objects/origins.py): MANUAL through the
    # API one at a time, DATA_SOURCE through a batch-create or an import.
    origin: Mapped[str] = mapped_column(String(16))
    # Promoted fields (classes/registry.py PROMOTED_COLUMNS).
    title: Mapped[str | None] = mapped_column(String(255))
    severity: Mapped[int | None] = mapped_column(SmallInteger)
    status: Mapped[str | None] = mapped_column(String(64))
    incident_id: Mapped[uuid.UUID | None]
