"""The per-project list of incident sources that a register `source` must name."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.kit.db import add_or_refuse
from socdesk.kit.errors import Conflict
from socdesk.kit.repository import ProjectScoped
from socdesk.models import Source


class SourceRepository(ProjectScoped[Source]):
    """The sources of one project."""

    model = Source

    async def all(self) -> Sequence[Source]:
        return (await self.session.scalars(self.select().order_by(Source.name))).all()

    async def named(self, name: str) -> Source | None:
        found: Source | None = await self.session.scalar(self.select().where(Source.name == name))
        return found


class SourceService:
    def __init__(self, session: AsyncSession, project_id: uuid.UUID) -> None:
        self.session = session
        self.project_id = project_id
        self.repo = SourceRepository(session, project_id)

    async def all(self) -> Sequence[Source]:
        """The project's sources, by name."""
        return await self.repo.all()

    async def named(self, name: str) -> Source | None:
        return await self.repo.named(name)

    async def add(self, name: str) -> Source:
        """A new source; 409 if the project has one of that name."""
        source = Source(project_id=self.project_id, name=name)
        conflict = Conflict(f"name: the source {name!r} already exists")
        await add_or_refuse(self.session, source, conflict)
        return source
