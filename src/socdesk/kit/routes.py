"""The application's routes as one flat list, whichever way FastAPI keeps included routers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import routing
from starlette.routing import BaseRoute


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
