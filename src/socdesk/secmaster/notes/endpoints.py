"""SecMaster note routes (the SDK's create_note, list_notes, delete_notes). Declared before the
generic data-object routes, whose `~/soc/{dataclass_name}` would take `~/soc/notes`."""

from __future__ import annotations

from fastapi import APIRouter

from socdesk.kit.clock import format_time
from socdesk.kit.db import SessionDep
from socdesk.kit.ids import hex_id
from socdesk.kit.routes import SecMasterRoute, reads_only, without_transaction
from socdesk.notes.service import Note, NoteQuery, NoteService
from socdesk.secmaster.incidents.schemas import BatchOutcome
from socdesk.secmaster.notes.schemas import (
    NoteCreate,
    NoteDeleteEnvelope,
    NoteDetail,
    NoteEnvelope,
    NoteIds,
    NotePage,
    NoteSearch,
    NoteText,
    NoteUser,
)
from socdesk.workspaces.dependencies import SecMasterReader, SecMasterWriter
from socdesk.workspaces.scope import WorkspaceScope

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc/notes",
    tags=["SecMaster: notes"],
    route_class=SecMasterRoute,
)


def _detail(note: Note, scope: WorkspaceScope) -> NoteDetail:
    time = format_time(note.created)
    author = note.author
    return NoteDetail(
        id=str(note.id),
        war_room_id=str(note.object_id),
        project_id=hex_id(scope.project.id),
        workspace_id=str(scope.workspace_id),
        create_time=time,
        update_time=time,
        data=NoteText(content=note.content),
        content=note.content,
        note_type=note.note_type,
        type=note.type,
        user=NoteUser(
            id=str(author.id) if author else None, name=author.display_name if author else None
        ),
    )


@router.post("", summary="Note on a data object (on an incident: a comment)")
async def create_note(
    body: NoteCreate, scope: SecMasterWriter, session: SessionDep
) -> NoteEnvelope:
    """`war_room_id` is any data object's id; on an incident the note is one of its comments,
    shown by the register's /v1/incidents/{id}/comments."""
    note = await NoteService(session, scope).add(
        body.war_room_id, body.content, body.note_type, body.type
    )
    return NoteEnvelope(data=_detail(note, scope))


@router.post("/search", summary="A data object's notes (an incident's: its comments)")
@reads_only
@without_transaction
async def list_notes(body: NoteSearch, scope: SecMasterReader, session: SessionDep) -> NotePage:
    """Oldest first unless `order` is DESC; paged by offset, with the total."""
    query = NoteQuery(
        body.war_room_id,
        body.from_date,
        body.to_date,
        body.order == "DESC",
        body.offset,
        body.limit,
    )
    notes, total = await NoteService(session, scope).page(query)
    page = body.offset // body.limit + 1
    details = [_detail(n, scope) for n in notes]
    return NotePage(total=total, size=len(details), page=page, data=details)


@router.delete("", summary="Delete notes; ids not deleted are reported")
async def delete_notes(
    body: NoteIds, scope: SecMasterWriter, session: SessionDep
) -> NoteDeleteEnvelope:
    done, refused = await NoteService(session, scope).delete(body.batch_ids)
    return NoteDeleteEnvelope(data=BatchOutcome(success_ids=done, error_ids=refused))
