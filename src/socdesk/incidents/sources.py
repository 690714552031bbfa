"""The per-project list of incident sources that a register `source` must name."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.kit.db import add_or_refuse
from socdesk.kit.errors import Conflict
from socdesk.models import Source


class SourceService:
    def __init__(self, session: AsyncSession, project_id: uuid.UUID) -> None:
        self.session = session
        self.project_id = project_id

    async def all(self) -> Sequence[Source]:
        """The project's sources, by name."""
        return (
            await self.session.scalars(
                select(Source).where(Source.project_id == self.project_id).order_by(Source.name)
            )
        ).all()

    async def named(self, name: str) -> Source | None:
        return await self.session.scalar(
            select(Source).where(Source.project_id == self.project_id, Source.name == name)
        )

    async def add(self, name: str) -> Source:
        """A new source; 409 if the project has one of that name."""
        source = Source(project_id=self.project_id, name=name)
        conflict = Conflict(f"name: the source {name!r} already exists")
        await add_or_refuse(self.session, source, conflict)
        return source
