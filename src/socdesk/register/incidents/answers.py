"""Register answers written straight to JSON.

Register rows are built as JSON-able dicts (rows.py) from data the store already holds
valid; FastAPI would validate every row against its response model again before writing it,
which for a PATCH of 10,000 rows costs more than reading them. The routes declare their models
(`response_model`), so OpenAPI still describes these answers, and pydantic-core writes them in
the same form as a model's JSON (times, UUIDs, key order as given)."""

from __future__ import annotations

from typing import Any

import pydantic_core
from fastapi import Response


def json_answer(body: Any, status_code: int = 200) -> Response:
    """`body` (dicts, lists, times, UUIDs) as a JSON response, as FastAPI would write it."""
    return Response(
        pydantic_core.to_json(body), status_code=status_code, media_type="application/json"
    )
