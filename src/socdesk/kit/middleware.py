"""The outermost layer of every request: request id, access log, metrics, last-resort 500."""

from __future__ import annotations

import logging
import socket
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from socdesk.kit.dialects import error_response
from socdesk.kit.errors import AppError
from socdesk.kit.logs import current_request_id
from socdesk.kit.metrics import observe_request
from socdesk.kit.routes import dialect_of

access_log = logging.getLogger("socdesk.access")
error_log = logging.getLogger("socdesk.errors")
HOSTNAME = socket.gethostname()


def new_request_id() -> str:
    """`<uuid>-<unix ms>-<hostname>`, the form SecMaster's X-request-id takes."""
    return f"{uuid.uuid4()}-{int(time.time() * 1000)}-{HOSTNAME}"


class RequestContextMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware) so streaming bodies pass through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_request_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                MutableHeaders(scope=message)["X-request-id"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        except Exception:
            error_log.exception("unhandled error", extra={"path": scope["path"]})
            if not response_started:
                response = error_response(
                    AppError(f"internal error; quote request id {request_id}"), dialect_of(scope)
                )
                await response(scope, receive, send_with_request_id)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", "unmatched")
            observe_request(scope["method"], route, status, elapsed)
            access_log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )
            current_request_id.reset(token)
