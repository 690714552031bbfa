"""The component catalogue: SOCdesk's system components and the actions a workflow's service
tasks call (docs/workflows.md). Listing only in this slice: nothing runs them yet.

A service task names one action by its `name` (`add_tag`) with SOCdesk's BPMN extension; the
import and validation checks hold the task's parameters to the action's (automation/checks.py).
Ids are fixed (uuid5 of the names), so they are the same in every workspace and release.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from socdesk.kit.errors import NotFound

_IDS = uuid.UUID("5f0c7d0e-3a55-4f6e-9a0b-6f1e2d3c4b5a")
# When the catalogue was first published: its entries' create and update time.
PUBLISHED = datetime(2026, 12, 2, tzinfo=UTC)


class ParamType(StrEnum):
    string = "string"
    integer = "integer"
    object = "object"
    list = "list"


@dataclass(frozen=True, slots=True)
class ActionParam:
    name: str
    type: ParamType
    description: str
    required: bool = True
    enum: tuple[str, ...] = ()

    def as_schema(self) -> dict[str, object]:
        schema: dict[str, object] = {
            "name": self.name,
            "type": self.type.value,
            "required": self.required,
            "description": self.description,
        }
        if self.enum:
            schema["enum"] = list(self.enum)
        return schema


@dataclass(frozen=True, slots=True)
class ComponentAction:
    name: str
    description: str
    params: tuple[ActionParam, ...]
    outputs: tuple[ActionParam, ...] = ()

    @property
    def id(self) -> str:
        return str(uuid.uuid5(_IDS, f"action:{self.name}"))

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params if p.required)

    def param(self, name: str) -> ActionParam | None:
        return next((p for p in self.params if p.name == name), None)

    def input_schema(self) -> str:
        return json.dumps([p.as_schema() for p in self.params], ensure_ascii=False)

    def output_schema(self) -> str:
        return json.dumps([p.as_schema() for p in self.outputs], ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    description: str
    label: str
    actions: tuple[ComponentAction, ...]

    @property
    def id(self) -> str:
        return str(uuid.uuid5(_IDS, f"component:{self.name}"))

    def action(self, ref: str) -> ComponentAction:
        """The action `ref` names (its id or name), or a 404 naming `action_id`."""
        for action in self.actions:
            if ref in (action.id, action.name):
                return action
        raise NotFound(f"action_id: component {self.name} has no action {ref[:100]!r}")


_SEVERITIES = ("Tips", "Low", "Medium", "High", "Fatal")
_STATUSES = ("Open", "Block", "Closed")
_TARGET = ActionParam(
    "target",
    ParamType.string,
    "Which object: `trigger` (the object the run is for, the default) or an object id.",
    required=False,
)

DATA_OBJECTS = Component(
    name="socdesk_data_objects",
    description="Change the data object the workflow runs for, through the same change path "
    "as the APIs (audited, the run as the actor).",
    label="data",
    actions=(
        ComponentAction(
            "set_fields",
            "Set fields of the data object.",
            (
                ActionParam("fields", ParamType.object, "Field keys and their new values."),
                _TARGET,
            ),
        ),
        ComponentAction(
            "add_tag",
            "Add a tag to the data object.",
            (ActionParam("tag", ParamType.string, "The tag to add."), _TARGET),
        ),
        ComponentAction(
            "remove_tag",
            "Remove a tag from the data object.",
            (ActionParam("tag", ParamType.string, "The tag to remove."), _TARGET),
        ),
        ComponentAction(
            "add_note",
            "Add a note (a comment) to the data object.",
            (ActionParam("text", ParamType.string, "The note's text."), _TARGET),
        ),
        ComponentAction(
            "assign",
            "Make a member of the workspace the owner.",
            (ActionParam("owner", ParamType.string, "The member's email or user id."), _TARGET),
        ),
        ComponentAction(
            "set_status",
            "Change the handling status.",
            (
                ActionParam(
                    "status", ParamType.string, "SecMaster's handle_status.", enum=_STATUSES
                ),
                _TARGET,
            ),
        ),
        ComponentAction(
            "set_severity",
            "Change the severity.",
            (ActionParam("severity", ParamType.string, "The severity.", enum=_SEVERITIES), _TARGET),
        ),
    ),
)
OBJECT_LINKS = Component(
    name="socdesk_object_links",
    description="Make incidents of alerts and link data objects to each other.",
    label="relations",
    actions=(
        ComponentAction(
            "batch_order",
            "Make one incident of alerts (the trigger alert by default), linked to them.",
            (
                ActionParam(
                    "alert_ids", ParamType.list, "Alert ids (default: the trigger).", False
                ),
                ActionParam("title", ParamType.string, "The incident's title.", False),
                ActionParam(
                    "category",
                    ParamType.string,
                    "The incident type's category (default: the first alert's).",
                    False,
                ),
                ActionParam(
                    "incident_type",
                    ParamType.string,
                    "The incident type (default: the first alert's alert type).",
                    False,
                ),
            ),
            (ActionParam("incident_id", ParamType.string, "The incident made."),),
        ),
        ComponentAction(
            "link_objects",
            "Link the data object to other objects.",
            (
                ActionParam(
                    "related_type", ParamType.string, "The other objects' route name (alerts)."
                ),
                ActionParam("ids", ParamType.list, "The other objects' ids."),
                _TARGET,
            ),
        ),
    ),
)
FLOW = Component(
    name="socdesk_flow",
    description="Control the run itself.",
    label="flow",
    actions=(
        ComponentAction(
            "wait",
            "Wait (a durable timer: the run resumes after it, whatever restarts meanwhile).",
            (ActionParam("seconds", ParamType.integer, "How long, in seconds."),),
        ),
    ),
)
HTTP = Component(
    name="socdesk_http",
    description="Call other services: only hosts in the operator's allow-list, never private "
    "or loopback addresses unless listed; timeout and response-size limits apply.",
    label="integration",
    actions=(
        ComponentAction(
            "http_request",
            "Send an HTTP request; its status and body are the task's output.",
            (
                ActionParam(
                    "method",
                    ParamType.string,
                    "The method.",
                    enum=("GET", "POST", "PUT", "PATCH", "DELETE"),
                ),
                ActionParam("url", ParamType.string, "An http(s) URL of an allowed host."),
                ActionParam("headers", ParamType.object, "Request headers.", False),
                ActionParam("body", ParamType.string, "The request body.", False),
            ),
            (
                ActionParam("status", ParamType.integer, "The response's status."),
                ActionParam("headers", ParamType.object, "The response's headers."),
                ActionParam("body", ParamType.string, "The response's body."),
                ActionParam("json", ParamType.object, "The body read as JSON, when it is.", False),
            ),
        ),
        ComponentAction(
            "webhook",
            "Post a JSON notice about the data object to a webhook of an allowed host.",
            (
                ActionParam("url", ParamType.string, "An http(s) URL of an allowed host."),
                ActionParam("message", ParamType.string, "The notice's text.", False),
                ActionParam("data", ParamType.object, "The object the notice is about.", False),
                ActionParam("headers", ParamType.object, "Request headers.", False),
            ),
            (
                ActionParam("status", ParamType.integer, "The response's status."),
                ActionParam("body", ParamType.string, "The response's body."),
            ),
        ),
    ),
)
COMPONENTS: tuple[Component, ...] = (DATA_OBJECTS, OBJECT_LINKS, FLOW, HTTP)
ACTIONS: dict[str, ComponentAction] = {a.name: a for c in COMPONENTS for a in c.actions}


def component(ref: str) -> Component:
    """The component `ref` names (its id or name), or a 404 naming `component_id`."""
    for each in COMPONENTS:
        if ref in (each.id, each.name):
            return each
    raise NotFound(f"component_id: no component {ref[:100]!r}")


def component_of(action: ComponentAction) -> Component:
    return next(c for c in COMPONENTS if action in c.actions)
