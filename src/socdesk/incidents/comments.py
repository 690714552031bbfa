"""Comments on incidents: reading them a page at a time, oldest first, and adding them.

Commenting is not an edit: an incident's version, update time and editor stay as they are, and
no audit event is written."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.iam.repository import ProjectUsers
from socdesk.incidents.repository import IncidentRepository
from socdesk.kit.clock import utcnow
from socdesk.kit.db import add_or_refuse
from socdesk.kit.errors import NotFound
from socdesk.kit.keyset import Keyset
from socdesk.kit.repository import TENANT, WorkspaceScoped
from socdesk.models import Incident, IncidentComment, User
from socdesk.workspaces.scope import WorkspaceScope

OLDEST_FIRST = Keyset("comments", IncidentComment.created_date, IncidentComment.id)


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment and its author (None once that user no longer exists)."""

    row: IncidentComment
    author: User | None


@dataclass(frozen=True, slots=True)
class CommentPage:
    comments: list[Comment]
    next_cursor: str | None


class CommentRepository(WorkspaceScoped[IncidentComment]):
    """Comments on one workspace's incidents."""

    model = IncidentComment

    async def counts(self, incident_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
        """How many comments each incident has (0 for none), one grouped query per chunk."""
        counts = dict.fromkeys(incident_ids, 0)
        statement = self.select(IncidentComment.incident_id, func.count()).group_by(
            IncidentComment.incident_id
        )
        for incident_id, count in await self.in_chunks(
            statement, IncidentComment.incident_id, list(counts)
        ):
            counts[incident_id] = count
        return counts

    async def add_if_incident(
        self,
        incident_id: uuid.UUID,
        comment_id: uuid.UUID,
        author_id: uuid.UUID,
        content: str,
        created: datetime,
    ) -> bool:
        """Insert the comment if `incident_id` is an incident of this workspace, in ONE
        statement (built once per store) that is both the existence check and the insert:
        no lookup before and no savepoint around it. The incident row is share-locked by the
        statement's SELECT, so one deleted meanwhile is not found (False) rather than failing
        the insert's foreign key."""
        result = await self.session.execute(
            _ADD_IF_INCIDENT[self.is_postgres],
            {
                TENANT: self.tenant_id,
                "incident_id": incident_id,
                "comment_id": comment_id,
                "author_id": author_id,
                "content": content,
                "created": created,
            },
        )
        return result.first() is not None


def _add_if_incident(postgres: bool) -> Any:
    """`CommentRepository.add_if_incident`'s statement for a store."""
    comments: Any = IncidentComment.__table__
    incidents: Any = Incident.__table__
    # The incident by id, for the tenant the statement's TENANT names (the scoped base's).
    source = IncidentRepository.rows_where(
        incidents.c.id == bindparam("incident_id")
    ).with_only_columns(
        bindparam("comment_id", type_=comments.c.id.type),
        incidents.c.workspace_id,
        incidents.c.id,
        bindparam("author_id", type_=comments.c.author_id.type),
        bindparam("content", type_=comments.c.content.type),
        bindparam("created", type_=comments.c.created_date.type),
    )
    if postgres:  # SQLite has one writer: no row can go between the SELECT and the insert
        source = source.with_for_update(read=True, key_share=True)
    names = ["id", "workspace_id", "incident_id", "author_id", "content", "created_date"]
    return insert(comments).from_select(names, source).returning(comments.c.id)


_ADD_IF_INCIDENT = {postgres: _add_if_incident(postgres) for postgres in (False, True)}


async def comment_counts(
    session: AsyncSession, workspace_id: uuid.UUID, incident_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """How many comments each incident of the workspace has (0 for none)."""
    return await CommentRepository(session, workspace_id).counts(incident_ids)


class CommentService:
    """Comments on the incidents of one workspace, by the caller."""

    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.comments = CommentRepository(session, scope.workspace_id)
        self.people = ProjectUsers(session, scope.project.id)

    async def page(self, incident_id: uuid.UUID, limit: int, cursor: str | None) -> CommentPage:
        """A page of the incident's comments, oldest first, and the cursor of the next page."""
        statement = self.comments.select().where(IncidentComment.incident_id == incident_id)
        page = await self.comments.page(statement, OLDEST_FIRST, limit, cursor)
        return CommentPage(await self._with_authors(page.rows), page.next_cursor)

    async def add(self, incident_id: uuid.UUID, content: str) -> Comment:
        """A new comment by the caller on the incident (404 if it is gone)."""
        comment = IncidentComment(
            id=uuid.uuid4(),
            workspace_id=self.scope.workspace_id,
            incident_id=incident_id,
            author_id=self.scope.user.id,
            content=content,
            created_date=utcnow(),
        )
        # The incident may have been deleted since it was looked up.
        gone = NotFound(f"no incident {incident_id} in this workspace")
        await add_or_refuse(self.session, comment, gone)
        return Comment(comment, self.scope.user)

    async def _with_authors(self, comments: Sequence[IncidentComment]) -> list[Comment]:
        """Comments with their authors, loaded in one query."""
        authors = await self.people.by_ids({c.author_id for c in comments if c.author_id})
        return [Comment(c, authors.get(c.author_id) if c.author_id else None) for c in comments]
