"""The OpenAPI document tells the truth: every status an operation answers is documented in its
dialect's envelope, ids are declared as they are enforced, 405 says what is allowed, and the
interactive docs load from the package alone."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, routing
from fastapi.routing import APIRoute

from socdesk.app import ROUTERS, create_app
from socdesk.iam.dependencies import current_principal
from socdesk.kit.dialects import Dialect
from socdesk.kit.routes import route_dialect
from socdesk.settings import Settings
from tests.factories import TenantInfo
from tests.secmaster.incidents.payloads import incident_object

Operation = tuple[str, str, dict[str, Any]]
NOT_FOUND = {Dialect.secmaster: 400, Dialect.register: 404, Dialect.keystone: 404}
# Each documented path's dialect, as its router declares it.
DIALECTS = {route.path_format: route_dialect(route) for r in ROUTERS for route in r.routes}


def operations(spec: dict[str, Any]) -> Iterator[Operation]:
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def _calls(dependant: Any) -> Iterator[Callable[..., Any]]:
    if dependant.call is not None:
        yield dependant.call
    for sub in dependant.dependencies:
        yield from _calls(sub)


def needs_credentials(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route whose dependencies include the authentication."""
    found = set()
    iterate = getattr(routing, "iter_route_contexts", list)  # included routers, flattened
    for route in iterate(app.routes):
        declared = getattr(route, "original_route", route)
        if isinstance(declared, APIRoute) and route.include_in_schema:
            if any(call is current_principal for call in _calls(route.dependant)):
                found |= {(m, route.path_format) for m in route.methods}
    return found


def concrete(path: str, tenant: TenantInfo, **ids: str) -> str:
    """`path` with the tenant's project and workspace and well-formed ids that name nothing."""
    values = {
        "project_id": tenant.project_hex,
        "workspace_id": str(tenant.workspace_id),
        "incident_id": str(uuid.uuid4()),
        "user_id": str(uuid.uuid4()),
        "key_id": str(uuid.uuid4()),
        "access_key": "NOSUCHACCESSKEY00000",
        "dataclass_id": "NoSuchClass",
        "dataclass": "NoSuchClass",
        "dataclass_name": "nosuchclasses",
        "dataclass_type": "nosuchclasses",
        "related_dataclass_type": "nosuchclasses",
        "data_object_id": str(uuid.uuid4()),
        "indicator_id": str(uuid.uuid4()),
        "vul_id": str(uuid.uuid4()),
        "dataobject_id": str(uuid.uuid4()),
        "workflow_id": str(uuid.uuid4()),
        "version_id": str(uuid.uuid4()),
        "playbook_id": str(uuid.uuid4()),
        "rule_id": str(uuid.uuid4()),
        "component_id": "no_such_component",
        "instance_id": str(uuid.uuid4()),
        "task_id": str(uuid.uuid4()),
        "template_id": str(uuid.uuid4()),
        "attach_id": str(uuid.uuid4()),
        "action_id": "no_such_action",
        **ids,
    }
    return path.format(**values)


def documented(spec: dict[str, Any], method: str, path: str) -> set[int]:
    return {int(s) for s in spec["paths"][path][method.lower()]["responses"]}


def assert_documented(spec: dict[str, Any], method: str, path: str, response: httpx.Response):
    """The answer's status is documented, with the dialect's error schema for an error."""
    statuses = documented(spec, method, path)
    assert response.status_code in statuses, (method, path, response.status_code, response.text)
    if response.status_code >= 400:
        answer = spec["paths"][path][method.lower()]["responses"][str(response.status_code)]
        schema = answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        expected = {
            Dialect.secmaster: "SecMasterError",
            Dialect.register: "RegisterError",
            Dialect.keystone: "KeystoneError",
        }[DIALECTS[path]]
        assert schema == expected, (method, path)


async def test_every_operation_needing_credentials_declares_security_and_answers_401(
    app: FastAPI, client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    spec = (await client.get("/openapi.json")).json()
    secured = needs_credentials(app)

    assert len(secured) > 30
    for method, path, operation in operations(spec):
        response = await client.request(method, concrete(path, tenant))
        if (method, path) in secured:
            assert response.status_code == 401, (method, path, response.text)
            assert {"XAuthToken": []} in operation["security"], (method, path)
            assert {"SdkHmacSha256": []} in operation["security"], (method, path)
        else:
            assert "security" not in operation, (method, path)
        assert_documented(spec, method, path, response)


async def test_ids_that_name_nothing_answer_a_documented_status(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    spec = (await admin_client.get("/openapi.json")).json()
    checked = 0
    for method, path, _operation in operations(spec):
        object_ids = set(re.findall(r"{(\w+)}", path)) - {"project_id", "workspace_id"}
        if not object_ids:
            continue
        response = await admin_client.request(method, concrete(path, tenant))
        assert_documented(spec, method, path, response)
        if method in {"GET", "DELETE"}:
            # No body to be wrong: the id alone is the problem, answered as the dialect does.
            assert response.status_code == NOT_FOUND[DIALECTS[path]], (method, path)
        checked += 1
    assert checked >= 15


async def test_a_foreign_project_or_workspace_is_a_documented_403(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    spec = (await admin_client.get("/openapi.json")).json()
    foreign = {"project_id": uuid.uuid4().hex, "workspace_id": str(uuid.uuid4())}
    for method, path, _operation in operations(spec):
        if "{project_id}" not in path:
            continue
        response = await admin_client.request(method, concrete(path, tenant, **foreign))
        assert response.status_code == 403, (method, path, response.text)
        assert_documented(spec, method, path, response)
    unknown = await admin_client.get(
        "/v1/incidents", headers={"X-Workspace-Id": foreign["workspace_id"]}
    )
    assert unknown.status_code == 403
    assert_documented(spec, "GET", "/v1/incidents", unknown)


async def test_conflicts_lockouts_and_limits_are_documented(
    settings: Settings,
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    tenant: TenantInfo,
) -> None:
    spec = (await admin_client.get("/openapi.json")).json()
    workspaces = "/v1/{project_id}/workspaces"
    taken = await admin_client.post(tenant.workspaces_path, json={"name": tenant.workspace_name})
    source = await admin_client.post("/v1/sources", json={"name": "Sandbox-7"})
    again = await admin_client.post("/v1/sources", json={"name": "Sandbox-7"})
    incidents = f"/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc/incidents"
    created = await admin_client.post(
        incidents,
        json={"data_object": incident_object()},
    )
    assert created.status_code == 200, created.text
    stale = await admin_client.put(
        f"{incidents}/{created.json()['data']['id']}",
        json={"data_object": {"title": "Phishing!", "version": "99"}},
    )
    wrong = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "name": tenant.admin_email,
                        "password": "wrong",
                        "domain": {"name": tenant.project_name},
                    }
                },
            }
        }
    }
    logins = [await client.post("/v3/auth/tokens", json=wrong) for _ in range(8)]

    assert taken.status_code == 409
    assert_documented(spec, "POST", workspaces, taken)
    assert (source.status_code, again.status_code) == (201, 409)
    assert_documented(spec, "POST", "/v1/sources", again)
    assert stale.status_code == 409, stale.text
    path = "/v1/{project_id}/workspaces/{workspace_id}/soc/incidents/{incident_id}"
    assert_documented(spec, "PUT", path, stale)
    assert {r.status_code for r in logins} == {401, 429}
    for response in logins:
        assert_documented(spec, "POST", "/v3/auth/tokens", response)
    locked = spec["paths"]["/v3/auth/tokens"]["post"]["responses"]["429"]
    assert "Retry-After" in locked["headers"]
    assert "Retry-After" in logins[-1].headers

    small = create_app(settings.model_copy(update={"max_body_bytes": 100}))
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=small),
            base_url="http://testserver",
            headers=admin_client.headers,
        ) as limited:
            too_big = await limited.post("/v1/sources", json={"name": "x" * 200})
    finally:
        await small.state.engine.dispose()
    assert too_big.status_code == 413
    assert_documented(spec, "POST", "/v1/sources", too_big)
    assert "503" in spec["paths"]["/readyz"]["get"]["responses"]


async def test_every_path_and_header_id_is_declared_as_enforced(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    spec = (await admin_client.get("/openapi.json")).json()
    checked = 0
    for method, path, operation in operations(spec):
        for parameter in operation.get("parameters", []):
            schema = parameter["schema"]
            if parameter["in"] == "path":
                assert "pattern" in schema, (method, path, parameter["name"])
            if parameter["in"] == "path" or parameter["name"] == "X-Workspace-Id":
                pattern = re.compile(schema["pattern"])
                example = schema["examples"][0]
                assert pattern.fullmatch(example), (path, parameter["name"])
            if parameter["in"] != "path" or method != "GET":
                continue
            # A value outside the pattern is refused, as invalid (400) or as naming nothing
            # (the dialect's unknown-object answer), and the message names the parameter.
            bad = concrete(path, tenant, **{parameter["name"]: "not an id!"})
            refused = await admin_client.get(bad)
            expected = {400, NOT_FOUND[DIALECTS[path]]}
            assert refused.status_code in expected, (path, parameter["name"], refused.text)
            assert parameter["name"] in refused.text
            assert_documented(spec, method, path, refused)
            checked += 1
    assert checked >= 10
    ids = spec["paths"]["/v1/incidents/{incident_id}"]["get"]["parameters"]
    (incident_id,) = [p for p in ids if p["name"] == "incident_id"]
    for accepted in ("INC-00001", "inc-7", str(uuid.uuid4()), uuid.uuid4().hex):
        assert re.fullmatch(incident_id["schema"]["pattern"], accepted)
    workspace = spec["paths"]["/v1/{project_id}/workspaces/{workspace_id}"]["get"]["parameters"]
    assert {p["schema"].get("format") for p in workspace if p["name"] == "workspace_id"} == {"uuid"}
    header = await admin_client.get("/v1/incidents", headers={"X-Workspace-Id": "nope"})
    assert header.status_code == 400
    assert "X-Workspace-Id" in header.json()["message"]
    listing = spec["paths"]["/v1/incidents"]["get"]["parameters"]
    (declared,) = [p for p in listing if p["name"] == "X-Workspace-Id"]
    assert declared["schema"]["format"] == "uuid"
    (cursor,) = [p for p in listing if p["name"] == "cursor"]
    assert cursor["schema"] == {
        "type": "string",
        "maxLength": 512,
        "description": cursor["schema"]["description"],
        "title": "Cursor",
    }


async def test_the_template_format_is_an_enum_without_json(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    spec = (await admin_client.get("/openapi.json")).json()
    path = "/v1/{project_id}/workspaces/{workspace_id}/soc/incidents/template/download"
    (fmt,) = [p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == "format"]
    schema = fmt["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]

    refused = await admin_client.get(concrete(path, tenant), params={"format": "json"})
    csv = await admin_client.get(concrete(path, tenant), params={"format": "csv"})

    assert schema["enum"] == ["xlsx", "csv"]
    assert refused.status_code == 400
    assert "format" in refused.json()["message"]
    assert csv.status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/v1/incidents/INC-00001", "DELETE, GET, PATCH"),
        ("POST", "/v1/{project_id}/workspaces/{workspace_id}", "GET, PUT"),
        # A literal path is its own, not an incident id of `/soc/incidents/{incident_id}`.
        ("DELETE", "/v1/{project_id}/workspaces/{workspace_id}/soc/incidents/import", "POST"),
        ("OPTIONS", "/v1/{project_id}/workspaces/{workspace_id}/soc/incidents/search", "POST"),
        # The alert routes' path is a `~/soc/{dataclass_name}` one too: every method either
        # serves (both documents list them).
        ("OPTIONS", "/v1/{project_id}/workspaces/{workspace_id}/soc/alerts", "DELETE, POST"),
        ("PUT", "/v1/{project_id}/workspaces/{workspace_id}/soc/indicators", "DELETE, POST"),
        ("PUT", "/v3/auth/tokens", "DELETE, GET, POST"),
        ("DELETE", "/healthz", "GET"),
        ("POST", "/", "GET"),
        ("POST", "/static/vendor/swagger-ui/swagger-ui.css", "GET, HEAD"),
    ],
)
async def test_405_names_every_method_the_path_serves(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, method: str, path: str, allowed: str
) -> None:
    spec = (await admin_client.get("/openapi.json")).json()

    response = await admin_client.request(method, concrete(path, tenant))

    assert response.status_code == 405
    assert response.headers["Allow"] == allowed
    if path in spec["paths"]:
        assert set(allowed.split(", ")) == {m.upper() for m in spec["paths"][path]}


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]


async def test_the_docs_load_only_files_the_package_serves(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    parser = _Assets()
    parser.feed(page.text)

    assert page.status_code == 200
    assert "SwaggerUIBundle" in page.text
    assert not re.search(r"(https?:)?//[\w.-]+", re.sub(r"<!--.*?-->", "", page.text))
    kinds = {}
    for url in parser.urls:
        assert url.startswith("/static/"), url
        asset = await client.get(url)
        assert asset.status_code == 200, url
        kinds[url.rsplit(".", 1)[1]] = asset.headers["content-type"].split(";")[0]
    assert kinds == {"js": "text/javascript", "css": "text/css", "png": "image/png"}
    assert '"validatorUrl": null' in page.text
    assert (await client.get("/redoc")).status_code == 404


async def test_the_root_redirects_to_the_docs(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()

    response = await client.get("/")

    assert response.status_code == 307
    assert response.headers["location"] == "/docs"
    assert "/" not in spec["paths"]
    assert not any(p.startswith(("/static", "/docs")) for p in spec["paths"])


async def test_the_spec_declares_both_ways_to_authenticate(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    schemes = spec["components"]["securitySchemes"]

    assert schemes["XAuthToken"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-Auth-Token",
        "description": schemes["XAuthToken"]["description"],
    }
    assert schemes["SdkHmacSha256"]["type"] == "apiKey"
    assert schemes["SdkHmacSha256"]["in"] == "header"
    assert schemes["SdkHmacSha256"]["name"] == "Authorization"
    assert "SDK-HMAC-SHA256" in schemes["SdkHmacSha256"]["description"]
    assert "security" not in spec["paths"]["/v3/auth/tokens"]["post"]
    assert "security" not in spec["paths"]["/healthz"]["get"]


async def test_integer_query_parameters_take_digits_only(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    """An "integer" in the document is digits: "1" is taken, "1.0", "1e0" and " 1" are refused
    with a 400 naming the parameter (pydantic alone would take them as 1)."""
    spec = (await admin_client.get("/openapi.json")).json()
    checked = 0
    for method, path, operation in operations(spec):
        if method != "GET" or set(re.findall(r"{(\w+)}", path)) - {"project_id", "workspace_id"}:
            continue
        for parameter in operation.get("parameters", []):
            types = {parameter["schema"].get("type")} | {
                choice.get("type") for choice in parameter["schema"].get("anyOf", [])
            }
            if parameter["in"] != "query" or "integer" not in types:
                continue
            url = concrete(path, tenant)
            taken = await admin_client.get(url, params={parameter["name"]: "1"})
            assert taken.status_code == 200, (path, parameter["name"], taken.text)
            for written in ("1.0", "1e0", " 1"):
                refused = await admin_client.get(url, params={parameter["name"]: written})
                assert refused.status_code == 400, (path, parameter["name"], written)
                assert parameter["name"] in refused.text
                assert_documented(spec, method, path, refused)
            checked += 1
    assert checked >= 15
