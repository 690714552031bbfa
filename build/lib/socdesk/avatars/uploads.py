"""Reading an avatar upload: the raw image as the body, or multipart with a `file` field."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import UploadFile

from socdesk.avatars.images import DECLARED_TYPES, checked_image_type, media_type
from socdesk.kit.errors import AppError, PayloadTooLarge, ValidationFailed

MULTIPART = "multipart/form-data"
# Room for the multipart envelope (boundaries, part headers) around the image.
MULTIPART_ALLOWANCE = 16 * 1024


@dataclass(frozen=True, slots=True)
class AvatarUpload:
    image: bytes
    content_type: str


def too_large(max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"file: an avatar image may be at most {max_bytes} bytes ({max_bytes / 1024 / 1024:g} MiB)"
    )


def _declared_length(request: Request) -> int | None:
    declared = request.headers.get("content-length", "")
    return int(declared) if declared.isdigit() else None


async def read_avatar_upload(request: Request, max_bytes: int) -> AvatarUpload:
    """The image a PUT carries, checked: 413 over `max_bytes`, 400 if it is empty, not a PNG or
    JPEG, or declared as another type than its bytes are."""
    kind = media_type(request.headers.get("content-type"))
    if kind == MULTIPART:
        data, declared = await _from_multipart(request, max_bytes)
        return AvatarUpload(data, checked_image_type(data, declared, allow_generic=True))
    if kind not in DECLARED_TYPES:
        raise ValidationFailed.for_field(
            "content-type",
            "send the image as the body with Content-Type image/png or image/jpeg, "
            "or as multipart/form-data in the field file",
            kind or None,
        )
    length = _declared_length(request)
    if length is not None and length > max_bytes:
        raise too_large(max_bytes)
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > max_bytes:
            raise too_large(max_bytes)
    data = bytes(received)
    return AvatarUpload(data, checked_image_type(data, kind, allow_generic=False))


async def _from_multipart(request: Request, max_bytes: int) -> tuple[bytes, str | None]:
    length = _declared_length(request)
    if length is not None and length > max_bytes + MULTIPART_ALLOWANCE:
        raise too_large(max_bytes)
    try:
        form = await request.form(max_files=1, max_fields=5)
    except AppError:
        raise  # the body grew past the server's limit while being read: 413
    except Exception as error:  # the multipart parser's errors carry no common base
        raise ValidationFailed.for_field("file", f"unreadable form data: {error}") from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ValidationFailed.for_field("file", "the form has no file named file")
        data = await upload.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise too_large(max_bytes)
        return data, upload.content_type
    finally:
        await form.close()
