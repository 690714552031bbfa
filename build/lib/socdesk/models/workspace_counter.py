from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base


class WorkspaceCounter(Base):
    """The last incident number handed out in a workspace. Bumped with one locking UPDATE, so
    concurrent creates queue on the row and a rolled-back create leaves no gap."""

    __tablename__ = "workspace_counters"

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    last_incident_number: Mapped[int] = mapped_column(default=0)
