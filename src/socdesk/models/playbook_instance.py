"""One firing of a playbook version on one data object (none for a TIMER tick): the runs of
its actions carry its id (workflow_runs.playbook_instance_id), and its status and times are
derived from them (automation/playbooks/instances.py)."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, Timestamps, UuidPrimaryKey


class PlaybookInstance(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "playbook_instances"
    __table_args__ = (
        UniqueConstraint("workspace_id", "id"),
        Index("ix_playbook_instances_workspace_created", "workspace_id", "created_at", "id"),
        Index("ix_playbook_instances_playbook", "workspace_id", "playbook_id"),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    # No foreign key to the playbook: an instance outlives its playbook's deletion (the
    # monitor's DELETED versions), so the names are kept as they were when it fired.
    playbook_id: Mapped[uuid.UUID]
    playbook_name: Mapped[str] = mapped_column(String(64))
    version_id: Mapped[uuid.UUID]
    version_number: Mapped[int]
    dataclass_id: Mapped[uuid.UUID | None]
    dataclass_name: Mapped[str] = mapped_column(String(64), default="")
    dataobject_id: Mapped[uuid.UUID | None]
    trigger_type: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(128))
