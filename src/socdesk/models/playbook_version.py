"""A version of a playbook: its trigger, its rule and where it is in SecMaster's review."""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import ForeignKeyConstraint, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, Timestamps, UuidPrimaryKey


class PlaybookStatus(StrEnum):
    """SecMaster's statuses: a version being edited is submitted for approval, then published
    or refused (unpassed)."""

    EDITING = "EDITING"
    APPROVING = "APPROVING"
    UNPASSED = "UNPASSED"
    PUBLISHED = "PUBLISHED"


class PlaybookTrigger(StrEnum):
    EVENT = "EVENT"
    TIMER = "TIMER"


class PlaybookVersion(UuidPrimaryKey, Timestamps, Base):
    """`rule` is the version's one rule (SecMaster's ConditionInfo as JSON, `rule_id` its id),
    if it has one; `number` counts a playbook's versions (v1, v2, ...)."""

    __tablename__ = "playbook_versions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["workspace_id", "playbook_id"],
            ["playbooks.workspace_id", "playbooks.id"],
            ondelete="CASCADE",
        ),
        UniqueConstraint("playbook_id", "number"),
        # The target of its actions' and approvals' foreign keys.
        UniqueConstraint("workspace_id", "id"),
        # The trigger wiring's lookup (enabled_trigger_versions): a class's published versions.
        Index(
            "ix_playbook_versions_trigger", "workspace_id", "dataclass_id", "trigger_type", "status"
        ),
    )

    workspace_id: Mapped[uuid.UUID]
    playbook_id: Mapped[uuid.UUID] = mapped_column(index=True)
    number: Mapped[int] = mapped_column(Integer())
    description: Mapped[str] = mapped_column(String(1024), default="")
    status: Mapped[str] = mapped_column(String(16), default=PlaybookStatus.EDITING.value)
    trigger_type: Mapped[str] = mapped_column(String(16), default=PlaybookTrigger.EVENT.value)
    dataobject_create: Mapped[bool] = mapped_column(default=False)
    dataobject_update: Mapped[bool] = mapped_column(default=False)
    dataobject_delete: Mapped[bool] = mapped_column(default=False)
    rule_enable: Mapped[bool] = mapped_column(default=False)
    action_strategy: Mapped[str] = mapped_column(String(16), default="ASYNC")
    dataclass_id: Mapped[uuid.UUID]
    dataclass_name: Mapped[str] = mapped_column(String(64))
    rule_id: Mapped[uuid.UUID | None]
    rule: Mapped[str | None] = mapped_column(Text())
    creator_id: Mapped[uuid.UUID | None]
    modifier_id: Mapped[uuid.UUID | None]
    # Who submitted it: where the workspace asks for a second person, not its approver.
    submitter_id: Mapped[uuid.UUID | None]
    approver_id: Mapped[uuid.UUID | None]
    approver_name: Mapped[str] = mapped_column(String(254), default="")
