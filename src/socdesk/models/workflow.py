"""Workflows (SecMaster's "aop workflows"): what to do, a versioned BPMN process bound to a
data class (docs/workflows.md)."""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, Timestamps, UuidPrimaryKey


class AopType(StrEnum):
    """SecMaster's kinds of workflow: general, investigation, containment, mitigation."""

    NORMAL = "NORMAL"
    SURVEY = "SURVEY"
    HEMOSTASIS = "HEMOSTASIS"
    EASE = "EASE"


class EngineType(StrEnum):
    public_engine = "public_engine"


class Workflow(UuidPrimaryKey, Timestamps, Base):
    """A workflow of a workspace; its name is unique there. `version_id` is its one active
    version (none until a version is activated); it can be enabled only with one."""

    __tablename__ = "workflows"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name"),
        # The target of its versions' foreign key: a version cannot cross tenants.
        UniqueConstraint("workspace_id", "id"),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(1024), default="")
    engine_type: Mapped[str] = mapped_column(String(32), default=EngineType.public_engine.value)
    aop_type: Mapped[str] = mapped_column(String(16), default=AopType.NORMAL.value)
    # A built-in class's fixed id or a workspace class's id (classes/registry.py): no foreign
    # key, as built-in classes are no rows.
    dataclass_id: Mapped[uuid.UUID]
    dataclass_name: Mapped[str] = mapped_column(String(64))
    labels: Mapped[str] = mapped_column(String(1024), default="")
    enabled: Mapped[bool] = mapped_column(default=False)
    version_id: Mapped[uuid.UUID | None]
    creator_id: Mapped[uuid.UUID | None]
    creator_name: Mapped[str] = mapped_column(String(254), default="")
    modifier_id: Mapped[uuid.UUID | None]
    modifier_name: Mapped[str] = mapped_column(String(254), default="")
