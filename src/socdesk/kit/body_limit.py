"""Refusing request bodies over a size limit before they are read into memory."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from socdesk.kit.dialects import error_response
from socdesk.kit.errors import PayloadTooLarge


class BodySizeLimit:
    """413 for a declared Content-Length over the limit, and for a streamed (chunked) body as
    soon as it grows past it. `limit_for(path)` lets upload routes have their own limit."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            error = PayloadTooLarge(f"the request body is over the limit of {limit} bytes")
            await error_response(error, scope["path"])(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(f"the request body is over the limit of {limit} bytes")
            return message

        await self.app(scope, counting_receive, send)
