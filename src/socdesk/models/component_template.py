"""A workspace's saved configurations of a component's actions (SecMaster's component
templates)."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, Timestamps, UuidPrimaryKey


class ComponentTemplate(UuidPrimaryKey, Timestamps, Base):
    """Parameter values for the actions of one system component (`task_config`, a JSON object
    kept as the client sent it), under a name unique per component in the workspace."""

    __tablename__ = "component_templates"
    __table_args__ = (UniqueConstraint("workspace_id", "component_id", "template_name"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    # A system component's fixed id (automation/components.py): the same in every workspace.
    component_id: Mapped[uuid.UUID]
    template_name: Mapped[str] = mapped_column(String(64))
    task_config: Mapped[str] = mapped_column(Text())
