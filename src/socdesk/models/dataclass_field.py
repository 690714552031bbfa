"""Fields a workspace added to a data class: to a built-in one or to one of its own."""

from __future__ import annotations

import uuid

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, Timestamps, UuidPrimaryKey


class DataClassField(UuidPrimaryKey, Timestamps, Base):
    """One field of a class in one workspace. `dataclass_id` names a built-in class (which is
    no row, so there is no foreign key to it) or a `CustomDataClass`; `position` keeps the
    order the fields were defined in."""

    __tablename__ = "dataclass_fields"
    __table_args__ = (UniqueConstraint("workspace_id", "dataclass_id", "field_key"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    dataclass_id: Mapped[uuid.UUID]
    position: Mapped[int] = mapped_column(Integer())
    field_key: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(128))
    # SOCdesk's type (socdesk.classes.fields.FieldType), e.g. `string`, `enum`.
    field_type: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(String(1024), default="")
    required: Mapped[bool] = mapped_column(default=False)
    searchable: Mapped[bool] = mapped_column(default=True)
    enum_values: Mapped[list[str]] = mapped_column(JSON(), default=list)
    creator_id: Mapped[uuid.UUID | None]
    creator_name: Mapped[str] = mapped_column(String(254), default="")
