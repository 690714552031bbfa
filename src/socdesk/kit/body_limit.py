"""Refusing request bodies over a size limit before they are read into memory."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from socdesk.kit.dialects import error_response
from socdesk.kit.errors import PayloadTooLarge
from socdesk.kit.routes import BodySize, dialect_of, matched


@dataclass(frozen=True, slots=True)
class BodyLimit:
    """The bytes a body may have (`allowed`, which may leave room for the multipart envelope
    around an upload) and the limit an operator set, which a refusal names: its value and its
    setting, never the internal allowance."""

    allowed: int
    configured: int
    setting: str

    def refusal(self) -> PayloadTooLarge:
        return PayloadTooLarge(
            f"the request body is over the limit of {self.configured} bytes ({self.setting})"
        )


class BodySizeLimit:
    """413 for a declared Content-Length over the limit, and for a streamed (chunked) body as
    soon as it grows past it. Each route is held to the limit its `BodySize` names (the
    standard one unless it declares another, kit/routes.py `body_size`)."""

    def __init__(self, app: ASGIApp, limits: Mapping[BodySize, BodyLimit]) -> None:
        self.app = app
        self.limits = dict(limits)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits[matched(scope).body_size]
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit.allowed:
            await error_response(limit.refusal(), dialect_of(scope))(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit.allowed:
                    raise limit.refusal()
            return message

        await self.app(scope, counting_receive, send)
