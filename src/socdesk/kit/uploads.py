"""Reading a file a client uploads as a multipart/form-data field, and documenting that field.

The routes that take a file (the incident import, an avatar) read their form themselves, bounded
by their own limit, so that a file is spooled to disk by Starlette's parser, an oversize one is
a 413 naming the route's setting, and a missing field is a 400 naming the field.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from socdesk.kit.errors import AppError, PayloadTooLarge, ValidationFailed

MULTIPART = "multipart/form-data"
# Room for the multipart envelope (boundaries, part headers) around a file, in a body that is
# otherwise held to the file's own limit.
MULTIPART_ALLOWANCE = 64 * 1024
# A file route's form has its file and little else; more is refused as unreadable.
MAX_FORM_FIELDS = 10


def media_type(content_type: str | None) -> str:
    """`type/subtype` of a Content-Type, lower-cased, without parameters ("" if none)."""
    return (content_type or "").split(";")[0].strip().lower()


def multipart_file_body(
    field: str,
    description: str | None = None,
    other_content: Mapping[str, Any] | None = None,
    text_fields: Mapping[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The `openapi_extra` of a route whose body is a form with the file `field` (after
    `other_content`, the other bodies a route may take instead, such as a raw image), and
    the required `text_fields` beside it (their schemas)."""
    file: dict[str, Any] = {"type": "string", "format": "binary"}
    if description is not None:
        file["description"] = description
    form = {
        "type": "object",
        "required": [*(text_fields or {}), field],
        "properties": {**(text_fields or {}), field: file},
    }
    return {
        "requestBody": {
            "required": True,
            "content": {**(other_content or {}), MULTIPART: {"schema": form}},
        }
    }


def declared_length(request: Request) -> int | None:
    """The body's length as its Content-Length declares it, if it does."""
    declared = request.headers.get("content-length", "")
    return int(declared) if declared.isdigit() else None


def _size(upload: UploadFile) -> int:
    if upload.size is not None:
        return upload.size
    # An UploadFile that did not count what it was given: measure its file.
    end = upload.file.seek(0, os.SEEK_END)
    upload.file.seek(0)
    return end


@asynccontextmanager
async def multipart_file(
    request: Request, field: str, max_bytes: int, too_large: PayloadTooLarge
) -> AsyncIterator[UploadFile]:
    """The file in the form field `field`, at most `max_bytes` (else `too_large`, 413; a body
    declared past the file's limit and the envelope's room is refused before it is read). A
    body that is not multipart, a form that cannot be read or has no file `field` is a 400
    naming `field`. The form's files are closed when the block ends."""
    async with multipart_form(request, field, max_bytes, too_large) as (upload, _texts):
        yield upload


@asynccontextmanager
async def multipart_form(
    request: Request, field: str, max_bytes: int, too_large: PayloadTooLarge
) -> AsyncIterator[tuple[UploadFile, Mapping[str, str]]]:
    """`multipart_file`'s file, and the form's text fields by name."""
    if media_type(request.headers.get("content-type")) != MULTIPART:
        raise ValidationFailed.for_field(
            field, f"send the file as {MULTIPART} in the field {field}"
        )
    length = declared_length(request)
    if length is not None and length > max_bytes + MULTIPART_ALLOWANCE:
        raise too_large
    try:
        form = await request.form(max_files=1, max_fields=MAX_FORM_FIELDS)
    except AppError:
        raise  # the body grew past the server's limit while being read: 413
    except Exception as error:  # the multipart parser's errors carry no common base
        raise ValidationFailed.for_field(field, f"unreadable form data: {error}") from None
    try:
        upload = form.get(field)
        if not isinstance(upload, UploadFile):
            raise ValidationFailed.for_field(field, f"the form has no file named {field}")
        if _size(upload) > max_bytes:
            raise too_large
        yield upload, {k: v for k, v in form.multi_items() if isinstance(v, str)}
    finally:
        await form.close()
