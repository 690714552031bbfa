from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, Timestamps, UuidPrimaryKey

# Every new project starts with these; "SOCdesk" is the source of incidents created by hand.
DEFAULT_SOURCES = (
    "SOCdesk",
    "HSS",
    "WAF",
    "CFW",
    "Anti-DDoS",
    "EDR",
    "SIEM",
    "Email gateway",
    "Threat intelligence",
    "User report",
)


class Source(UuidPrimaryKey, Timestamps, Base):
    """Where incidents come from, per project: the register's `source` must name one."""

    __tablename__ = "sources"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(128))
