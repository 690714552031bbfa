"""The application's routes as one flat list, whichever way FastAPI keeps included routers."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping, Sequence
from typing import Any, TypeVar

from fastapi import routing
from starlette.routing import BaseRoute

F = TypeVar("F", bound=Callable[..., Any])


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


_READS_ONLY = "__socdesk_reads_only__"


def reads_only(endpoint: F) -> F:
    """Mark a POST route that changes nothing (a search, an export): a signed call to it is a
    read, which may be sent again as it is, like a GET (docs/authentication.md)."""
    setattr(endpoint, _READS_ONLY, True)
    return endpoint


def route_reads_only(scope: MutableMapping[str, Any]) -> bool:
    """Whether the request's matched route is marked `reads_only`."""
    endpoint = getattr(scope.get("route"), "endpoint", None)
    return bool(getattr(endpoint, _READS_ONLY, False))
