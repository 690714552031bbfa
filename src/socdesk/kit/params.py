"""Path, header and query parameters declared once, so OpenAPI says what the server enforces.

Each type carries its JSON Schema (pattern, format, length) and the check that applies it, built
from the same expression: a request the document calls valid is never refused for its ids, and
one it calls invalid is refused. How: an id that places the request (project, workspace) or
names a user or key is a 400 naming the parameter (`workspace_id: not a valid id ...`); an id
of an object is answered as an id that names nothing (SecMaster's 400 `SecMaster.20030005`, the
register's 404), as the dialects answer any id they cannot find.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Header, Path, Query
from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

from socdesk.kit.clock import parse_time
from socdesk.kit.errors import NotFound, WorkflowNotFound, WorkflowVersionNotFound
from socdesk.kit.schemas import MAX_OFFSET

_HEX = "[0-9a-fA-F]"
_DASHED = f"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"
# SecMaster writes project ids as 32 hex digits and everything else dashed; both spellings of
# any UUID are accepted (docs/dialects.md), so a token's hex user id names the user too.
UUID_TEXT = f"{_DASHED}|{_HEX}{{32}}"
UUID_PATTERN = f"^(?:{UUID_TEXT})$"
# A comma-separated list of UUIDs, blanks around them and empty items allowed (and skipped).
UUID_LIST_PATTERN = f"^ *(?:{UUID_TEXT})? *(?:, *(?:{UUID_TEXT})? *)*$"
# Register ids: `INC-00001` (any case, up to 10 digits) or the incident's UUID.
INCIDENT_REF_PATTERN = f"^(?:[Ii][Nn][Cc]-[0-9]{{1,10}}|{UUID_TEXT})$"
# Access keys are 20 upper-case letters and digits (iam/secrets.py makes them).
ACCESS_KEY_PATTERN = "^[A-Z0-9]{20}$"
# A data class by id (a UUID) or by name (`Incident`).
DATACLASS_REF_PATTERN = "^[A-Za-z0-9_-]{1,64}$"
# The `~/soc/...` segments that are routes of their own (and a data object's `history`): never
# a class's route name (classes/registry.py RESERVED_ROUTE_NAMES), so the generic and relation
# routes' class parameters declare they never take them, as a 405's Allow reads them.
ROUTE_WORDS = (
    "dataclasses",
    "datapanel",
    "vulnerability",
    "workflows",
    "playbooks",
    "components",
    "tasks",
    "attachment",
    "notes",
    "layouts",
    "mappings",
    "history",
)
CLASS_ROUTE_PATTERN = f"^(?!(?:{'|'.join(ROUTE_WORDS)})$)[A-Za-z0-9_-]{{1,64}}$"
CURSOR_MAX_LENGTH = 512


def _matching(pattern: str, what: str) -> Callable[[str | None], str | None]:
    """A check that refuses a value outside `pattern` as invalid (400 naming the parameter)."""
    compiled = re.compile(pattern)

    def check(value: str | None) -> str | None:
        if value is not None and not compiled.match(value):
            raise PydanticCustomError("id_format", f"not a valid id: {what}")
        return value

    return check


def _naming_nothing(
    pattern: str, message: str, error: type[NotFound] = NotFound
) -> Callable[[str], str]:
    """A check that answers a value outside `pattern` as an unknown object (`error`): `message`
    formatted with the value. (Pydantic lets an exception other than ValueError through to the
    dialect's error handler.)"""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.match(value):
            raise error(message.format(value=value[:100]))
        return value

    return check


def _schema(pattern: str, uuid: bool = False) -> dict[str, Any]:
    return {"pattern": pattern, **({"format": "uuid"} if uuid else {})}


def _optional_text(extra: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    """For an optional header or query text: a plain string schema. FastAPI writes `anyOf
    [string, null]`, but a header or query value is never JSON null (it is absent)."""

    def rewrite(schema: dict[str, Any]) -> None:
        for part in schema.pop("anyOf", []):
            schema.update({k: v for k, v in part.items() if k != "type" or v != "null"})
        schema.update(extra)

    return rewrite


_UUID_CHECK = AfterValidator(_matching(UUID_PATTERN, "a UUID, dashed or as 32 hex digits"))
_UUID_EXAMPLE = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def uuid_path(name: str, what: str, description: str, error: type[NotFound] = NotFound) -> Any:
    """A path parameter holding an object's UUID: any other text is that object not found
    (`error`), named by `name` and `what`."""
    return Annotated[
        str,
        AfterValidator(_naming_nothing(UUID_PATTERN, f"{name}: no {what} {{value!r}}", error)),
        Path(
            description=description,
            json_schema_extra=_schema(UUID_PATTERN, uuid=True),
            examples=[_UUID_EXAMPLE],
        ),
    ]


ProjectIdPath = Annotated[
    str,
    _UUID_CHECK,
    Path(
        description="The project id: 32 hex digits (the dashed UUID is accepted too).",
        json_schema_extra=_schema(UUID_PATTERN),
        examples=["4b7e1c9a5f3d4e2b8a6c0d9e1f2a3b4c"],
    ),
]


WorkspaceIdPath = Annotated[
    str,
    _UUID_CHECK,
    Path(
        description="The workspace id (a UUID).",
        json_schema_extra=_schema(UUID_PATTERN, uuid=True),
        examples=[_UUID_EXAMPLE],
    ),
]
IncidentUuidPath = uuid_path("incident_id", "incident", "The incident's UUID.")
UserIdPath = Annotated[
    str,
    _UUID_CHECK,
    Path(
        description="The user's id (a UUID).",
        json_schema_extra=_schema(UUID_PATTERN, uuid=True),
        examples=[_UUID_EXAMPLE],
    ),
]
ApiKeyIdPath = Annotated[
    str,
    _UUID_CHECK,
    Path(
        description="The API key's id (a UUID).",
        json_schema_extra=_schema(UUID_PATTERN, uuid=True),
        examples=[_UUID_EXAMPLE],
    ),
]
IncidentRefPath = Annotated[
    str,
    AfterValidator(
        _naming_nothing(INCIDENT_REF_PATTERN, "incident_id: no incident {value} in this workspace")
    ),
    Path(
        description="`INC-00001` or the incident's UUID.",
        json_schema_extra=_schema(INCIDENT_REF_PATTERN),
        examples=["INC-00001"],
    ),
]
AccessKeyPath = Annotated[
    str,
    AfterValidator(_naming_nothing(ACCESS_KEY_PATTERN, "no access key {value}")),
    Path(
        description="The access key (AK): 20 upper-case letters and digits.",
        json_schema_extra=_schema(ACCESS_KEY_PATTERN),
        examples=["HPUAL0XKDQ2Y7R5N9ZCW"],
    ),
]
DataclassRefPath = Annotated[
    str,
    AfterValidator(_naming_nothing(DATACLASS_REF_PATTERN, "dataclass_id: no data class {value!r}")),
    Path(
        description="The data class's id or its name (`Incident`).",
        json_schema_extra=_schema(DATACLASS_REF_PATTERN),
        examples=["Incident"],
    ),
]
WorkspaceIdHeader = Annotated[
    str | None,
    _UUID_CHECK,
    Header(
        alias="X-Workspace-Id",
        description="Act in this workspace (a UUID) instead of your default one.",
        json_schema_extra=_optional_text(_schema(UUID_PATTERN, uuid=True)),
        examples=[_UUID_EXAMPLE],
    ),
]
CursorQuery = Annotated[
    str | None,
    Query(
        max_length=CURSOR_MAX_LENGTH,
        description="`next_cursor` of the previous page, as it was given (opaque).",
        json_schema_extra=_optional_text({}),
    ),
]
DataclassNamePath = Annotated[
    str,
    AfterValidator(_naming_nothing(CLASS_ROUTE_PATTERN, "dataclass_name: no data class {value!r}")),
    Path(
        description="The data class's plural route name (`alerts`, `indicators`, a custom one).",
        json_schema_extra=_schema(CLASS_ROUTE_PATTERN),
        # Not `alerts`, whose create and batch routes are the SDK's own (docs/alerts.md).
        examples=["indicators"],
    ),
]
DataPanelClassPath = Annotated[
    str,
    AfterValidator(_naming_nothing(DATACLASS_REF_PATTERN, "dataclass: no data class {value!r}")),
    Path(
        description="The data class: its id, name, business code or route name.",
        json_schema_extra=_schema(DATACLASS_REF_PATTERN),
        examples=["Alert"],
    ),
]
DataObjectIdPath = uuid_path("data_object_id", "data object", "The data object's UUID.")
AttachIdPath = uuid_path("attach_id", "attachment", "The attachment's UUID.")
TemplateIdPath = uuid_path("template_id", "component template", "The component template's UUID.")
DataPanelObjectIdPath = uuid_path("dataobject_id", "data object", "The data object's UUID.")
WorkflowIdPath = uuid_path("workflow_id", "workflow", "The workflow's id.", WorkflowNotFound)
WorkflowVersionIdPath = uuid_path(
    "version_id", "workflow version", "The workflow version's id.", WorkflowVersionNotFound
)
IndicatorIdPath = uuid_path("indicator_id", "indicator", "The indicator's UUID.")
VulnerabilityIdPath = uuid_path("vul_id", "vulnerability", "The vulnerability's UUID.")
ComponentRefPath = Annotated[
    str,
    AfterValidator(_naming_nothing(DATACLASS_REF_PATTERN, "component_id: no component {value!r}")),
    Path(
        description="The component's id or name (`socdesk_data_objects`).",
        json_schema_extra=_schema(DATACLASS_REF_PATTERN),
        examples=["socdesk_data_objects"],
    ),
]
ActionRefPath = Annotated[
    str,
    AfterValidator(_naming_nothing(DATACLASS_REF_PATTERN, "action_id: no action {value!r}")),
    Path(
        description="The action's id or name (`add_tag`).",
        json_schema_extra=_schema(DATACLASS_REF_PATTERN),
        examples=["add_tag"],
    ),
]
DataclassTypePath = Annotated[
    str,
    AfterValidator(_naming_nothing(CLASS_ROUTE_PATTERN, "dataclass_type: no data class {value!r}")),
    Path(
        description="The class of the object whose links these are: its route name "
        "(`incidents`, `alerts`, ...), name, business code or id.",
        json_schema_extra=_schema(CLASS_ROUTE_PATTERN),
        examples=["incidents"],
    ),
]
RelatedDataclassTypePath = Annotated[
    str,
    AfterValidator(
        _naming_nothing(CLASS_ROUTE_PATTERN, "related_dataclass_type: no data class {value!r}")
    ),
    Path(
        description="The class of the linked objects: its route name, name, business code or id.",
        json_schema_extra=_schema(CLASS_ROUTE_PATTERN),
        examples=["alerts"],
    ),
]
PlaybookIdPath = uuid_path("playbook_id", "playbook", "The playbook's id.")
PlaybookVersionIdPath = uuid_path("version_id", "playbook version", "The playbook version's id.")
PlaybookRuleIdPath = uuid_path("rule_id", "playbook rule", "The playbook rule's id.")
PlaybookActionIdPath = uuid_path("action_id", "playbook action", "The playbook action's id.")
InstanceIdPath = uuid_path(
    "instance_id", "workflow instance", "The workflow instance's (run's) id."
)
PlaybookInstanceIdPath = uuid_path(
    "instance_id", "playbook instance", "The playbook instance's id."
)
TodoIdPath = uuid_path("task_id", "to-do", "The to-do's id.")


def _iso_time(value: object) -> object:
    # Pydantic alone would take a number (even as text) for a Unix time: the document says
    # date-time, and only that is a time here.
    return parse_time(value) if isinstance(value, str) else value


# A query parameter holding a time: ISO 8601 with an offset (kit/clock.py).
TimeQuery = Annotated[
    datetime | None,
    BeforeValidator(_iso_time),
    Query(description="ISO 8601 with an offset, e.g. 2026-11-24T06:33:00.000Z."),
]

_DIGITS = re.compile(r"-?[0-9]+")


def _written_in_digits(value: Any) -> Any:
    if isinstance(value, str) and not _DIGITS.fullmatch(value):
        raise PydanticCustomError("int_digits", "must be a whole number written in digits")
    return value


# A query integer as the document's "integer" says: digits, an optional minus, nothing else.
# Pydantic's lax mode alone would take "5.0", " 5" or "5e0" too. Placed after Query(...) in
# an Annotated type, so FastAPI still writes the Query's bounds into the schema.
WrittenInDigits = BeforeValidator(_written_in_digits)
OffsetQuery = Annotated[int, Query(ge=0, le=MAX_OFFSET), WrittenInDigits]
LimitQuery = Annotated[int, Query(ge=1, le=1000), WrittenInDigits]
