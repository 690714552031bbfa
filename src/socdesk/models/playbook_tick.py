"""A tick of a TIMER playbook version's cron that has fired: the primary key is what makes a
tick fire once however many runners see it (the first insert wins, the others find it taken)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKeyConstraint
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base


class PlaybookTick(Base):
    __tablename__ = "playbook_ticks"
    __table_args__ = (
        ForeignKeyConstraint(
            ["workspace_id", "version_id"],
            ["playbook_versions.workspace_id", "playbook_versions.id"],
            ondelete="CASCADE",
        ),
    )

    version_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tick_at: Mapped[datetime] = mapped_column(primary_key=True)
    workspace_id: Mapped[uuid.UUID]
    fired_at: Mapped[datetime]
