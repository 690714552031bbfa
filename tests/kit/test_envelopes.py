"""Every answer carries X-request-id; every error arrives in its dialect's envelope."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from socdesk.app import create_app
from socdesk.kit.dialects import Dialect, error_body
from socdesk.kit.errors import ERROR_TYPES, ErrorDetail, NotFound, ValidationFailed
from socdesk.kit.logs import JsonFormatter
from socdesk.kit.routes import dialect_of
from socdesk.settings import Settings
from tests.factories import TenantInfo

REQUEST_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-\d{13}-.+$")
SECMASTER_CODE = re.compile(r"^SecMaster\.\d{8}$")


def assert_secmaster_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert REQUEST_ID.match(response.headers["X-request-id"])
    assert response.json()["code"] == code
    assert response.json()["message"]


async def test_success_answers_carry_a_request_id(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    first = await admin_client.get(tenant.workspaces_path)
    second = await admin_client.get(tenant.workspaces_path)

    assert REQUEST_ID.match(first.headers["X-request-id"])
    assert first.headers["X-request-id"] != second.headers["X-request-id"]


async def test_secmaster_error_classes_over_http(
    app: FastAPI, client: httpx.AsyncClient, admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    async def explode() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/v1/explode", explode)
    path = tenant.workspaces_path

    assert_secmaster_error(await client.get(path), 401, "SecMaster.20000401")
    assert_secmaster_error(
        await admin_client.get(f"/v1/{'0' * 32}/workspaces"), 403, "SecMaster.20010001"
    )
    assert_secmaster_error(await admin_client.get("/v1/nowhere"), 404, "SecMaster.20000404")
    assert_secmaster_error(await admin_client.delete(path), 405, "SecMaster.20000405")
    assert_secmaster_error(
        await admin_client.post(path, json={"name": "main"}), 409, "SecMaster.20000409"
    )
    assert_secmaster_error(
        await admin_client.post(path, json={"name": 5}), 400, "SecMaster.20000400"
    )
    crashed = await client.get("/v1/explode")
    assert_secmaster_error(crashed, 500, "SecMaster.20000500")
    assert crashed.headers["X-request-id"] in crashed.json()["message"]
    assert "a bug" not in crashed.text


async def test_register_and_keystone_errors_use_their_own_envelopes(
    client: httpx.AsyncClient, admin_client: httpx.AsyncClient
) -> None:
    register = await client.get("/v1/users")
    missing_route = await client.get("/v1/incidents/INC-00001/nothing-here")
    keystone = await admin_client.delete("/v3/auth/api-keys/7c9e6679-7425-40de-944b-e07fc1f90ae7")

    assert register.status_code == 401
    assert register.json() == {
        "error": "unauthenticated",
        "message": "authentication required: send X-Auth-Token or sign the request",
        "details": [],
    }
    assert missing_route.status_code == 404
    assert missing_route.json()["error"] == "route_not_found"
    assert keystone.status_code == 404
    assert keystone.json()["error"]["title"] == "Not Found"
    assert REQUEST_ID.match(keystone.headers["X-request-id"])


@pytest.mark.parametrize(
    ("content", "content_type", "expected"),
    [
        (b'{"name": ', "application/json", "not valid JSON"),
        (b"\xff\xfe\x00", "application/json", "JSON"),
        (b"name=x", "application/x-www-form-urlencoded", "Content-Type must be application/json"),
        (b"<name/>", "text/xml", "Content-Type must be application/json"),
        (b'["name"]', "application/json", "body"),
        (b"", "application/json", "body"),
        (b'{"name": "x", "name2": 1}', "application/json", "name2"),
    ],
    ids=["truncated", "not-utf8", "form", "xml", "array", "empty", "unknown-field"],
)
async def test_malformed_bodies_are_400_not_500(
    admin_client: httpx.AsyncClient,
    tenant: TenantInfo,
    content: bytes,
    content_type: str,
    expected: str,
) -> None:
    response = await admin_client.post(
        tenant.workspaces_path, content=content, headers={"Content-Type": content_type}
    )
    listed = await admin_client.get(tenant.workspaces_path)

    assert_secmaster_error(response, 400, "SecMaster.20000400")
    assert expected in response.json()["message"]
    assert listed.json()["count"] == 1


async def test_each_request_logs_one_json_line_with_its_id(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    access = logging.getLogger("socdesk.access")
    access.addHandler(handler)
    previous_level = access.level
    access.setLevel(logging.INFO)
    try:
        response = await admin_client.get(tenant.workspaces_path)
    finally:
        access.removeHandler(handler)
        access.setLevel(previous_level)

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 1
    assert lines[0]["request_id"] == response.headers["X-request-id"]
    assert lines[0]["status"] == 200
    assert lines[0]["route"] == "/v1/{project_id}/workspaces"
    assert lines[0]["duration_ms"] >= 0


@pytest.mark.parametrize("error_type", ERROR_TYPES)
def test_every_error_type_renders_in_every_dialect(error_type: type[ValidationFailed]) -> None:
    error = error_type("what went wrong", details=[ErrorDetail("title", "required", row=2)])

    secmaster_status, secmaster = error_body(error, Dialect.secmaster)
    register_status, register = error_body(error, Dialect.register)
    keystone_status, keystone = error_body(error, Dialect.keystone)

    assert SECMASTER_CODE.match(secmaster["code"])
    assert secmaster["data"]["errors"] == [
        {"row": 2, "field": "title", "value": None, "message": "required"}
    ]
    assert register == {
        "error": error.kind,
        "message": "what went wrong",
        "details": [{"field": "title", "message": "required"}],
    }
    assert keystone["error"]["code"] == keystone_status == register_status == error.status
    expected_secmaster = 400 if issubclass(error_type, NotFound) else error.status
    assert secmaster_status == expected_secmaster


def test_every_error_type_has_its_own_code_or_kind() -> None:
    pairs = {(t.code, t.kind) for t in ERROR_TYPES}

    assert len(pairs) == len(ERROR_TYPES)


@pytest.mark.parametrize(
    ("path", "dialect"),
    [
        ("/v1/abc/workspaces", Dialect.secmaster),
        ("/v1/incidents", Dialect.register),
        ("/v1/incidents/INC-00001", Dialect.register),
        ("/v1/incidentsX", Dialect.secmaster),
        ("/api/v1/users/x/avatar", Dialect.register),
        ("/v3/auth/tokens", Dialect.keystone),
        ("/readyz", Dialect.secmaster),
    ],
)
async def test_the_dialect_follows_the_route(app: FastAPI, path: str, dialect: Dialect) -> None:
    scope = {"type": "http", "app": app, "method": "GET", "path": path, "root_path": ""}

    assert dialect_of(scope) is dialect


async def test_bodies_over_the_limit_are_413_declared_or_streamed(
    settings: Settings, tenant: TenantInfo
) -> None:
    small = create_app(settings.model_copy(update={"max_body_bytes": 1000}))
    body = b'{"name": "' + b"x" * 2000 + b'"}'

    async def stream() -> AsyncIterator[bytes]:
        yield body[:600]
        yield body[600:]

    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=small), base_url="http://testserver"
        ) as client:
            declared = await client.post(tenant.workspaces_path, content=body)
            streamed = await client.post(tenant.workspaces_path, content=stream())
    finally:
        await small.state.engine.dispose()

    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.json()["code"] == "SecMaster.20000413"
        assert REQUEST_ID.match(response.headers["X-request-id"])


def test_a_one_field_failure_is_told_by_the_message_alone() -> None:
    error = ValidationFailed.for_field("title", "too long", "x" * 300)

    status, body = error_body(error, Dialect.secmaster)

    assert status == 400
    assert body == {"code": "SecMaster.20000400", "message": "title: too long"}


def test_problems_outside_rows_are_listed_without_a_row() -> None:
    error = ValidationFailed(
        "two problems",
        details=[ErrorDetail("title", "required"), ErrorDetail("severity", "bad", value="x")],
    )

    _status, body = error_body(error, Dialect.secmaster)

    assert body["data"]["errors"] == [
        {"field": "title", "value": None, "message": "required"},
        {"field": "severity", "value": "x", "message": "bad"},
    ]


async def test_a_request_with_one_bad_field_answers_without_data(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    path = f"/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc/incidents/import"

    response = await admin_client.post(path, json={"data_object": {}})

    assert response.status_code == 400
    assert response.json() == {
        "code": "SecMaster.20000400",
        "message": "uploadFile: send the file as multipart/form-data in the field uploadFile",
    }
