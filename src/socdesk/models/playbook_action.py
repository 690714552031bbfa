"""An action of a playbook version: a workflow of the same workspace and data class to run."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKeyConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, Timestamps, UuidPrimaryKey


class PlaybookAction(UuidPrimaryKey, Timestamps, Base):
    """`workflow_id` is SecMaster's `action_id` (action_type AOP_WORKFLOW). Both foreign keys
    include the workspace, so an action never names another tenant's workflow; deleting the
    workflow (only a disabled one can be) removes the actions that ran it."""

    __tablename__ = "playbook_actions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["workspace_id", "version_id"],
            ["playbook_versions.workspace_id", "playbook_versions.id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["workspace_id", "workflow_id"],
            ["workflows.workspace_id", "workflows.id"],
            ondelete="CASCADE",
        ),
        Index("ix_playbook_actions_version_order", "version_id", "sort_order"),
        Index("ix_playbook_actions_workflow_id", "workflow_id"),
    )

    workspace_id: Mapped[uuid.UUID]
    version_id: Mapped[uuid.UUID]
    playbook_id: Mapped[uuid.UUID]
    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(1024), default="")
    action_type: Mapped[str] = mapped_column(String(32), default="AOP_WORKFLOW")
    workflow_id: Mapped[uuid.UUID]
    sort_order: Mapped[int] = mapped_column(Integer(), default=0)
