"""The OpenAPI spec agrees with the official SDK: every field of its request models is accepted
on the route the SDK sends it to, and every key of its response models is declared in the
route's answer, at every level of nesting (an unknown field is a 400, so a missing one here
means the SDK's own requests can be refused)."""

from __future__ import annotations

import re
from typing import Any

import huaweicloudsdksecmaster.v1 as sdk
import pytest
from fastapi import FastAPI

from tests.sdk_models import HEADER_KEYS, sdk_model

W = "/v1/{project_id}/workspaces/{workspace_id}"
# (SDK request model, the route it reaches with dataclass_name=incidents, method)
BODIES = [
    ("CreateIncidentRequest", f"{W}/soc/incidents", "post"),
    ("CreateDataobjectRequest", f"{W}/soc/incidents", "post"),
    ("ChangeIncidentRequest", f"{W}/soc/incidents/{{incident_id}}", "put"),
    ("UpdateDataobjectRequest", f"{W}/soc/incidents/{{incident_id}}", "put"),
    ("ChangeIncidentsRequest", f"{W}/soc/incidents/batch-update", "post"),
    ("ListIncidentsRequest", f"{W}/soc/incidents/search", "post"),
    ("ListDataobjectsRequest", f"{W}/soc/incidents/search", "post"),
    ("DeleteIncidentRequest", f"{W}/soc/incidents", "delete"),
    ("DeleteDataobjectsRequest", f"{W}/soc/incidents", "delete"),
    ("DeleteIncidentsRequest", f"{W}/soc/incidents/batch-delete", "post"),
    ("ExportIncidentsRequest", f"{W}/soc/incidents/export", "post"),
    ("ExportDataobjectsRequest", f"{W}/soc/incidents/export", "post"),
    ("CreateDataclassTypeRequest", f"{W}/soc/dataclasses/{{dataclass_id}}/types", "post"),
    ("DeleteDataclassTypeRequest", f"{W}/soc/dataclasses/{{dataclass_id}}/types", "delete"),
    ("EnableDataclassTypeRequest", f"{W}/soc/dataclasses/{{dataclass_id}}/types/enable", "post"),
    # The generic routes of every other class, and the data panel (seed 003).
    ("CreateDataobjectRequest", f"{W}/soc/{{dataclass_name}}", "post"),
    ("UpdateDataobjectRequest", f"{W}/soc/{{dataclass_name}}/{{data_object_id}}", "put"),
    ("ListDataobjectsRequest", f"{W}/soc/{{dataclass_name}}/search", "post"),
    ("DeleteDataobjectsRequest", f"{W}/soc/{{dataclass_name}}", "delete"),
    (
        "BatchCreateDatapanelObjectsRequest",
        f"{W}/soc/datapanel/{{dataclass}}/data-objects/batch-create",
        "post",
    ),
    ("ListDatapanelObjectsRequest", f"{W}/soc/datapanel/{{dataclass}}/data-objects/search", "post"),
    ("CreateWorkspaceRequest", "/v1/{project_id}/workspaces", "post"),
    ("UpdateWorkspaceRequest", "/v1/{project_id}/workspaces/{workspace_id}", "put"),
]
# (SDK request model, route, method): query parameters.
QUERIES = [
    ("ListDataclassRequest", f"{W}/soc/dataclasses", "get"),
    ("ListDataclassFieldsRequest", f"{W}/soc/dataclasses/{{dataclass_id}}/fields", "get"),
    ("ListWorkspacesRequest", "/v1/{project_id}/workspaces", "get"),
]


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The object schema behind refs and `anyOf: [X, null]`."""
    while True:
        if "$ref" in schema:
            schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        elif "allOf" in schema:  # the object's own schema first, then what it must hold
            schema = schema["allOf"][0]
        elif "anyOf" in schema:
            schema = next(s for s in schema["anyOf"] if s.get("type") != "null")
        elif schema.get("type") == "array":
            schema = schema["items"]
        else:
            return schema


def refused(spec: dict[str, Any], model: Any, schema: dict[str, Any]) -> list[str]:
    """The SDK model's keys the schema has no property for, dotted, at every level."""
    schema = _resolve(spec, schema)
    properties = schema.get("properties", {})
    missing: list[str] = []
    for attr, type_name in model.openapi_types.items():
        key = model.attribute_map[attr]
        if key not in properties:
            missing.append(key)
            continue
        nested = sdk_model(type_name)
        if nested is not None and getattr(nested, "openapi_types", None):
            missing += [f"{key}.{m}" for m in refused(spec, nested, properties[key])]
    return missing


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    from socdesk.app import create_app
    from socdesk.settings import Settings

    app: FastAPI = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    return app.openapi()


@pytest.mark.parametrize(("request_model", "path", "method"), BODIES)
def test_the_route_accepts_every_body_field_of_the_sdks_model(
    spec: dict[str, Any], request_model: str, path: str, method: str
) -> None:
    body_type = getattr(sdk, request_model).openapi_types["body"]
    operation = spec["paths"][path][method]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]

    assert refused(spec, getattr(sdk, body_type), schema) == []


@pytest.mark.parametrize(("request_model", "path", "method"), QUERIES)
def test_the_route_declares_every_query_parameter_of_the_sdks_model(
    spec: dict[str, Any], request_model: str, path: str, method: str
) -> None:
    model = getattr(sdk, request_model)
    declared = {p["name"] for p in spec["paths"][path][method]["parameters"]}
    in_path = set(re.findall(r"\{(\w+)\}", path))

    assert {model.attribute_map[a] for a in model.openapi_types} - in_path - declared == set()


# (SDK response model, route, method): the OpenAPI answer declares each key the model reads.
ANSWERS = [
    ("CreateIncidentResponse", f"{W}/soc/incidents", "post"),
    ("CreateDataobjectResponse", f"{W}/soc/incidents", "post"),
    ("ShowIncidentResponse", f"{W}/soc/incidents/{{incident_id}}", "get"),
    ("ShowDataobjectResponse", f"{W}/soc/incidents/{{incident_id}}", "get"),
    ("ChangeIncidentResponse", f"{W}/soc/incidents/{{incident_id}}", "put"),
    ("UpdateDataobjectResponse", f"{W}/soc/incidents/{{incident_id}}", "put"),
    ("ChangeIncidentsResponse", f"{W}/soc/incidents/batch-update", "post"),
    ("ListIncidentsResponse", f"{W}/soc/incidents/search", "post"),
    ("ListDataobjectsResponse", f"{W}/soc/incidents/search", "post"),
    ("DeleteIncidentResponse", f"{W}/soc/incidents", "delete"),
    ("DeleteDataobjectsResponse", f"{W}/soc/incidents", "delete"),
    ("DeleteIncidentsResponse", f"{W}/soc/incidents/batch-delete", "post"),
    ("ImportIncidentsResponse", f"{W}/soc/incidents/import", "post"),
    ("ImportDataobjectsResponse", f"{W}/soc/incidents/import", "post"),
    ("ListDataclassResponse", f"{W}/soc/dataclasses", "get"),
    ("ShowDataClassInfoResponse", f"{W}/soc/dataclasses/{{dataclass_id}}", "get"),
    ("ListDataclassFieldsResponse", f"{W}/soc/dataclasses/{{dataclass_id}}/fields", "get"),
    ("CreateDataclassTypeResponse", f"{W}/soc/dataclasses/{{dataclass_id}}/types", "post"),
    ("EnableDataclassTypeResponse", f"{W}/soc/dataclasses/{{dataclass_id}}/types/enable", "post"),
    # A bare array: its items are the SDK's DeleteRelationResource.
    ("DeleteRelationResource", f"{W}/soc/dataclasses/{{dataclass_id}}/types", "delete"),
    ("CreateDataobjectResponse", f"{W}/soc/{{dataclass_name}}", "post"),
    ("ShowDataobjectResponse", f"{W}/soc/{{dataclass_name}}/{{data_object_id}}", "get"),
    ("UpdateDataobjectResponse", f"{W}/soc/{{dataclass_name}}/{{data_object_id}}", "put"),
    ("ListDataobjectsResponse", f"{W}/soc/{{dataclass_name}}/search", "post"),
    ("DeleteDataobjectsResponse", f"{W}/soc/{{dataclass_name}}", "delete"),
    # A bare array: its items are the SDK's DataObjectCreateUpdateResponse.
    (
        "DataObjectCreateUpdateResponse",
        f"{W}/soc/datapanel/{{dataclass}}/data-objects/batch-create",
        "post",
    ),
    (
        "ListDatapanelObjectsResponse",
        f"{W}/soc/datapanel/{{dataclass}}/data-objects/search",
        "post",
    ),
    (
        "ShowDatapanelObjectResponse",
        f"{W}/soc/datapanel/{{dataclass}}/data-objects/{{dataobject_id}}",
        "get",
    ),
    ("CreateWorkspaceResponse", "/v1/{project_id}/workspaces", "post"),
    ("ListWorkspacesResponse", "/v1/{project_id}/workspaces", "get"),
    ("ShowWorkspaceResponse", "/v1/{project_id}/workspaces/{workspace_id}", "get"),
    ("UpdateWorkspaceResponse", "/v1/{project_id}/workspaces/{workspace_id}", "put"),
]
# Objects whose keys are the incident's own (declared in incident-fields.md, not one by one).
FREE_FORM = frozenset({"data_object"})


def undeclared(spec: dict[str, Any], model: Any, schema: dict[str, Any]) -> list[str]:
    schema = _resolve(spec, schema)
    properties = schema.get("properties", {})
    missing: list[str] = []
    for attr, type_name in model.openapi_types.items():
        key = model.attribute_map[attr]
        if key in HEADER_KEYS:
            continue
        if key not in properties:
            missing.append(key)
            continue
        nested = sdk_model(type_name)
        if key not in FREE_FORM and nested is not None and getattr(nested, "openapi_types", None):
            missing += [f"{key}.{m}" for m in undeclared(spec, nested, properties[key])]
    return missing


@pytest.mark.parametrize(("response_model", "path", "method"), ANSWERS)
def test_the_routes_openapi_answer_declares_every_key_of_the_sdks_model(
    spec: dict[str, Any], response_model: str, path: str, method: str
) -> None:
    answer = spec["paths"][path][method]["responses"]["200"]
    schema = answer["content"]["application/json"]["schema"]

    assert undeclared(spec, getattr(sdk, response_model), schema) == []
