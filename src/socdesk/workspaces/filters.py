"""What a workspace listing may be narrowed by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class WorkspaceFilter:
    region_id: str | None = None
    description: str | None = None
    enterprise_project_id: str | None = None
    is_view: bool | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
