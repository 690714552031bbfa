"""A process that runs workflows (SecMaster's ISAP running nodes): a `socdesk worker` or the
runner inside a server, heart-beating while it lives."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base


class RunnerNode(Base):
    """Not a workspace's row: the nodes serve every workspace of the deployment. A node is
    listed while `last_seen_at` is recent (automation/runs/nodes.py)."""

    __tablename__ = "runner_nodes"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # `worker` (a `socdesk worker` process) or `in-process` (the runner inside a server).
    kind: Mapped[str] = mapped_column(String(16))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer())
    started_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
