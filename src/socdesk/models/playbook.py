"""Playbooks: *when* to run workflows — versions with an EVENT or TIMER trigger, a rule and
ordered actions (docs/playbooks.md)."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, Timestamps, UuidPrimaryKey


class Playbook(UuidPrimaryKey, Timestamps, Base):
    """A playbook of a workspace; its name is unique there. `version_id` is the PUBLISHED
    version it runs (none until one is chosen); enabling needs one. Its data class is set by
    its first version, and every version of it shares it."""

    __tablename__ = "playbooks"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name"),
        # The target of its versions' foreign key: a version cannot cross tenants.
        UniqueConstraint("workspace_id", "id"),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(1024), default="")
    enabled: Mapped[bool] = mapped_column(default=False)
    version_id: Mapped[uuid.UUID | None]
    # A built-in class's fixed id or a workspace class's id (classes/registry.py).
    dataclass_id: Mapped[uuid.UUID | None]
    dataclass_name: Mapped[str] = mapped_column(String(64), default="")
    creator_id: Mapped[uuid.UUID | None]
    modifier_id: Mapped[uuid.UUID | None]
