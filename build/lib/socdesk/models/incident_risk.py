"""Which risks an incident is associated with (the register's `risk_associations`)."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, incident_foreign_key


class IncidentRisk(Base):
    __tablename__ = "incident_risks"
    __table_args__ = (incident_foreign_key(),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    incident_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    risk_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("risks.id", ondelete="CASCADE"), primary_key=True, index=True
    )
