"""Note queries (on objects other than incidents), bound to one workspace by the scoped base."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select

from socdesk.kit.repository import WorkspaceScoped
from socdesk.models import DataObjectNote, IncidentComment


def _window(column: Any, since: datetime | None, until: datetime | None) -> list[Any]:
    return [c for c in (since and column >= since, until and column <= until) if c is not None]


class NoteRepository(WorkspaceScoped[DataObjectNote]):
    """Notes on one workspace's data objects."""

    model = DataObjectNote

    async def offset_page(
        self,
        object_id: uuid.UUID,
        since: datetime | None,
        until: datetime | None,
        newest_first: bool,
        offset: int,
        limit: int,
    ) -> tuple[Sequence[DataObjectNote], int]:
        """The object's notes in the window, oldest (or newest) first, and how many."""
        criteria: list[ColumnElement[bool]] = [
            self.owned(),
            DataObjectNote.object_id == object_id,
            *_window(DataObjectNote.created_date, since, until),
        ]
        total = await self.session.scalar(
            select(func.count()).select_from(DataObjectNote).where(*criteria)
        )
        order = DataObjectNote.created_date.desc() if newest_first else DataObjectNote.created_date
        rows = await self.session.scalars(
            select(DataObjectNote)
            .where(*criteria)
            .order_by(order, DataObjectNote.id)
            .offset(offset)
            .limit(limit)
        )
        return rows.all(), int(total or 0)

    async def delete_ids(self, ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        """Delete those of `ids` that are notes here; the ids deleted."""
        found = await self.scalars_in_chunks(self.select(DataObjectNote.id), DataObjectNote.id, ids)
        await self.execute_in_chunks(self.delete(), DataObjectNote.id, found)
        return list(found)


class IncidentNoteRepository(WorkspaceScoped[IncidentComment]):
    """An incident's comments read as notes: by offset, in a time window, either order."""

    model = IncidentComment

    async def offset_page(
        self,
        incident_id: uuid.UUID,
        since: datetime | None,
        until: datetime | None,
        newest_first: bool,
        offset: int,
        limit: int,
    ) -> tuple[Sequence[IncidentComment], int]:
        criteria: list[ColumnElement[bool]] = [
            self.owned(),
            IncidentComment.incident_id == incident_id,
            *_window(IncidentComment.created_date, since, until),
        ]
        total = await self.session.scalar(
            select(func.count()).select_from(IncidentComment).where(*criteria)
        )
        column = IncidentComment.created_date
        rows = await self.session.scalars(
            select(IncidentComment)
            .where(*criteria)
            .order_by(column.desc() if newest_first else column, IncidentComment.id)
            .offset(offset)
            .limit(limit)
        )
        return rows.all(), int(total or 0)

    async def delete_ids(self, ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        """Delete those of `ids` that are comments here; the ids deleted."""
        found = await self.scalars_in_chunks(
            self.select(IncidentComment.id), IncidentComment.id, ids
        )
        await self.execute_in_chunks(self.delete(), IncidentComment.id, found)
        return list(found)
