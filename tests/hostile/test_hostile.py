"""The hostile-input corpus against a real `socdesk serve` process, on SQLite and PostgreSQL.

Every hostile file goes to every upload route (incident import, avatar PUT) and every hostile
JSON body to the JSON routes it fits; each must answer a 4xx (the client gives up after
`ANSWER_WITHIN` seconds: a hang fails, but no timing is asserted), write nothing, and leave the
server's peak resident memory within `MEMORY_BOUND` of what it was before the request.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.databases import PostgresDatabases, SqliteDatabases
from tests.hostile.corpus import HostileBody, HostileFile, MiB, hostile_bodies, hostile_files
from tests.hostile.server import Served, memory_kib, reset_peak, socdesk_serve

SETTINGS = {
    "xlsx_max_uncompressed_bytes": 16 * MiB,
    "import_max_bytes": 4 * MiB,
    "import_max_rows": 1000,
    "max_body_bytes": 1 * MiB,
    "avatar_max_bytes": 256 * 1024,
}
# The bound, from the settings above (docs/import-export.md, "Memory"): an XLSX import holds
# the sheet's cells (~2.3 B per byte of XML) and its grid (at most the decompressed cap again),
# so under 3.5 x SOCDESK_XLSX_MAX_UNCOMPRESSED_BYTES, plus the upload itself
# (SOCDESK_IMPORT_MAX_BYTES); a JSON body of tiny items becomes Python objects of up to about
# 40 bytes per byte (SOCDESK_MAX_BODY_BYTES); 64 MiB for the interpreter's own arenas.
MEMORY_BOUND = (
    int(3.5 * SETTINGS["xlsx_max_uncompressed_bytes"])
    + SETTINGS["import_max_bytes"]
    + 40 * SETTINGS["max_body_bytes"]
    + 64 * MiB
)
ANSWER_WITHIN = 30.0
FILES = hostile_files(SETTINGS["xlsx_max_uncompressed_bytes"])
BODIES = hostile_bodies(SETTINGS["max_body_bytes"])


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    if request.param == "sqlite":
        databases: SqliteDatabases | PostgresDatabases = request.getfixturevalue("sqlite_databases")
    else:
        databases = request.getfixturevalue("postgres_databases")
    cwd: Path = tmp_path_factory.mktemp("hostile")
    with databases.fresh() as url, socdesk_serve(url, cwd, SETTINGS) as served:
        yield served


@pytest.fixture
def http(server: Served) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.url, headers={"X-Auth-Token": server.token}, timeout=ANSWER_WITHIN
    ) as client:
        yield client


def incident_count(http: httpx.Client, server: Served) -> int:
    found = http.post(f"{server.incidents}/search", json={"limit": 1})
    assert found.status_code == 200, found.text
    total: int = found.json()["total"]
    return total


def peak_growth_kib(server: Served, send: object) -> tuple[httpx.Response, int]:
    before = memory_kib(server.pid, "VmRSS")
    reset_peak(server.pid)
    assert callable(send)
    response: httpx.Response = send()
    return response, memory_kib(server.pid, "VmHWM") - before


def _assert_refused(response: httpx.Response, growth_kib: int) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert growth_kib * 1024 < MEMORY_BOUND, f"RSS grew by {growth_kib} KiB"


@pytest.mark.parametrize("case", FILES, ids=[f.name for f in FILES])
def test_a_hostile_file_is_refused_by_every_upload_route(
    server: Served, http: httpx.Client, case: HostileFile
) -> None:
    before = incident_count(http, server)
    imported, growth = peak_growth_kib(
        server,
        lambda: http.post(
            f"{server.incidents}/import", files={"uploadFile": (case.filename, case.content)}
        ),
    )
    _assert_refused(imported, growth)
    assert incident_count(http, server) == before

    avatar = f"/api/v1/users/{server.user_id}/avatar"
    for send in (
        lambda: http.put(avatar, files={"file": (case.filename, case.content, "image/png")}),
        lambda: http.put(avatar, content=case.content, headers={"Content-Type": "image/png"}),
    ):
        response, growth = peak_growth_kib(server, send)
        _assert_refused(response, growth)
    assert http.get(avatar).status_code == 404


@pytest.mark.parametrize("case", BODIES, ids=[b.name for b in BODIES])
def test_a_hostile_json_body_is_refused_by_every_json_route(
    server: Served, http: httpx.Client, case: HostileBody
) -> None:
    before = incident_count(http, server)
    routes = [("POST", server.incidents), ("POST", "/v1/incidents")]
    if not case.create_only:
        routes += [("POST", f"{server.incidents}/search"), ("POST", f"{server.incidents}/export")]
    for method, path in routes:
        response, growth = peak_growth_kib(
            server,
            lambda method=method, path=path: http.request(
                method, path, content=case.content, headers={"Content-Type": "application/json"}
            ),
        )
        _assert_refused(response, growth)
    assert incident_count(http, server) == before
