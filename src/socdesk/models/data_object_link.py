"""Links between two data objects of any classes, incidents included (an incident's alerts and
indicators, an alert's indicators, ...).

A link is stored once, whichever side wrote it: its two ends in a fixed order (the smaller
object id first), so a pair is unique however it is named, and each end has an index that
reads its links — a link is read from both sides alike."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base


class DataObjectLink(Base):
    __tablename__ = "data_object_links"
    __table_args__ = (
        CheckConstraint("first_id < second_id", name="ends_in_order"),
        # The primary key reads the first end's links; this one the second's.
        Index("ix_data_object_links_second", "workspace_id", "second_id", "first_class_id"),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    # No foreign keys on the ends: they live in two tables (incidents, data_objects). Links are
    # written only between objects found in the workspace (relations/service.py), and every
    # delete path removes an object's links with it.
    first_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    second_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # A built-in class's fixed id or a custom_dataclasses id, as on data_objects.
    first_class_id: Mapped[uuid.UUID]
    second_class_id: Mapped[uuid.UUID]
    created_at: Mapped[datetime]
