"""The first look at what a client sends, before any route parses it (kit/jsonbody.py has the
JSON rules, kit/schemas.py the rule of text a store can hold)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from socdesk.kit.dialects import error_response
from socdesk.kit.errors import AppError, ErrorDetail, ValidationFailed
from socdesk.kit.gc_pause import gc_paused
from socdesk.kit.jsonbody import DEFAULT_MAX_DEPTH, current_max_depth, json_problems, refusal
from socdesk.kit.routes import dialect_of
from socdesk.kit.schemas import storable

# A JSON body this large is bulk work (a batch of thousands of objects): the request parses it
# into as many short-lived containers, and the cyclic collector would walk them again and again
# (measured: a quarter of a 10,000-alert batch-create's CPU; kit/gc_pause.py).
BULK_BODY_BYTES = 256 * 1024


def _unstorable_text(scope: Scope) -> list[ErrorDetail]:
    """Each query parameter (and the path) whose text no store can hold, by name."""
    problems = []
    texts: list[tuple[str, str]] = [("path", scope["path"])]
    query = scope.get("query_string", b"").decode("latin-1")
    texts += parse_qsl(query, keep_blank_values=True)
    for name, text in texts:
        try:
            storable(name)
            storable(text)
        except ValueError as error:
            problems.append(ErrorDetail(name, str(error), value=text))
    return problems


def _listed(problems: list[ErrorDetail]) -> str:
    return "invalid request: " + "; ".join(f"{p.field}: {p.message}" for p in problems[:5])


def _is_json(scope: Scope) -> bool:
    """The content types FastAPI parses as JSON: application/json and application/*+json. The
    first Content-Type header counts, as it does for Starlette."""
    raw = next((value for name, value in scope["headers"] if name == b"content-type"), b"")
    media = bytes(raw).split(b";")[0].strip().lower()
    return media == b"application/json" or (
        media.startswith(b"application/") and media.endswith(b"+json")
    )


class ClientInputCheck:
    """Refuses, with a 400 in the route's dialect and before any route sees it:
    - a path or query parameter holding text no store can hold (NUL: the same rule as bodies,
      `kit.schemas.storable`), named — every route, present and future, whatever it declares;
    - a JSON request body that `json_problems` finds unfit (too deep, numbers JSON or a store
      cannot hold), before FastAPI or anything else parses it. It sits inside the body size
      limit, so the body it reads is already bounded."""

    def __init__(self, app: ASGIApp, max_depth: int = DEFAULT_MAX_DEPTH) -> None:
        self.app = app
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = current_max_depth.set(self.max_depth)
        try:
            await self._check(scope, receive, send)
        finally:
            current_max_depth.reset(token)

    async def _check(self, scope: Scope, receive: Receive, send: Send) -> None:
        text_problems = _unstorable_text(scope)
        if text_problems:
            failure = ValidationFailed(_listed(text_problems), details=text_problems)
            await error_response(failure, dialect_of(scope))(scope, receive, send)
            return
        if not _is_json(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        try:
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    # The client went away: let the app see it as it would have.
                    await self.app(scope, _replay(b"".join(chunks), receive, message), send)
                    return
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    break
        except AppError as too_large:  # the size limit, raised while the body streams in
            await error_response(too_large, dialect_of(scope))(scope, receive, send)
            return
        body = b"".join(chunks)
        problems = json_problems(body, self.max_depth)
        if problems:
            await error_response(refusal(problems), dialect_of(scope))(scope, receive, send)
            return
        if len(body) < BULK_BODY_BYTES:
            await self.app(scope, _replay(body, receive), send)
            return
        with gc_paused():
            await self.app(scope, _replay(body, receive), send)


def _replay(body: bytes, receive: Receive, pending: Message | None = None) -> Receive:
    """A receive that hands the app the body already read, then the client's own messages."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent, pending
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": pending is not None}
        if pending is not None:
            message, pending = pending, None
            return message
        return await receive()

    return replayed
