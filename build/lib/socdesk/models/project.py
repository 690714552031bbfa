from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, Timestamps, UuidPrimaryKey


class Project(UuidPrimaryKey, Timestamps, Base):
    """A tenant. Keystone calls it the user's domain and scope; SecMaster paths carry its id."""

    __tablename__ = "projects"

    name: Mapped[str] = mapped_column(String(64), unique=True)
