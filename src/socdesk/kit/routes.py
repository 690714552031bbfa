"""What a route declares beyond FastAPI's own — the dialect its errors answer in, the body limit
its requests are held to, whether a POST only reads — and which route a request is for.

The layers that run before routing (the body size limit, the input check) and the error
handlers after it all need the route a request is for; `matched(scope)` finds it once per
request, in the order Starlette routes, and keeps it in the scope for the others.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any, ClassVar, TypeVar

from fastapi import routing
from fastapi.routing import APIRoute, APIWebSocketRoute
from starlette._utils import get_route_path  # what Starlette's own routes match (as FastAPI does)
from starlette.routing import BaseRoute, Match, NoMatchFound, WebSocketRoute
from starlette.types import Receive, Scope, Send

from socdesk.kit.dialects import Dialect

F = TypeVar("F", bound=Callable[..., Any])
# The envelope of an answer no route declares a dialect for: a path no route serves (404), the
# static files, a route added without a dialect (SecMaster's, the API's first dialect).
UNDECLARED_DIALECT = Dialect.secmaster


@lru_cache(maxsize=4096)
def _path_segments(path: str) -> tuple[str, ...]:
    return tuple(path.split("/"))


class DialectRoute(APIRoute):
    """A route whose errors answer in `dialect`'s envelope, whatever its path. A router declares
    its dialect with `APIRouter(..., route_class=RegisterRoute)`: every route it makes is one.

    A request is matched against the routes in order, so one for the hundredth route is first
    refused by the ninety-nine before it. Each refuses a path its segments cannot fit (another
    count of segments, another word where the route has a literal one) before FastAPI's and
    Starlette's matching, which costs several times more; any path that fits goes through them,
    so what matches is exactly what would have."""

    dialect: ClassVar[Dialect]

    def __init__(self, path: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(path, *args, **kwargs)
        parts = self.path_format.split("/")
        # Literal segments, the last (most telling) first; a `{name:path}` parameter spans
        # segments, so such a route is matched in full.
        self._literals = tuple((i, p) for i, p in reversed(list(enumerate(parts))) if "{" not in p)
        self._segments = None if ":path}" in path else len(parts)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if self._segments is not None and scope["type"] == "http":
            segments = _path_segments(get_route_path(scope))
            if len(segments) != self._segments or any(
                segments[i] != literal for i, literal in self._literals
            ):
                return Match.NONE, {}
        return super().matches(scope)


class SecMasterRoute(DialectRoute):
    dialect = Dialect.secmaster


class RegisterRoute(DialectRoute):
    dialect = Dialect.register


class KeystoneRoute(DialectRoute):
    dialect = Dialect.keystone


class BodySize(StrEnum):
    """Which of the operator's body limits a route's requests are held to."""

    standard = "standard"  # SOCDESK_MAX_BODY_BYTES
    file_import = "file_import"  # SOCDESK_IMPORT_MAX_BYTES: a file of incidents to import
    attachment = "attachment"  # SOCDESK_ATTACHMENT_MAX_BYTES: a to-do's attachment


_BODY_SIZE = "__socdesk_body_size__"
_READS_ONLY = "__socdesk_reads_only__"
_NO_TRANSACTION = "__socdesk_no_transaction__"


def body_size(size: BodySize) -> Callable[[F], F]:
    """Mark a route whose requests are held to another limit than `BodySize.standard`."""

    def mark(endpoint: F) -> F:
        setattr(endpoint, _BODY_SIZE, size)
        return endpoint

    return mark


def reads_only(endpoint: F) -> F:
    """Mark a POST route that changes nothing (a search, an export): a signed call to it is a
    read, which may be sent again as it is, like a GET (docs/authentication.md)."""
    setattr(endpoint, _READS_ONLY, True)
    return endpoint


def without_transaction(endpoint: F) -> F:
    """Mark a POST route that only reads, with statements that need no snapshot in common:
    like a GET it runs outside any transaction (kit/db.py `get_session`). Not for a route that
    streams through a server-side cursor (an export), which needs one."""
    setattr(endpoint, _NO_TRANSACTION, True)
    return endpoint


def route_without_transaction(scope: MutableMapping[str, Any]) -> bool:
    """Whether the request's matched route is marked `without_transaction`."""
    endpoint = getattr(scope.get("route"), "endpoint", None)
    return bool(getattr(endpoint, _NO_TRANSACTION, False))


def route_reads_only(scope: MutableMapping[str, Any]) -> bool:
    """Whether the request's matched route is marked `reads_only`."""
    endpoint = getattr(scope.get("route"), "endpoint", None)
    return bool(getattr(endpoint, _READS_ONLY, False))


def flat_routes(routes: Sequence[BaseRoute]) -> list[Any]:
    """Every route, with included routers' routes in their place (and their prefixes applied).

    Recent FastAPI keeps an included router as one entry and resolves its routes lazily
    (`iter_route_contexts`); older versions copied them into `app.routes`.
    """
    iterate = getattr(routing, "iter_route_contexts", None)
    return list(iterate(routes)) if iterate is not None else list(routes)


def original(route: Any) -> Any:
    """The route as declared (an APIRoute for FastAPI's), under any context FastAPI wraps it in."""
    return getattr(route, "original_route", route)


def route_dialect(route: Any) -> Dialect:
    """The dialect `route` declares (UNDECLARED_DIALECT for one that declares none)."""
    return getattr(original(route), "dialect", UNDECLARED_DIALECT)


@dataclass(frozen=True, slots=True)
class Matched:
    """The route a request is for: the one that serves it (`serves`), else the first whose path
    matched (its method is not served: a 405), else none (a 404). `path` is what was matched;
    `dialect` the envelope its errors answer in, `body_size` the limit its body is held to."""

    route: Any | None
    serves: bool
    path: str
    dialect: Dialect
    body_size: BodySize
    # The FastAPI route that serves it, if it is one of the application's own routes (not of
    # a router included with a prefix or dependencies of its own): MatchedRouteFirst hands
    # the request straight to it.
    own_route: APIRoute | None = None


@dataclass(frozen=True, slots=True)
class _Entry:
    regex: re.Pattern[str]
    methods: frozenset[str] | None  # None: every method (a mount)
    route: Any
    dialect: Dialect
    body_size: BodySize
    # The path's segments, None for a parameter's: to find the route nearest an unknown path.
    segments: tuple[str | None, ...]
    # The pattern each path parameter declares (in its OpenAPI schema), by name.
    patterns: dict[str, re.Pattern[str]]
    # How many slashes a path it matches has (None: any number).
    count: int | None
    own_route: APIRoute | None

    def accepts(self, path: str) -> bool:
        """Whether `path` is this route's with every parameter as its schema declares it."""
        found = self.regex.match(path)
        if found is None:
            return False
        values = found.groupdict()
        return all(
            pattern.search(values.get(name) or "") is not None
            for name, pattern in self.patterns.items()
        )


def _slashes(route: Any) -> int | None:
    """How many slashes every path `route` matches has; None for a mount or a route with a
    `{name:path}` parameter (a parameter's value holds no slash otherwise)."""
    path = getattr(route, "path", None)
    if not isinstance(original(route), APIRoute) or not isinstance(path, str) or ":path}" in path:
        return None
    return path.count("/")


def _path_patterns(route: Any) -> dict[str, re.Pattern[str]]:
    """The `pattern` each path parameter of a FastAPI route declares, compiled."""
    dependant = getattr(original(route), "dependant", None)
    patterns: dict[str, re.Pattern[str]] = {}
    for param in getattr(dependant, "path_params", None) or []:
        extra = getattr(param.field_info, "json_schema_extra", None)
        pattern = extra.get("pattern") if isinstance(extra, dict) else None
        if isinstance(pattern, str):
            patterns[param.alias or param.name] = re.compile(pattern)
    return patterns


def _segments(path_format: str) -> tuple[str | None, ...]:
    parts = path_format.strip("/").split("/")
    return tuple(None if p.startswith("{") and p.endswith("}") else p for p in parts)


def _alike(segments: tuple[str | None, ...], parts: list[str]) -> tuple[int, int]:
    """How many leading segments of a route's path `parts` has alike, and how many of those
    alike literally (a parameter takes any non-empty segment)."""
    alike = literal = 0
    for segment, part in zip(segments, parts, strict=False):
        if segment == part:
            literal += 1
        elif segment is not None or not part:
            break
        alike += 1
    return alike, literal


class RouteTable:
    """An application's routes, flattened and compiled once, matched as Starlette matches them:
    in order, the first full match wins, else the first route whose path matched."""

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self.entries: list[_Entry] = []
        own = {id(r) for r in routes if isinstance(r, APIRoute)}
        for route in flat_routes(routes):
            regex = getattr(route, "path_regex", None)
            # A websocket route never serves an HTTP request; a route with no path (a Host)
            # is none of this API's.
            if regex is None or isinstance(original(route), WebSocketRoute | APIWebSocketRoute):
                continue
            methods = getattr(route, "methods", None)
            endpoint = getattr(route, "endpoint", None)
            self.entries.append(
                _Entry(
                    regex,
                    frozenset(methods) if methods else None,
                    route,
                    route_dialect(route),
                    getattr(endpoint, _BODY_SIZE, BodySize.standard),
                    _segments(str(getattr(route, "path_format", ""))),
                    _path_patterns(route),
                    _slashes(route),
                    original(route) if id(original(route)) in own else None,
                )
            )
        # The entries a path of n segments may match, in order: those of n segments and those
        # of any count (a mount, a `{name:path}` parameter). A request is tried against these
        # alone, not all the routes before its own.
        self._by_count: dict[int, list[_Entry]] = {}
        self._any_count: list[_Entry] = [e for e in self.entries if e.count is None]
        for entry in self.entries:
            if entry.count is not None and entry.count not in self._by_count:
                self._by_count[entry.count] = [
                    e for e in self.entries if e.count in (entry.count, None)
                ]

    def _candidates(self, path: str) -> list[_Entry]:
        return self._by_count.get(path.count("/"), self._any_count)

    def match(self, method: str, path: str) -> Matched:
        partial = None
        for entry in self._candidates(path):
            if entry.regex.match(path) is None:
                continue
            if entry.methods is None or method in entry.methods:
                return Matched(
                    entry.route, True, path, entry.dialect, entry.body_size, entry.own_route
                )
            if partial is None:
                partial = entry
        if partial is not None:
            # A method the route does not serve is refused whatever its body: the standard limit.
            return Matched(partial.route, False, path, partial.dialect, BodySize.standard)
        return Matched(None, False, path, self._nearest_dialect(path), BodySize.standard)

    def _nearest_dialect(self, path: str) -> Dialect:
        """For a path no route has: the dialect of the route whose path begins most like it (the
        most leading segments alike, literal ones first; the first such route), so that a
        mistyped path among a router's paths answers in its envelope. UNDECLARED_DIALECT when
        no route's path begins like it."""
        parts = path.strip("/").split("/")
        best, dialect = (0, 0), UNDECLARED_DIALECT
        for entry in self.entries:
            score = _alike(entry.segments, parts)
            if score > best:
                best, dialect = score, entry.dialect
        return dialect

    def matching_path(self, path: str) -> list[Any]:
        """Every route whose path matches `path`, whatever its methods (for a 405's Allow)."""
        return [e.route for e in self._candidates(path) if e.regex.match(path)]

    def accepting_path(self, path: str) -> list[Any]:
        """Every route whose path matches `path` with each parameter's value as the route's
        OpenAPI document declares it (its pattern), whatever its methods: the routes a client
        reading the document would send `path` to (for a 405's Allow)."""
        return [e.route for e in self._candidates(path) if e.accepts(path)]


# Each application's table, with the shape of the route list it was built from: routes are
# only ever appended to it (add_api_route, include_router, mount), so a new length or last
# route means the table is rebuilt. (A route added to a router after it was included is not
# seen until then; SOCdesk's routers are complete when `create_app` includes them.)
_TABLES: weakref.WeakKeyDictionary[Any, tuple[tuple[int, int], RouteTable]] = (
    weakref.WeakKeyDictionary()
)
_MATCHED = "socdesk.matched"
_NOTHING = Matched(None, False, "", UNDECLARED_DIALECT, BodySize.standard)


def route_table(app: Any) -> RouteTable:
    routes = app.router.routes
    shape = (len(routes), id(routes[-1]) if routes else 0)
    cached = _TABLES.get(app)
    if cached is None or cached[0] != shape:
        cached = (shape, RouteTable(routes))
        _TABLES[app] = cached
    return cached[1]


def matched(scope: Scope) -> Matched:
    """The route the request is for, found on first use and kept in the scope: the layers
    before routing and the error handlers after it see the same route."""
    found = scope.get(_MATCHED)
    if found is None:
        app = scope.get("app")
        if scope.get("type") != "http" or app is None or not hasattr(app, "router"):
            return _NOTHING
        path = get_route_path(scope)
        found = route_table(app).match(scope["method"], path)
        scope[_MATCHED] = found
    return found


class MatchedRouteFirst(BaseRoute):
    """The first of an application's routes (`create_app` puts it there): the route `matched`
    has already found for the request — the body limit asks for it before routing — so
    FastAPI's routing loop hands the request to that route at once, instead of trying each
    route before it again. A request no route of the application's own fully matches (a 404,
    a 405, a mount's, an included router's) goes on through the loop as before."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http":
            route = matched(scope).own_route
            if route is not None:
                match, child_scope = route.matches(scope)
                if match is Match.FULL:
                    return match, child_scope
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = matched(scope).own_route
        assert route is not None  # `matches` answered FULL only for one
        await route.handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        raise NoMatchFound(name, path_params)


def dialect_of(scope: Scope) -> Dialect:
    """The dialect the request's route answers in (its path's route for a 405)."""
    return matched(scope).dialect
