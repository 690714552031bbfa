"""The OpenAPI document as the API really answers: a request FastAPI cannot validate is a 400
in the route's dialect envelope (never 422), so the document says that."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from socdesk.kit.dialects import Dialect, dialect_for_path

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


def _with_error_bodies(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in ERROR_SCHEMAS.values():
        schemas[name] = schema
    for name in FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    for path, operations in document.get("paths", {}).items():
        name, _ = ERROR_SCHEMAS[dialect_for_path(path)]
        content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if responses.pop("422", None) is not None or "400" not in responses:
                responses.setdefault(
                    "400", {"description": "Invalid request: the message says why"}
                )
            for status, response in responses.items():
                if status[0] in "45":
                    response["content"] = content
    return document


def install_openapi(app: FastAPI) -> None:
    """Serve the corrected document (built once, on first request)."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _with_error_bodies(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = build  # type: ignore[method-assign]
