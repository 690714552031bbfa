"""Notes on data objects other than incidents (SecMaster's notes; an incident's notes are its
comments, incident_comments, which the register dialect shows). They go with their object."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, UuidPrimaryKey


class DataObjectNote(UuidPrimaryKey, Base):
    __tablename__ = "data_object_notes"
    # The object's id leads: an object's page of notes, and the lookup the cascade runs for
    # every object deleted (thousands in one batch-delete).
    __table_args__ = (Index("ix_data_object_notes_object", "object_id", "created_date"),)

    workspace_id: Mapped[uuid.UUID]
    object_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("data_objects.id", ondelete="CASCADE"))
    author_id: Mapped[uuid.UUID | None]
    content: Mapped[str] = mapped_column(Text())
    # SecMaster's `note_type` (the action) and `type`, kept as sent.
    note_type: Mapped[str | None] = mapped_column(String(64))
    type: Mapped[str | None] = mapped_column(String(64))
    created_date: Mapped[datetime]
