"""The types (categories and sub-categories) of a data class in a workspace."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Integer, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, Timestamps, UuidPrimaryKey


class DataClassType(UuidPrimaryKey, Timestamps, Base):
    """SecMaster's data-class type: a category (level 1) or a category's sub-category (level
    2, e.g. an incident type under its category), with the time to close its objects (`sla`,
    hours). Codes are unique per class and workspace."""

    __tablename__ = "dataclass_types"
    __table_args__ = (
        UniqueConstraint(
            "workspace_id",
            "dataclass_id",
            "category_code",
            "sub_category_code",
            name="uq_dataclass_types_codes",
        ),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    dataclass_id: Mapped[uuid.UUID]
    category: Mapped[str] = mapped_column(String(128))
    category_code: Mapped[str] = mapped_column(String(128))
    sub_category: Mapped[str] = mapped_column(String(128), default="")
    sub_category_code: Mapped[str] = mapped_column(String(128), default="")
    description: Mapped[str] = mapped_column(String(1024), default="")
    level: Mapped[int] = mapped_column(SmallInteger())
    enabled: Mapped[bool] = mapped_column(default=True)
    sla: Mapped[int | None] = mapped_column(Integer())
    creator_id: Mapped[uuid.UUID | None]
    creator_name: Mapped[str] = mapped_column(String(254), default="")
