"""The API dialects and how each renders an error (a route declares its own, kit/routes.py)."""

from __future__ import annotations

import json
import math
from enum import StrEnum
from http import HTTPStatus
from typing import Any

from fastapi.responses import JSONResponse

from socdesk.kit.errors import AppError, ErrorDetail


class Dialect(StrEnum):
    secmaster = "secmaster"
    register = "register"
    keystone = "keystone"


def error_body(error: AppError, dialect: Dialect) -> tuple[int, dict[str, Any]]:
    """The status and JSON body that `dialect` answers `error` with."""
    if dialect is Dialect.register:
        return error.status, {
            "error": error.kind,
            "message": error.message,
            "details": [{"field": d.field, "message": d.message} for d in error.details],
        }
    if dialect is Dialect.keystone:
        return error.status, {
            "error": {
                "code": error.status,
                "title": HTTPStatus(error.status).phrase,
                "message": error.message,
            }
        }
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if _fails_in_many_places(error):
        body["data"] = {"errors": [_problem(d) for d in error.details]}
    return error.status_for_secmaster(), body


def _fails_in_many_places(error: AppError) -> bool:
    """Whether SecMaster's 400 lists the problems (DESIGN §1): a request that failed in several
    places, or in rows of a file or list (an import, a batch-create). One failed field is told
    by the message alone, which names it."""
    details = error.details
    return len(details) > 1 or any(d.row is not None for d in details)


def _problem(detail: ErrorDetail) -> dict[str, Any]:
    """`{row, field, value, message}`; `row` only for a problem in a row of a file or list."""
    problem: dict[str, Any] = {} if detail.row is None else {"row": detail.row}
    problem.update(field=detail.field, value=_echo(detail.value), message=detail.message)
    return problem


# An echoed value is there to recognise the input, not to return it whole.
ECHO_MAX_CHARS = 200


def _echo(value: Any) -> Any:
    """The offending value as JSON can carry it: a number JSON has no literal for (NaN,
    Infinity) as its name, long text cut, anything but a scalar left out."""
    if type(value) is float and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, str) and len(value) > ECHO_MAX_CHARS:
        return value[:ECHO_MAX_CHARS] + "…"
    return value if isinstance(value, str | int | float | bool | type(None)) else None


def _encodable(value: Any) -> Any:
    """`value` with text that UTF-8 cannot encode (lone surrogates) replaced and numbers
    without a JSON literal named: an error answer must itself be valid JSON."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, float):
        return _echo(value)
    if isinstance(value, dict):
        return {_encodable(k): _encodable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encodable(v) for v in value]
    return value


def error_response(error: AppError, dialect: Dialect) -> JSONResponse:
    status, body = error_body(error, dialect)
    try:
        json.dumps(body, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        body = _encodable(body)
    return JSONResponse(body, status_code=status, headers=error.headers)
