"""The per-project list of incident sources that a register `source` must name."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

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
        if await self.named(name):
            raise Conflict(f"name: the source {name!r} already exists")
        source = Source(project_id=self.project_id, name=name)
        try:
            # A savepoint, so a concurrent request that took the name first is a 409, not a 500.
            async with self.session.begin_nested():
                self.session.add(source)
        except IntegrityError:
            raise Conflict(f"name: the source {name!r} already exists") from None
        return source
