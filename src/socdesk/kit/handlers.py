"""Turns every error FastAPI or SOCdesk raises into the calling dialect's envelope."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from socdesk.kit.dialects import error_response
from socdesk.kit.errors import (
    AppError,
    ErrorDetail,
    MethodNotAllowed,
    PayloadTooLarge,
    RouteNotFound,
    ValidationFailed,
)
from socdesk.kit.routes import dialect_of, matched, route_table
from socdesk.kit.uploads import media_type

JSON_CONTENT_TYPES = ("application/json", "application/merge-patch+json")
# Most problems one refused request lists (a body of a million bad items would otherwise be
# answered with a million); the message says how many there were.
MAX_LISTED_PROBLEMS = 100


def _field_name(loc: Sequence[int | str]) -> str:
    # FastAPI prefixes the source ("body", "query", "path", "header"); clients know fields.
    sources = {"body", "query", "path", "header"}
    parts = [str(p) for p in (loc[1:] if loc and loc[0] in sources else loc)]
    return ".".join(parts) or str(loc[0] if loc else "body")


def _describe(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "json_invalid":
        reason = (error.get("ctx") or {}).get("error", "")
        return f"request body is not valid JSON ({reason})" if reason else "body is not JSON"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "field required"
    return str(error.get("msg", "invalid value"))


def validation_failure(request: Request, exc: RequestValidationError) -> ValidationFailed:
    """One ValidationFailed naming each field FastAPI rejected."""
    content_type = media_type(request.headers.get("content-type"))
    has_body = request.method in {"POST", "PUT", "PATCH"}
    errors = list(exc.errors())
    if (
        has_body
        and content_type
        and content_type not in JSON_CONTENT_TYPES
        and any(e.get("loc", ())[:1] == ("body",) for e in errors)
    ):
        return ValidationFailed(
            f"Content-Type must be application/json, not {content_type}",
            details=[ErrorDetail("content-type", "must be application/json", value=content_type)],
        )
    details = []
    for error in errors[:MAX_LISTED_PROBLEMS]:
        loc = tuple(error.get("loc", ()))
        field = "body" if loc == ("body",) else _field_name(loc)
        message = _describe(error)
        if field == "body" and message == "field required":
            message = "request body is required"
        value = error.get("input") if error.get("type") != "missing" else None
        if not isinstance(value, str | int | float | bool | type(None)):
            value = None
        details.append(ErrorDetail(field, message, value=value))
    summary = "; ".join(f"{d.field}: {d.message}" for d in details[:5])
    if len(errors) > 5:
        summary += f" ({len(errors)} problems"
        summary += (
            f", the first {MAX_LISTED_PROBLEMS} listed)" if len(errors) > len(details) else ")"
        )
    return ValidationFailed(f"invalid request: {summary}", details=details)


def allowed_methods(request: Request) -> str:
    """The methods the request's path is served with, for a 405's `Allow` header. Starlette
    names only the first route whose path matched, and FastAPI makes one route per method.

    Every method of every route that takes the path counts, literal or not (`~/soc/alerts` is
    the alert routes' path and a `~/soc/{dataclass_name}` one: POST and DELETE), but a route
    counts only where each of its parameters has a value of the form its OpenAPI document
    declares: `/soc/incidents/import` is the import route's path, not an incident id that
    `/soc/incidents/{incident_id}` would take (it declares that id a UUID, so a client reads
    it the same way). A path no route's declared parameters accept falls back to its most
    literal matching routes."""
    table = route_table(request.app)
    path = matched(request.scope).path
    routes = table.accepting_path(path)
    if not routes:
        by_parameters: dict[int, list[Any]] = {}
        for route in table.matching_path(path):
            by_parameters.setdefault(str(getattr(route, "path", "")).count("{"), []).append(route)
        routes = by_parameters[min(by_parameters)] if by_parameters else []
    methods: set[str] = set()
    for route in routes:
        methods |= getattr(route, "methods", None) or set()
        if isinstance(getattr(route, "app", None), StaticFiles):
            methods |= {"GET", "HEAD"}  # what StaticFiles serves
    return ", ".join(sorted(methods))


def install_error_handlers(app: FastAPI) -> None:
    async def on_app_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AppError)
        return error_response(exc, dialect_of(request.scope))

    async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return error_response(validation_failure(request, exc), dialect_of(request.scope))

    async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        error: AppError
        if isinstance(exc.__cause__, AppError):
            # FastAPI turns any failure while reading the body into a 400; keep ours (413).
            error = exc.__cause__
        elif exc.status_code == 404:
            error = RouteNotFound(f"no route for {request.method} {request.url.path}")
        elif exc.status_code == 405:
            allow = allowed_methods(request)
            error = MethodNotAllowed(
                f"{request.method} is not allowed on {request.url.path}; it serves {allow}",
                headers={"Allow": allow},
            )
        elif exc.status_code == 413:
            error = PayloadTooLarge(str(exc.detail))
        elif media_type(request.headers.get("content-type")) in JSON_CONTENT_TYPES:
            # FastAPI's own parse failure, e.g. bytes that are not UTF-8.
            error = ValidationFailed.for_field("body", "request body is not valid JSON")
        else:
            error = ValidationFailed.for_field("body", str(exc.detail))
        return error_response(error, dialect_of(request.scope))

    app.add_exception_handler(AppError, on_app_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
