"""A route's dialect and body limit come from its router and its own declaration, never from its
path: a router added under any prefix answers in its envelope, from the error handlers, the
body size limit, the input check and the last-resort 500 alike."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Path, Query, Request
from fastapi.routing import APIRoute
from starlette.routing import Match

from socdesk.app import create_app
from socdesk.kit.dialects import Dialect
from socdesk.kit.errors import NotFound, PayloadTooLarge
from socdesk.kit.routes import (
    BodySize,
    DialectRoute,
    KeystoneRoute,
    MatchedRouteFirst,
    RegisterRoute,
    SecMasterRoute,
    body_size,
    flat_routes,
    matched,
    original,
    route_table,
)
from socdesk.kit.uploads import multipart_file, multipart_file_body
from socdesk.settings import Environment, Settings

MAX_BODY = 1000
MAX_IMPORT = 5000
JSON = {"Content-Type": "application/json"}


def _router(route_class: type[DialectRoute], prefix: str) -> APIRouter:
    router = APIRouter(prefix=prefix, route_class=route_class)

    @router.get("/things/{thing_id}")
    async def read_thing(thing_id: str, limit: Annotated[int, Query()] = 10) -> dict[str, str]:
        raise NotFound(f"no thing {thing_id}")

    @router.post("/things")
    async def create_thing(request: Request) -> dict[str, int]:
        return {"received": len(await request.body())}

    @router.delete("/{kind}")
    async def delete_kind(kind: Annotated[str, Path(pattern="^[a-z]+$")]) -> None:
        raise NotFound(f"no {kind}")

    @router.get("/crash")
    async def crash() -> None:
        raise RuntimeError("a bug")

    @router.post("/upload", openapi_extra=multipart_file_body("doc"))
    @body_size(BodySize.file_import)
    async def upload(request: Request) -> dict[str, int]:
        refusal = PayloadTooLarge(f"doc: over {MAX_IMPORT} bytes")
        async with multipart_file(request, "doc", MAX_IMPORT, refusal) as file:
            return {"received": len(await file.read())}

    return router


def bare_settings() -> Settings:
    """Settings of an application whose store is never opened: nothing here reaches it."""
    return Settings(
        environment=Environment.test,
        database_url="sqlite+aiosqlite://",
        secret_key="test-secret-key-not-for-production",
        log_level="WARNING",
        max_body_bytes=MAX_BODY,
        import_max_bytes=MAX_IMPORT,
    )


@pytest.fixture
async def bare_app() -> AsyncIterator[FastAPI]:
    """The application with a router of each dialect under prefixes no dialect had."""
    app = create_app(bare_settings())
    app.include_router(_router(RegisterRoute, "/zz"))
    app.include_router(_router(SecMasterRoute, "/api/sm"))
    app.include_router(_router(KeystoneRoute, "/v1/ks"))
    yield app
    await app.state.engine.dispose()


@pytest.fixture
async def bare(bare_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=bare_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def assert_envelope(response: httpx.Response, dialect: Dialect, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    if dialect is Dialect.register:
        assert set(body) == {"error", "message", "details"}, body
    elif dialect is Dialect.keystone:
        assert set(body) == {"error"}, body
        assert set(body["error"]) == {"code", "title", "message"}, body
    else:
        assert {"code", "message"} <= set(body) <= {"code", "message", "data"}, body
    return body


async def test_a_register_router_under_any_prefix_answers_in_the_register_envelope(
    bare: httpx.AsyncClient,
) -> None:
    missing = await bare.get("/zz/things/x")
    invalid = await bare.get("/zz/things/x", params={"limit": "many"})
    not_allowed = await bare.put("/zz/things")
    no_route = await bare.get("/zz/things/x/y/z")
    nul = await bare.get("/zz/things/x", params={"q": "a\x00b"})
    too_deep = await bare.post("/zz/things", content=b"[" * 500 + b"]" * 500, headers=JSON)
    crashed = await bare.get("/zz/crash")

    body = assert_envelope(missing, Dialect.register, 404)
    assert body["error"] == "not_found"
    assert body["message"] == "no thing x"
    assert assert_envelope(invalid, Dialect.register, 400)["details"][0]["field"] == "limit"
    assert assert_envelope(not_allowed, Dialect.register, 405)["error"] == "method_not_allowed"
    # `/zz/things` is the create route's and a `/zz/{kind}` one's: both routes' methods.
    assert not_allowed.headers["Allow"] == "DELETE, POST"
    assert assert_envelope(no_route, Dialect.register, 404)["error"] == "route_not_found"
    assert assert_envelope(nul, Dialect.register, 400)["details"][0]["field"] == "q"
    assert_envelope(too_deep, Dialect.register, 400)
    assert assert_envelope(crashed, Dialect.register, 500)["error"] == "internal_error"


async def test_the_secmaster_and_keystone_envelopes_follow_their_routers_too(
    bare: httpx.AsyncClient,
) -> None:
    secmaster = await bare.get("/api/sm/things/x", params={"limit": "many"})
    keystone = await bare.get("/v1/ks/things/x", params={"limit": "many"})
    keystone_missing = await bare.get("/v1/ks/things/x")
    real_keystone = await bare.post("/v3/auth/tokens", json={})
    nowhere = await bare.get("/nowhere/at/all")

    assert assert_envelope(secmaster, Dialect.secmaster, 400)["code"] == "SecMaster.20000400"
    assert assert_envelope(keystone, Dialect.keystone, 400)["error"]["code"] == 400
    assert assert_envelope(keystone_missing, Dialect.keystone, 404)["error"]["title"] == (
        "Not Found"
    )
    assert_envelope(real_keystone, Dialect.keystone, 400)
    # A path no route begins like answers in SecMaster's envelope, as the API's first dialect.
    assert assert_envelope(nowhere, Dialect.secmaster, 404)["code"] == "SecMaster.20000404"


async def test_a_body_over_its_limit_is_413_naming_the_setting_of_its_route(
    bare: httpx.AsyncClient,
) -> None:
    over_standard = b"x" * (MAX_BODY + 1)
    form = {"doc": ("a.bin", b"y" * (MAX_BODY * 2))}

    standard = await bare.post("/zz/things", content=over_standard)
    uploaded = await bare.post("/zz/upload", files=form)
    file_over = await bare.post("/zz/upload", files={"doc": ("a.bin", b"y" * (MAX_IMPORT + 1))})
    body_over = await bare.post("/zz/upload", content=b"y" * (MAX_IMPORT + 70_000))
    no_field = await bare.post("/zz/upload", files={"other": ("a.bin", b"y")})
    not_a_form = await bare.post("/zz/upload", json={"doc": "y"})

    message = assert_envelope(standard, Dialect.register, 413)["message"]
    assert f"{MAX_BODY} bytes (SOCDESK_MAX_BODY_BYTES)" in message
    assert uploaded.json() == {"received": MAX_BODY * 2}
    assert assert_envelope(file_over, Dialect.register, 413)["message"] == (
        f"doc: over {MAX_IMPORT} bytes"
    )
    message = assert_envelope(body_over, Dialect.register, 413)["message"]
    assert f"{MAX_IMPORT} bytes (SOCDESK_IMPORT_MAX_BYTES)" in message
    for refused, expected in ((no_field, "no file named doc"), (not_a_form, "multipart")):
        body = assert_envelope(refused, Dialect.register, 400)
        assert body["details"][0]["field"] == "doc"
        assert expected in body["message"]


def test_every_route_of_the_application_declares_its_dialect() -> None:
    app = create_app(bare_settings())
    routes = [original(r) for r in flat_routes(app.routes)]
    api_routes = [r for r in routes if isinstance(r, APIRoute)]

    assert len(api_routes) > 40
    assert [r.path for r in api_routes if not isinstance(r, DialectRoute)] == []
    by_dialect = {r.path_format: r.dialect for r in api_routes if isinstance(r, DialectRoute)}
    assert by_dialect["/api/v1/users/{user_id}/avatar"] is Dialect.register
    assert by_dialect["/v1/incidents/{incident_id}/risks"] is Dialect.register
    assert by_dialect["/v3/auth/tokens"] is Dialect.keystone
    assert by_dialect["/v1/{project_id}/workspaces"] is Dialect.secmaster
    assert by_dialect["/readyz"] is Dialect.secmaster


def _scope(app: FastAPI, method: str, path: str) -> dict[str, Any]:
    return {"type": "http", "app": app, "method": method, "path": path, "root_path": ""}


def test_only_the_import_route_takes_the_import_limit() -> None:
    app = create_app(bare_settings())
    prefix = "/v1/abc/workspaces/def/soc/incidents"

    assert matched(_scope(app, "POST", f"{prefix}/import")).body_size is BodySize.file_import
    for method, path in [
        ("POST", f"{prefix}/export"),
        ("PUT", f"{prefix}/import"),  # not served: refused whatever its body
        ("PUT", "/api/v1/users/abc/avatar"),  # held to SOCDESK_AVATAR_MAX_BYTES by its route
        ("POST", "/v1/incidents"),
    ]:
        assert matched(_scope(app, method, path)).body_size is BodySize.standard, path


@pytest.mark.parametrize(
    ("path", "dialect"),
    [
        ("/v1/incidents/INC-1/nothing-here", Dialect.register),
        ("/v1/users/someone", Dialect.register),
        ("/api/v2/anything", Dialect.register),
        ("/v1/nowhere", Dialect.secmaster),
        ("/v1/abc/workspaces/def/soc/nothing", Dialect.secmaster),
        ("/v3/nothing", Dialect.keystone),
        ("/", Dialect.secmaster),
        ("/static/nothing.js", Dialect.secmaster),
    ],
)
def test_a_path_no_route_serves_takes_the_dialect_of_the_route_nearest_it(
    path: str, dialect: Dialect
) -> None:
    app = create_app(bare_settings())

    assert matched(_scope(app, "GET", path)).dialect is dialect


def test_the_route_is_found_once_per_request() -> None:
    app = create_app(bare_settings())
    table = route_table(app)
    scope = _scope(app, "GET", "/v1/incidents/INC-1")

    first = matched(scope)
    assert matched(scope) is first  # kept in the scope for the other layers
    assert route_table(app) is table  # compiled once
    app.include_router(_router(RegisterRoute, "/zz"))
    assert route_table(app) is not table  # a router added later is matched too
    assert matched(_scope(app, "GET", "/zz/things/x")).dialect is Dialect.register


def test_refusing_a_path_by_its_segments_never_changes_what_a_route_matches() -> None:
    app = create_app(bare_settings())
    routes = [r for r in app.router.routes if isinstance(r, DialectRoute)]
    concrete = [re.sub(r"\{[^}]+\}", "x", r.path_format) for r in routes]
    paths = {
        variant
        for path in concrete
        for variant in (path, path + "/", path.rsplit("/", 1)[0], path + "/x", path.upper())
    } | {"/", "", "/v1", "//v1//incidents"}

    verdicts = [
        (route, path, route.matches(_scope(app, "GET", path))[0])
        for route in routes
        for path in sorted(paths)
    ]

    assert len(routes) > 100
    assert sum(1 for *_, verdict in verdicts if verdict is not Match.NONE) >= len(routes)
    assert [
        (route.path_format, path, verdict)
        for route, path, verdict in verdicts
        if verdict is not APIRoute.matches(route, _scope(app, "GET", path))[0]
    ] == []


async def test_a_405_allow_lists_the_methods_of_every_route_whose_parameters_take_the_path(
    bare: httpx.AsyncClient,
) -> None:
    literal_and_parameter = await bare.options("/zz/things")
    # `Things` is no `{kind}` (its pattern is lower-case): only the literal route's... none
    # serves it but the parameter route's path, whose pattern refuses it: the most literal.
    refused_by_pattern = await bare.put("/zz/Things")
    parameter_only = await bare.put("/zz/other")

    assert literal_and_parameter.status_code == 405
    assert literal_and_parameter.headers["Allow"] == "DELETE, POST"
    assert refused_by_pattern.status_code == 405
    assert refused_by_pattern.headers["Allow"] == "DELETE"
    assert parameter_only.headers["Allow"] == "DELETE"


def _looped(app: FastAPI, scope: dict[str, Any]) -> tuple[Any, Match, dict[str, Any]]:
    """What FastAPI's routing loop picks for `scope` without the shortcut: the first route that
    matches in full, else the first that matches in part."""
    partial = None
    for route in app.router.routes[1:]:
        match, child = route.matches(scope)
        if match is Match.FULL:
            return route, match, child
        if match is Match.PARTIAL and partial is None:
            partial = (route, match, child)
    return partial or (None, Match.NONE, {})


def test_the_route_matched_first_is_the_one_the_routing_loop_would_take() -> None:
    app = create_app(bare_settings())
    shortcut = app.router.routes[0]
    assert isinstance(shortcut, MatchedRouteFirst)
    routes = [r for r in app.router.routes if isinstance(r, APIRoute)]
    paths = {re.sub(r"\{[^}]+\}", "x", r.path_format) for r in routes}
    paths |= {p + "/" for p in paths} | {p + "/x" for p in paths} | {"/", "/static/app.js"}
    served = 0
    for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
        for path in sorted(paths):
            route, match, child = _looped(app, _scope(app, method, path))
            verdict, child_by_shortcut = shortcut.matches(_scope(app, method, path))
            if match is Match.FULL and isinstance(route, APIRoute):
                served += 1
                assert (verdict, child_by_shortcut) == (match, child), (method, path)
                assert child_by_shortcut["route"] is route
            else:  # a 404, a 405 or a mount: the loop goes on, as it did before
                assert verdict is Match.NONE, (method, path)
    assert served >= len(routes)
