"""Register bodies for incident comments."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field

from socdesk.incidents.comments import Comment
from socdesk.kit.schemas import NotBlank, RequestBody, ResponseBody
from socdesk.register.users.schemas import RegisterUser

COMMENT_MAX_CHARS = 10_000


class CommentCreate(RequestBody):
    content: Annotated[str, NotBlank, Field(min_length=1, max_length=COMMENT_MAX_CHARS)]


class CommentOut(ResponseBody):
    id: uuid.UUID
    content: str
    created_date: datetime
    author: RegisterUser | None = Field(
        description="Who wrote it; null only if that user no longer exists."
    )

    @classmethod
    def of(cls, comment: Comment) -> CommentOut:
        row, author = comment.row, comment.author
        return cls(
            id=row.id,
            content=row.content,
            created_date=row.created_date,
            author=RegisterUser.of(author) if author is not None else None,
        )


class CommentPage(ResponseBody):
    comments: list[CommentOut] = Field(description="Oldest first.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


class CommentCreated(ResponseBody):
    comment: CommentOut
