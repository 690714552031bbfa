"""Register threat objectives of incidents: at most one row per (incident, objective)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, incident_foreign_key


class ThreatObjective(StrEnum):
    sabotage = "Sabotage"
    data_disclosure = "Data Disclosure"
    extortion = "Extortion"
    customer_targeting = "Customer Targeting"
    resource_hijacking = "Resource Hijacking"
    fraud = "Fraud"


class Relevance(StrEnum):
    low = "Low"
    medium = "Medium"
    high = "High"


class IncidentThreatObjective(Base):
    __tablename__ = "incident_threat_objectives"
    __table_args__ = (incident_foreign_key(),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    incident_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    threat_objective: Mapped[str] = mapped_column(String(32), primary_key=True)
    relevance: Mapped[str | None] = mapped_column(String(16))
    # When this relation last changed; not part of its identity.
    created_date: Mapped[datetime]
