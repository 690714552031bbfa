"""Comments on incidents: reading them a page at a time, oldest first, and adding them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.incidents.repository import select_in_chunks
from socdesk.kit.clock import utcnow
from socdesk.kit.cursors import bad_cursor, cursor_time, cursor_uuid, decode_cursor, encode_cursor
from socdesk.kit.db import add_or_refuse
from socdesk.kit.errors import NotFound
from socdesk.models import IncidentComment, User
from socdesk.register.comments.schemas import CommentOut
from socdesk.register.incidents.ids import resolve_one
from socdesk.register.users.schemas import RegisterUser
from socdesk.workspaces.scope import WorkspaceScope


@dataclass(frozen=True, slots=True)
class CommentCursor:
    """Where a page ended: the last comment's time and id (the keyset that orders comments)."""

    created_date: datetime
    comment_id: uuid.UUID

    def encode(self) -> str:
        return encode_cursor(self.created_date.isoformat(), str(self.comment_id))

    @classmethod
    def decode(cls, text: str) -> CommentCursor:
        """The cursor a previous page gave; 400 naming `cursor` for anything else."""
        moment, comment_id = decode_cursor(text, 2)
        try:
            return cls(cursor_time(moment), cursor_uuid(comment_id))
        except ValueError:
            raise bad_cursor(text) from None


async def comment_counts(
    session: AsyncSession, workspace_id: uuid.UUID, incident_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """How many comments each incident has (0 for none), one grouped query per chunk."""
    counts = dict.fromkeys(incident_ids, 0)
    statement = (
        select(IncidentComment.incident_id, func.count())
        .where(IncidentComment.workspace_id == workspace_id)
        .group_by(IncidentComment.incident_id)
    )
    for incident_id, count in await select_in_chunks(
        session, statement, IncidentComment.incident_id, list(counts)
    ):
        counts[incident_id] = count
    return counts


class CommentService:
    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope

    async def page(
        self, incident_text: str, limit: int, cursor: str | None
    ) -> tuple[list[CommentOut], str | None]:
        """A page of an incident's comments, oldest first, and the cursor of the next page."""
        after = CommentCursor.decode(cursor) if cursor else None
        incident_id = await resolve_one(self.session, self.scope.workspace_id, incident_text)
        query = select(IncidentComment).where(
            IncidentComment.workspace_id == self.scope.workspace_id,
            IncidentComment.incident_id == incident_id,
        )
        if after is not None:
            query = query.where(
                or_(
                    IncidentComment.created_date > after.created_date,
                    and_(
                        IncidentComment.created_date == after.created_date,
                        IncidentComment.id > after.comment_id,
                    ),
                )
            )
        rows = (
            await self.session.scalars(
                query.order_by(IncidentComment.created_date, IncidentComment.id).limit(limit + 1)
            )
        ).all()
        shown = rows[:limit]
        next_cursor = (
            CommentCursor(shown[-1].created_date, shown[-1].id).encode()
            if len(rows) > limit
            else None
        )
        return await self._described(shown), next_cursor

    async def add(self, incident_text: str, content: str) -> CommentOut:
        """A new comment by the caller. Commenting is not an edit: the incident's version and
        update time stay as they are."""
        incident_id = await resolve_one(self.session, self.scope.workspace_id, incident_text)
        comment = IncidentComment(
            id=uuid.uuid4(),
            workspace_id=self.scope.workspace_id,
            incident_id=incident_id,
            author_id=self.scope.user.id,
            content=content,
            created_date=utcnow(),
        )
        # The incident may have been deleted since it was looked up.
        gone = NotFound(f"no incident {incident_text} in this workspace")
        await add_or_refuse(self.session, comment, gone)
        (out,) = await self._described([comment])
        return out

    async def _described(self, comments: Sequence[IncidentComment]) -> list[CommentOut]:
        """Comments with their authors, loaded in one query."""
        author_ids = {c.author_id for c in comments if c.author_id is not None}
        authors: dict[uuid.UUID, User] = {}
        if author_ids:
            users = await self.session.scalars(select(User).where(User.id.in_(author_ids)))
            authors = {user.id: user for user in users}
        return [
            CommentOut(
                id=c.id,
                content=c.content,
                created_date=c.created_date,
                author=RegisterUser.of(authors[c.author_id]) if c.author_id in authors else None,
            )
            for c in comments
        ]
