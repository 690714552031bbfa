"""A workspace's own data classes (SOCdesk's extension of SecMaster's data classes)."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, Timestamps, UuidPrimaryKey


class CustomDataClass(UuidPrimaryKey, Timestamps, Base):
    """A class a workspace defined: its names are unique in the workspace (without case, which
    the service checks) and never a built-in class's. Its fields are `DataClassField` rows."""

    __tablename__ = "custom_dataclasses"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name"),
        UniqueConstraint("workspace_id", "business_code"),
        UniqueConstraint("workspace_id", "route_name"),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    business_code: Mapped[str] = mapped_column(String(64))
    route_name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(1024), default="")
    creator_id: Mapped[uuid.UUID | None]
    creator_name: Mapped[str] = mapped_column(String(254), default="")
