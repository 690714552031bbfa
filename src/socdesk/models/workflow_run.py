"""Workflow runs (SecMaster's workflow instances), the audit row of each task a run ran, and the
to-dos its user tasks open (docs/workflows.md, "Runs")."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, Timestamps, UuidPrimaryKey


class RunStatus(StrEnum):
    RUNNING = "RUNNING"
    FINISHED = "FINISHED"
    FAILED = "FAILED"
    RETRYING = "RETRYING"
    TERMINATING = "TERMINATING"
    TERMINATED = "TERMINATED"


# The statuses a runner takes a run in (TERMINATING: to end it where it stands).
LIVE_STATUSES = (RunStatus.RUNNING.value, RunStatus.RETRYING.value, RunStatus.TERMINATING.value)


class TriggerType(StrEnum):
    EVENT = "EVENT"
    TIMER = "TIMER"
    MANUAL = "MANUAL"
    DEBUG = "DEBUG"


class WorkflowRun(UuidPrimaryKey, Timestamps, Base):
    """One run of a workflow version on one data object. The row is its own queue entry: a
    runner claims it when `due_at` has come and no other runner holds a live lease on it
    (`lease_until`), so a run whose runner died is taken again once the lease runs out.
    `state` is SpiffWorkflow's serialized workflow as of the last committed task."""

    __tablename__ = "workflow_runs"
    __table_args__ = (
        ForeignKeyConstraint(
            ["workspace_id", "workflow_id"],
            ["workflows.workspace_id", "workflows.id"],
            ondelete="CASCADE",
        ),
        UniqueConstraint("workspace_id", "id"),
        Index("ix_workflow_runs_due", "status", "due_at"),
        Index("ix_workflow_runs_workspace_created", "workspace_id", "created_at", "id"),
        Index("ix_workflow_runs_playbook_instance", "playbook_instance_id"),
    )

    workspace_id: Mapped[uuid.UUID]
    workflow_id: Mapped[uuid.UUID]
    version_id: Mapped[uuid.UUID]
    name: Mapped[str] = mapped_column(String(128))
    dataclass_id: Mapped[uuid.UUID]
    dataclass_name: Mapped[str] = mapped_column(String(64))
    dataobject_id: Mapped[uuid.UUID | None]
    playbook_instance_id: Mapped[uuid.UUID | None]
    trigger_type: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.RUNNING.value)
    state: Mapped[str] = mapped_column(Text(), default="")
    steps: Mapped[int] = mapped_column(Integer(), default=0)
    retry_count: Mapped[int] = mapped_column(Integer(), default=0)
    error: Mapped[str] = mapped_column(Text(), default="")
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    lease_owner: Mapped[str] = mapped_column(String(64), default="")
    lease_until: Mapped[datetime | None]


class TaskRecordStatus(StrEnum):
    RUNNING = "RUNNING"
    FINISHED = "FINISHED"
    FAILED = "FAILED"


class WorkflowRunTask(UuidPrimaryKey, Base):
    """A task a run ran: committed with the task's effect and the run's state."""

    __tablename__ = "workflow_run_tasks"
    __table_args__ = (
        ForeignKeyConstraint(
            ["workspace_id", "run_id"],
            ["workflow_runs.workspace_id", "workflow_runs.id"],
            ondelete="CASCADE",
        ),
        Index("ix_workflow_run_tasks_run", "run_id", "started_at"),
    )

    workspace_id: Mapped[uuid.UUID]
    run_id: Mapped[uuid.UUID]
    element_id: Mapped[str] = mapped_column(String(255))
    element_name: Mapped[str] = mapped_column(String(255), default="")
    element_type: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16))
    input: Mapped[str] = mapped_column(Text(), default="")
    output: Mapped[str] = mapped_column(Text(), default="")
    error: Mapped[str] = mapped_column(Text(), default="")
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    # A task of a debug run (ActionInstanceDebugCommand): its effect was rolled back.
    debug: Mapped[bool] = mapped_column(default=False, server_default=false())


class TodoStatus(StrEnum):
    """SecMaster's to-do statuses."""

    waiting = "waiting"
    canceled = "canceled"
    finished = "finished"


class DueHandle(StrEnum):
    CONTINUE = "CONTINUE"
    INTERRUPT = "INTERRUPT"


class WorkflowTodo(UuidPrimaryKey, Timestamps, Base):
    """A to-do a run's user task opened; the run waits until it is answered or due."""

    __tablename__ = "workflow_todos"
    __table_args__ = (
        ForeignKeyConstraint(
            ["workspace_id", "run_id"],
            ["workflow_runs.workspace_id", "workflow_runs.id"],
            ondelete="CASCADE",
        ),
        UniqueConstraint("run_id", "task_key"),
        Index("ix_workflow_todos_workspace_created", "workspace_id", "created_at", "id"),
    )

    workspace_id: Mapped[uuid.UUID]
    run_id: Mapped[uuid.UUID]
    workflow_id: Mapped[uuid.UUID]
    version_id: Mapped[uuid.UUID]
    # SpiffWorkflow's id of the user task (one to-do per task of a run).
    task_key: Mapped[str] = mapped_column(String(64))
    definition_key: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text(), default="")
    status: Mapped[str] = mapped_column(String(16), default=TodoStatus.waiting.value)
    # What answered it: CONTINUE, TERMINATE, or the due handling when it fell due.
    answer: Mapped[str] = mapped_column(String(16), default="")
    due_at: Mapped[datetime | None]
    due_handle: Mapped[str] = mapped_column(String(16), default=DueHandle.INTERRUPT.value)
    related_object: Mapped[str] = mapped_column(String(64), default="")
    # A JSON list of {id, message, user_id, user_name, time}.
    comments: Mapped[str] = mapped_column(Text(), default="[]")
    # The ids of the attachments added to it (models/attachment.py), as a JSON list, in order.
    attachment_ids: Mapped[str] = mapped_column(Text(), default="[]")
    modifier_id: Mapped[uuid.UUID | None]
    modifier_name: Mapped[str] = mapped_column(String(254), default="")
