"""A workspace's versioned settings of a system component (SecMaster's ISAP component
configuration): what the workspace narrows of the operator's limits for its runs."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.kit.clock import utcnow
from socdesk.models.base import Base, UuidPrimaryKey


class ComponentConfiguration(UuidPrimaryKey, Base):
    """One saved version of a component's settings (`settings`, a JSON object of setting
    names and their text values, as checked). Versions count from 1 per component in the
    workspace and are never changed, only applied: the runs use the one applied last."""

    __tablename__ = "component_configurations"
    __table_args__ = (UniqueConstraint("workspace_id", "component_id", "version"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    # A system component's fixed id (automation/components.py): the same in every workspace.
    component_id: Mapped[uuid.UUID]
    version: Mapped[int] = mapped_column(Integer())
    settings: Mapped[str] = mapped_column(Text())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When it was last made the one runs use (None: saved, never applied).
    applied_at: Mapped[datetime | None]
