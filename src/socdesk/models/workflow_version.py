"""A version of a workflow: its BPMN process and node parameters, and where it is in
SecMaster's review (docs/workflows.md)."""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import ForeignKeyConstraint, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, Timestamps, UuidPrimaryKey


class VersionStatus(StrEnum):
    """SecMaster's statuses: a draft is submitted for approval, then activated or rejected; an
    activated version that another replaced (or that was switched off) is not_activated."""

    pending_submit = "pending_submit"
    pending_approval = "pending_approval"
    activated = "activated"
    rejected = "rejected"
    not_activated = "not_activated"


EMPTY_TASKCONFIG = '{"node_info":{},"usertask_info":{}}'


class WorkflowVersion(UuidPrimaryKey, Timestamps, Base):
    """`taskflow` is the BPMN 2.0 XML as checked on the way in (automation/bpmn.py);
    `number` counts a workflow's versions (V1, V2, ...)."""

    __tablename__ = "workflow_versions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["workspace_id", "workflow_id"],
            ["workflows.workspace_id", "workflows.id"],
            ondelete="CASCADE",
        ),
        UniqueConstraint("workflow_id", "number"),
        # One activated version per workflow, whatever races.
        Index(
            "uq_workflow_versions_one_activated",
            "workflow_id",
            unique=True,
            sqlite_where=text("status = 'activated'"),
            postgresql_where=text("status = 'activated'"),
        ),
    )

    workspace_id: Mapped[uuid.UUID]
    workflow_id: Mapped[uuid.UUID] = mapped_column(index=True)
    number: Mapped[int] = mapped_column(Integer())
    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(1024), default="")
    status: Mapped[str] = mapped_column(String(32), default=VersionStatus.pending_submit.value)
    taskflow: Mapped[str] = mapped_column(Text())
    taskconfig: Mapped[str] = mapped_column(Text(), default=EMPTY_TASKCONFIG)
    taskflow_type: Mapped[str] = mapped_column(String(16), default="JSON")
    aop_type: Mapped[str] = mapped_column(String(16), default="NORMAL")
    input: Mapped[str] = mapped_column(Text(), default="")
    output: Mapped[str] = mapped_column(Text(), default="")
    creator_id: Mapped[uuid.UUID | None]
    creator_name: Mapped[str] = mapped_column(String(254), default="")
    modifier_id: Mapped[uuid.UUID | None]
    modifier_name: Mapped[str] = mapped_column(String(254), default="")
    # Who submitted it for approval: where the workspace asks for a second person, not its
    # approver.
    submitter_id: Mapped[uuid.UUID | None]
    approval_result: Mapped[str] = mapped_column(String(16), default="")
    approval_content: Mapped[str] = mapped_column(String(1024), default="")
    approver_id: Mapped[uuid.UUID | None]
