"""Reading an avatar upload: the raw image as the body, or multipart with a `file` field."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from socdesk.avatars.images import DECLARED_TYPES, checked_image_type
from socdesk.kit.errors import PayloadTooLarge, ValidationFailed
from socdesk.kit.uploads import MULTIPART, declared_length, media_type, multipart_file

FILE_FIELD = "file"


@dataclass(frozen=True, slots=True)
class AvatarUpload:
    image: bytes
    content_type: str


def too_large(max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"{FILE_FIELD}: an avatar image may be at most {max_bytes} bytes "
        f"({max_bytes / 1024 / 1024:g} MiB)"
    )


async def read_avatar_upload(request: Request, max_bytes: int) -> AvatarUpload:
    """The image a PUT carries, checked: 413 over `max_bytes`, 400 if it is empty, not a PNG or
    JPEG, or declared as another type than its bytes are."""
    kind = media_type(request.headers.get("content-type"))
    if kind == MULTIPART:
        async with multipart_file(request, FILE_FIELD, max_bytes, too_large(max_bytes)) as upload:
            data = await upload.read()
            declared = upload.content_type
        return AvatarUpload(data, checked_image_type(data, declared, allow_generic=True))
    if kind not in DECLARED_TYPES:
        raise ValidationFailed.for_field(
            "content-type",
            "send the image as the body with Content-Type image/png or image/jpeg, "
            f"or as {MULTIPART} in the field {FILE_FIELD}",
            kind or None,
        )
    length = declared_length(request)
    if length is not None and length > max_bytes:
        raise too_large(max_bytes)
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > max_bytes:
            raise too_large(max_bytes)
    data = bytes(received)
    return AvatarUpload(data, checked_image_type(data, kind, allow_generic=False))
