"""Recognising the image formats an avatar may have by their bytes, not by what a client says."""

from __future__ import annotations

from socdesk.kit.errors import ValidationFailed
from socdesk.kit.uploads import media_type

PNG = "image/png"
JPEG = "image/jpeg"
# A PNG starts with its 8-byte signature and then its IHDR chunk (length, then the type).
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# A JPEG starts with the SOI marker, followed by the marker of its first segment.
JPEG_START = b"\xff\xd8\xff"
# What a client may declare, and the format it stands for.
DECLARED_TYPES = {PNG: PNG, JPEG: JPEG, "image/jpg": JPEG, "image/pjpeg": JPEG}
# What multipart parts carry when the sender did not know the type (curl -F, some libraries).
GENERIC_TYPES = frozenset({"", "application/octet-stream"})


def sniff(data: bytes) -> str | None:
    """The image format the bytes are in (PNG or JPEG), or None."""
    if data.startswith(PNG_SIGNATURE) and data[12:16] == b"IHDR":
        return PNG
    if data.startswith(JPEG_START):
        return JPEG
    return None


def checked_image_type(data: bytes, declared: str | None, *, allow_generic: bool) -> str:
    """The content type to store `data` under: 400 naming `file` when it is empty, not a PNG
    or JPEG, or not what the sender declared. A generic declared type (a multipart part sent
    as application/octet-stream) takes the format of the bytes when `allow_generic`."""
    if not data:
        raise ValidationFailed.for_field("file", "the image is empty")
    actual = sniff(data)
    if actual is None:
        raise ValidationFailed.for_field("file", "the bytes are not a PNG or JPEG image")
    kind = media_type(declared)
    if allow_generic and kind in GENERIC_TYPES:
        return actual
    expected = DECLARED_TYPES.get(kind)
    if expected is None:
        raise ValidationFailed.for_field(
            "content-type", "must be image/png or image/jpeg", kind or None
        )
    if expected != actual:
        raise ValidationFailed.for_field(
            "file", f"declared as {kind} but the bytes are {actual}", kind
        )
    return actual
