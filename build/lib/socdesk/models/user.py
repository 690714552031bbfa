from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, Timestamps, UuidPrimaryKey


class User(UuidPrimaryKey, Timestamps, Base):
    """A person or automation account of one project; `email` is unique inside it."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("project_id", "email"),)

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Project administrators create workspaces and manage members; workspace roles do the rest.
    is_project_admin: Mapped[bool] = mapped_column(default=False)
    default_workspace_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("workspaces.id", ondelete="SET NULL")
    )
    # sha256 of the avatar image, for cache-busting `icon` URLs; null when there is none.
    avatar_hash: Mapped[str | None] = mapped_column(String(64))

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or self.email
