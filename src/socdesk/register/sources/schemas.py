"""Register bodies for sources."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import StringConstraints

from socdesk.kit.schemas import RequestBody, ResponseBody


class SourceCreate(RequestBody):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]


class SourceOut(ResponseBody):
    id: uuid.UUID
    name: str


class SourceList(ResponseBody):
    sources: list[SourceOut]


class SourceCreated(ResponseBody):
    source: SourceOut
