"""A workspace's automation settings (a row only once one is changed from its default)."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base, Timestamps


class AutomationSetting(Timestamps, Base):
    """`approval_by_another`: a workflow version is approved by someone other than the one
    who submitted it. Off by default, so a workspace with one admin can activate versions."""

    __tablename__ = "automation_settings"

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    approval_by_another: Mapped[bool] = mapped_column(default=False)
