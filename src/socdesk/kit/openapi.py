"""The OpenAPI document as the API really answers.

A request FastAPI cannot validate is a 400 in the route's dialect envelope (never 422). Every
other error status an operation can answer is documented from what the route depends on: a
dependency or route marked with `may_answer(...)` adds the statuses of those errors (in the
route's dialect: SecMaster answers an unknown object with 400, the register with 404), the
dependency marked `authenticates` adds 401 and the security schemes, an id in the path adds the
unknown-object answer and a request body adds 413.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from socdesk.kit.dialects import Dialect
from socdesk.kit.errors import (
    AppError,
    Conflict,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    ServiceUnavailable,
    TooManyRequests,
    Unauthenticated,
    WorkspaceNotFound,
)
from socdesk.kit.routes import flat_routes, original, route_dialect

F = TypeVar("F", bound=Callable[..., Any])
_ANSWERS = "__socdesk_answers__"
_AUTHENTICATES = "__socdesk_authenticates__"
# Path parameters that place a request (their failures are the scope's 403), not objects.
SCOPE_PARAMETERS = frozenset({"project_id", "workspace_id"})
SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "XAuthToken": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Auth-Token",
        "description": "A token: the `X-Subject-Token` header of `POST /v3/auth/tokens`, or an "
        "API key (`POST /v3/auth/api-keys`). `Authorization: Bearer <token>` works too.",
    },
    "SdkHmacSha256": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "An AK/SK signature, as the SecMaster SDK writes it: "
        "`SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<names>, Signature=<hex>`, an HMAC-SHA256 "
        "with the SK over the canonical request (method, path, query, the signed headers, "
        "the body's SHA-256) and `X-Sdk-Date`. Use an SDK or docs/authentication.md; it "
        "cannot be typed in by hand.",
    },
}
SECURITY: list[dict[str, list[str]]] = [{name: []} for name in SECURITY_SCHEMES]
DESCRIPTIONS: dict[type[AppError], str] = {
    Unauthenticated: "No credentials, or none that verify (unknown, expired or revoked token; "
    "bad signature).",
    PermissionDenied: "Your role does not allow this.",
    WorkspaceNotFound: "The project or workspace does not exist or is not yours (one answer "
    "for both, so nothing tells which ids exist).",
    NotFound: "No such object here (an unknown id, or one of another tenant).",
    Conflict: "Conflicts with what is stored (a stale version or a name already taken).",
    PayloadTooLarge: "The body is over its limit (SOCDESK_MAX_BODY_BYTES; uploads have their "
    "own setting, named in the message).",
    TooManyRequests: "Too many failed attempts: try again after Retry-After seconds.",
    ServiceUnavailable: "Not ready: the message says why.",
}
INVALID = "Invalid request: the message says why."
HEADERS: dict[type[AppError], dict[str, Any]] = {
    TooManyRequests: {
        "Retry-After": {
            "description": "Seconds until the next attempt may succeed.",
            "schema": {"type": "integer"},
        }
    }
}


def may_answer(*errors: type[AppError]) -> Callable[[F], F]:
    """Mark a route or dependency as raising `errors`, so every operation using it documents
    them (with the route's dialect's status and envelope)."""

    def mark(function: F) -> F:
        setattr(function, _ANSWERS, (*getattr(function, _ANSWERS, ()), *errors))
        return function

    return mark


def authenticates(function: F) -> F:
    """Mark the dependency that proves the caller: its operations declare the security schemes
    and 401."""
    setattr(function, _AUTHENTICATES, True)
    return may_answer(Unauthenticated)(function)


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    if dependant.call is not None:
        yield dependant.call
    for sub in dependant.dependencies:
        yield from _calls(sub)


def _status(error: type[AppError], dialect: Dialect) -> int:
    if dialect is Dialect.secmaster and error.secmaster_status is not None:
        return error.secmaster_status
    return error.status


def route_errors(route: Any) -> tuple[list[type[AppError]], bool]:
    """The errors `route` may answer beyond a 400, and whether it needs credentials."""
    calls = list(_calls(route.dependant))
    errors: list[type[AppError]] = [e for call in calls for e in getattr(call, _ANSWERS, ())]
    if any(p.name not in SCOPE_PARAMETERS for p in route.dependant.path_params):
        errors.append(NotFound)
    return errors, any(getattr(call, _AUTHENTICATES, False) for call in calls)


def _document_errors(operation: dict[str, Any], route: Any, dialect: Dialect) -> None:
    errors, secured = route_errors(route)
    if "requestBody" in operation:
        errors.append(PayloadTooLarge)
    if secured:
        operation["security"] = SECURITY
    responses = operation.setdefault("responses", {})
    added: dict[str, list[str]] = {}
    for error in dict.fromkeys(errors):  # in order, once each
        status = str(_status(error, dialect))
        description = DESCRIPTIONS.get(error, error.__name__)
        existing = responses.get(status)
        if existing is not None and status not in added:
            if existing.get("description") != INVALID:
                continue  # the route describes this status in its own words
            added[status] = [INVALID]
        added.setdefault(status, []).append(description)
        response = responses.setdefault(status, {})
        response["description"] = " Or: ".join(added[status])
        if error in HEADERS:
            response.setdefault("headers", {}).update(HEADERS[error])


_TEXT = {"type": "string"}
ERROR_SCHEMAS: dict[Dialect, tuple[str, dict[str, Any]]] = {
    Dialect.register: (
        "RegisterError",
        {
            "type": "object",
            "required": ["error", "message", "details"],
            "properties": {
                "error": {**_TEXT, "examples": ["validation_failed"]},
                "message": _TEXT,
                "details": {
                    "type": "array",
                    "items": {"type": "object", "properties": {"field": _TEXT, "message": _TEXT}},
                },
            },
        },
    ),
    Dialect.secmaster: (
        "SecMasterError",
        {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {**_TEXT, "examples": ["SecMaster.20000400"]},
                "message": _TEXT,
                "data": {
                    "type": "object",
                    "description": "Where one request can fail in many places (import, "
                    "batch-create): every problem, with its row.",
                    "properties": {
                        "errors": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "row": {"type": ["integer", "null"]},
                                    "field": _TEXT,
                                    "value": {},
                                    "message": _TEXT,
                                },
                            },
                        }
                    },
                },
            },
        },
    ),
    Dialect.keystone: (
        "KeystoneError",
        {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "properties": {"code": {"type": "integer"}, "title": _TEXT, "message": _TEXT},
                }
            },
        },
    ),
}
FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def _with_error_bodies(document: dict[str, Any], routes: list[Any]) -> dict[str, Any]:
    components = document.setdefault("components", {})
    components.setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
    schemas = components.setdefault("schemas", {})
    for name, schema in ERROR_SCHEMAS.values():
        schemas[name] = schema
    for name in FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    by_operation = {(r.path_format, m.lower()): r for r in routes for m in r.methods or ()}
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            if responses.pop("422", None) is not None or "400" not in responses:
                responses.setdefault("400", {"description": INVALID})
            route = by_operation.get((path, method))
            dialect = route_dialect(route)
            if route is not None:
                _document_errors(operation, route, dialect)
            name, _ = ERROR_SCHEMAS[dialect]
            content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}
            for status, response in responses.items():
                if status[0] in "45":
                    response["content"] = content
    return document


def install_openapi(app: FastAPI) -> None:
    """Serve the corrected document (built once, on first request)."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            routes = [
                r
                for r in flat_routes(app.routes)
                if isinstance(original(r), APIRoute) and r.include_in_schema
            ]
            app.openapi_schema = _with_error_bodies(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                ),
                routes,
            )
        return app.openapi_schema

    app.openapi = build  # type: ignore[method-assign]
