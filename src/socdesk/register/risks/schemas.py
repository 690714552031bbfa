"""Register bodies for risks and an incident's risk associations."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AliasChoices, Field, StringConstraints

from socdesk.kit.schemas import RequestBody, ResponseBody

MAX_RISKS_PER_INCIDENT = 100


class RiskCreate(RequestBody):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
    description: str | None = Field(default=None, max_length=2048)


class RiskOut(ResponseBody):
    id: uuid.UUID
    title: str
    description: str
    created_date: datetime = Field(validation_alias=AliasChoices("created_at", "created_date"))


class RiskList(ResponseBody):
    risks: list[RiskOut] = Field(description="By title.")


class RiskCreated(ResponseBody):
    risk: RiskOut


class RiskAssociationsPut(RequestBody):
    risk_ids: list[uuid.UUID] = Field(
        max_length=MAX_RISKS_PER_INCIDENT,
        description="The incident's whole set of risks (repeats count once; [] clears it).",
    )


class RiskAssociations(ResponseBody):
    risk_associations: list[str] = Field(description="Risk ids, sorted.")
