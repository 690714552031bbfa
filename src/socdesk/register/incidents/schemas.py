"""Register incident bodies, field for field as seed 004 writes them."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, StringConstraints

from socdesk.kit.clock import parse_time
from socdesk.kit.schemas import NotBlank, RequestBody, ResponseBody
from socdesk.models import Relevance, ThreatObjective
from socdesk.register.users.schemas import RegisterUser


class RegisterSeverity(StrEnum):
    informational = "Informational"
    low = "Low"
    medium = "Medium"
    high = "High"
    critical = "Critical"


class RegisterStatus(StrEnum):
    new = "New"
    in_progress = "In Progress"
    review = "Review"
    closed = "Closed"


class TagOperation(StrEnum):
    add = "Add"
    remove = "Remove"
    replace_ = "Replace"


# RFC 3339 with an offset or Z, held in UTC (a time that leaves the calendar in UTC is a 400).
RegisterTime = Annotated[datetime, BeforeValidator(parse_time)]
Title = Annotated[str, NotBlank, Field(min_length=1, max_length=255)]
TagText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]


class ThreatObjectiveLink(RequestBody):
    """A threat objective and its relevance. Its identity is the objective and relevance:
    `created_date` is when the relation last changed, kept by the server."""

    threat_objective: ThreatObjective
    relevance: Relevance | None = None
    created_date: RegisterTime | None = None


def _each_objective_once(links: list[ThreatObjectiveLink]) -> list[ThreatObjectiveLink]:
    seen: set[ThreatObjective] = set()
    for link in links:
        if link.threat_objective in seen:
            raise ValueError(f"{link.threat_objective.value!r} is listed twice")
        seen.add(link.threat_objective)
    return links


ThreatObjectives = Annotated[
    list[ThreatObjectiveLink], AfterValidator(_each_objective_once), Field(max_length=6)
]
Tags = Annotated[list[TagText], Field(max_length=100)]


class EditableFields(RequestBody):
    """The fields a register PATCH may change. Absent fields are untouched; null clears one,
    except those every incident must have."""

    assigned_to: uuid.UUID | None = Field(
        None, description="A user id; the user must be an active member of the workspace."
    )
    contained_date: RegisterTime | None = None
    description: str | None = Field(None, max_length=1024)
    detected_date: RegisterTime | None = None
    occurred_date: RegisterTime | None = None
    responded_date: RegisterTime | None = None
    severity: RegisterSeverity | None = None
    severity_reasoning: str | None = Field(None, max_length=1024)
    source: str | None = Field(None, max_length=128, description="One of GET /v1/sources.")
    status: RegisterStatus | None = None
    tags: Tags | None = None
    threat_objectives: ThreatObjectives | None = None
    title: Title | None = None


# Every incident has these, so a PATCH cannot clear them.
NOT_NULLABLE = ("title", "status", "severity", "occurred_date")


def _declare_what_a_patch_changes(schema: dict[str, Any]) -> None:
    """The document says what the PATCH rules refuse (register/incidents/mapping.py), so a
    client built from it sends no change that changes nothing and never nulls a field every
    incident has."""
    properties = schema["properties"]
    for name in NOT_NULLABLE:
        field = properties[name]
        field.pop("default", None)
        field["anyOf"] = [option for option in field["anyOf"] if option.get("type") != "null"]
    schema["anyOf"] = [{"required": [name]} for name in sorted(EditableFields.model_fields)]


class IncidentPatch(EditableFields):
    """`PATCH /v1/incidents/{id}`."""

    model_config = ConfigDict(json_schema_extra=_declare_what_a_patch_changes)

    tag_operation: TagOperation | None = Field(
        None, description="How `tags` applies; null means Replace."
    )


class BulkIncidentPatch(IncidentPatch):
    """`PATCH /v1/incidents`: the same change for every listed incident, all or none."""

    ids: list[Annotated[str, StringConstraints(max_length=64)]] = Field(
        min_length=1, max_length=10_000, examples=[["INC-00001"]]
    )


class RegisterIncidentCreate(RequestBody):
    """`POST /v1/incidents`. Only `title` is needed; SecMaster's mandatory fields get defaults
    (docs/dialects.md)."""

    title: Title
    description: str | None = Field(None, max_length=1024)
    severity: RegisterSeverity = RegisterSeverity.medium
    status: RegisterStatus = RegisterStatus.new
    severity_reasoning: str | None = Field(None, max_length=1024)
    source: str | None = Field(None, max_length=128)
    assigned_to: uuid.UUID | None = None
    occurred_date: RegisterTime | None = None
    detected_date: RegisterTime | None = None
    responded_date: RegisterTime | None = None
    contained_date: RegisterTime | None = None
    tags: Tags = Field(default_factory=list)
    threat_objectives: ThreatObjectives = Field(default_factory=list)


class TagOut(ResponseBody):
    content: str
    creator_id: uuid.UUID
    id: uuid.UUID
    org_id: uuid.UUID | None


class ThreatObjectiveOut(ResponseBody):
    created_date: datetime | None
    relevance: Relevance | None
    threat_objective: ThreatObjective


class RegisterIncident(ResponseBody):
    assigned_to: RegisterUser | None
    contained_date: datetime | None
    created_date: datetime
    description: str
    detected_date: datetime
    id: str = Field(examples=["INC-00001"])
    occurred_date: datetime | None
    opened_by: RegisterUser
    responded_date: datetime | None
    severity: RegisterSeverity | None
    severity_reasoning: str | None
    source: str | None
    status: RegisterStatus
    title: str
    updated_by: RegisterUser
    updated_date: datetime


class RegisterRow(ResponseBody):
    """An incident plus the relational data the register shows with it."""

    comment_count: int
    incident: RegisterIncident
    risk_associations: list[str]
    tags: list[TagOut]
    threat_objectives: list[ThreatObjectiveOut]


class RegisterRows(ResponseBody):
    incidents: list[RegisterRow]


class RegisterPage(ResponseBody):
    incidents: list[RegisterRow]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )
