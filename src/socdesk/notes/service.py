"""Notes on the data objects of one workspace (SecMaster's create_note, list_notes,
delete_notes), on any class.

On an incident a note IS one of its comments (incidents/comments.py): written here it reads
back in the register dialect's /v1/incidents/{id}/comments, and a comment written there reads
back here as a note. SecMaster's `type` and `note_type` are not kept on a comment (the
register has no such fields); on other objects notes live in `data_object_notes`, with them,
and go with the object."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.iam.repository import ProjectUsers
from socdesk.incidents.comments import CommentRepository
from socdesk.incidents.repository import IncidentRepository
from socdesk.kit.clock import utcnow
from socdesk.kit.errors import NotFound
from socdesk.models import DataObject, DataObjectNote, User
from socdesk.notes.repository import IncidentNoteRepository, NoteRepository
from socdesk.objects.repository import DataObjectRepository
from socdesk.objects.service import unique_ids
from socdesk.workspaces.scope import WorkspaceScope


@dataclass(frozen=True, slots=True)
class Note:
    """A note on an object (`object_id`), by its author (None once that user is gone)."""

    id: uuid.UUID
    object_id: uuid.UUID
    content: str
    note_type: str | None
    type: str | None
    created: datetime
    author: User | None


@dataclass(frozen=True, slots=True)
class NoteQuery:
    """Which of an object's notes, in which order, which page."""

    object_text: str
    since: datetime | None = None
    until: datetime | None = None
    newest_first: bool = False
    offset: int = 0
    limit: int = 10


def _uuid_or_none(text: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except (ValueError, AttributeError, TypeError):
        return None


class NoteService:
    """Notes on one workspace's objects, by the caller."""

    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.notes = NoteRepository(session, scope.workspace_id)
        self.incident_notes = IncidentNoteRepository(session, scope.workspace_id)
        self.incidents = IncidentRepository(session, scope.workspace_id)
        self.comments = CommentRepository(session, scope.workspace_id)
        self.objects = DataObjectRepository(session, scope.workspace_id)
        self.people = ProjectUsers(session, scope.project.id)

    async def _target(self, object_text: str) -> tuple[uuid.UUID, bool]:
        """The object's id and whether it is an incident; 404 naming war_room_id for none."""
        object_id = _uuid_or_none(object_text)
        if object_id is not None and await self.incidents.existing_ids([object_id]):
            return object_id, True
        return await self._data_object(object_text, object_id), False

    async def _data_object(self, object_text: str, object_id: uuid.UUID | None) -> uuid.UUID:
        """The id of a data object (not an incident) of the workspace; 404 naming war_room_id
        for none."""
        if object_id is not None:
            found = await self.session.scalar(
                self.objects.select(DataObject.id).where(DataObject.id == object_id)
            )
            if found is not None:
                return object_id
        raise NotFound(f"war_room_id: no data object {str(object_text)[:100]!r} in this workspace")

    async def add(
        self, object_text: str, content: str, note_type: str | None, kind: str | None
    ) -> Note:
        """A new note by the caller on the object (an incident's: a comment on it)."""
        incident_id = _uuid_or_none(object_text)
        if incident_id is not None:
            # On an incident, the one statement that checks it is one writes the comment.
            note_id, user, now = uuid.uuid4(), self.scope.user, utcnow()
            if await self.comments.add_if_incident(incident_id, note_id, user.id, content, now):
                return Note(note_id, incident_id, content, None, None, now, user)
        object_id = await self._data_object(object_text, incident_id)
        note = DataObjectNote(
            id=uuid.uuid4(),
            workspace_id=self.scope.workspace_id,
            object_id=object_id,
            author_id=self.scope.user.id,
            content=content,
            note_type=note_type,
            type=kind,
            created_date=utcnow(),
        )
        self.session.add(note)
        await self.session.flush()
        return Note(
            note.id, object_id, content, note_type, kind, note.created_date, self.scope.user
        )

    async def page(self, query: NoteQuery) -> tuple[list[Note], int]:
        """The object's notes the query asks for, and how many there are in its window."""
        object_id, is_incident = await self._target(query.object_text)
        window = (query.since, query.until, query.newest_first, query.offset, query.limit)
        if is_incident:
            comments, total = await self.incident_notes.offset_page(object_id, *window)
            authors = await self._authors(comments)
            notes = [
                Note(c.id, object_id, c.content, None, None, c.created_date, authors(c.author_id))
                for c in comments
            ]
            return notes, total
        rows, total = await self.notes.offset_page(object_id, *window)
        authors = await self._authors(rows)
        return [
            Note(
                n.id,
                object_id,
                n.content,
                n.note_type,
                n.type,
                n.created_date,
                authors(n.author_id),
            )
            for n in rows
        ], total

    async def _authors(self, rows: Sequence[Any]) -> Any:
        people = await self.people.by_ids({r.author_id for r in rows if r.author_id})
        return lambda author_id: people.get(author_id) if author_id else None

    async def delete(self, batch_ids: Sequence[Any] | None) -> tuple[list[str], list[str]]:
        """Delete the notes listed (an incident's comments included); the ids deleted, and
        the others (malformed, repeated, unknown, another workspace's) as sent."""
        ids, refused = unique_ids(batch_ids or [])
        gone = set(await self.notes.delete_ids(ids))
        gone |= set(await self.incident_notes.delete_ids([i for i in ids if i not in gone]))
        return [str(i) for i in ids if i in gone], refused + [str(i) for i in ids if i not in gone]
