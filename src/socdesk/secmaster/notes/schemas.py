"""The SDK's CreateNoteRequestBody, ListNotesRequestBody, DeleteNoteRequestBody and NotesDetail."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from socdesk.kit.conditions import SearchTime
from socdesk.kit.schemas import MAX_OFFSET, NotBlank, RequestBody, ResponseBody
from socdesk.secmaster.incidents.schemas import BatchOutcome

# As long as a register comment may be: on an incident a note is one.
NOTE_MAX_CHARS = 10_000
Short = Annotated[str, Field(max_length=64)]
ObjectId = Annotated[str, Field(min_length=1, max_length=64)]

# An id as sent: one that names nothing lands in error_ids.
IdText = Annotated[str, Field(max_length=100)]


class NoteCreate(RequestBody):
    war_room_id: ObjectId = Field(description="The data object noted (any class's id).")
    content: Annotated[str, NotBlank, Field(min_length=1, max_length=NOTE_MAX_CHARS)]
    type: Short | None = Field(default=None, description="Kept (not on an incident's comment).")
    note_type: Short | None = Field(
        default=None, description="Kept (not on an incident's comment)."
    )


class NoteSearch(RequestBody):
    war_room_id: ObjectId = Field(description="The data object whose notes these are.")
    limit: Annotated[int, Field(ge=1, le=1000)] = 10
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] = 0
    sort_by: Literal["create_time"] = Field(default="create_time", description="The only key.")
    order: Literal["ASC", "DESC"] = "ASC"
    from_date: SearchTime | None = Field(default=None, description="create_time ≥ this.")
    to_date: SearchTime | None = Field(default=None, description="create_time ≤ this.")

    @field_validator("order", mode="before")
    @classmethod
    def upper_order(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


class NoteIds(RequestBody):
    batch_ids: list[IdText] = Field(
        max_length=10_000,
        description="Notes to delete; malformed, unknown or repeated ids land in error_ids.",
    )


class NoteText(ResponseBody):
    content: str


class NoteUser(ResponseBody):
    id: str | None
    name: str | None


class NoteDetail(ResponseBody):
    id: str
    war_room_id: str
    project_id: str
    workspace_id: str
    create_time: str
    update_time: str
    data: NoteText
    content: str
    is_deleted: bool = False
    marked_note: bool = True
    note_type: str | None
    type: str | None
    user: NoteUser


class NoteEnvelope(ResponseBody):
    code: str = "00000000"
    message: str = ""
    success: bool = True
    data: NoteDetail


class NotePage(ResponseBody):
    code: str = "00000000"
    message: str = ""
    total: int
    size: int
    page: int
    success: bool = True
    data: list[NoteDetail]


class NoteDeleteEnvelope(ResponseBody):
    code: str = "00000000"
    message: str = ""
    data: BatchOutcome
