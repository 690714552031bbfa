"""`socdesk incidents import|export`, run as a user runs them, against a live server."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import Role
from tests.conftest import LIVE_TIMEOUT
from tests.factories import TenantInfo, login, make_member
from tests.transfer.files import HEADER, csv_file, good_row


def incidents(*args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `socdesk incidents ARGS` in a clean environment (the token, if any, in SOCDESK_TOKEN)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCDESK_")}
    env["COLUMNS"] = "120"  # the width Rich draws the problem table at
    if token:
        env["SOCDESK_TOKEN"] = token
    return subprocess.run(
        [sys.executable, "-m", "socdesk", "incidents", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def _login(server: str, email: str, project: str) -> str:
    async with httpx.AsyncClient(base_url=server, timeout=LIVE_TIMEOUT) as client:
        return await login(client, email, project)


@pytest.fixture
async def token(live_server: str, tenant: TenantInfo) -> str:
    """The tenant administrator's session token."""
    return await _login(live_server, tenant.admin_email, tenant.project_name)


def incidents_path(tenant: TenantInfo, workspace_id: object = None) -> str:
    return f"{tenant.workspaces_path}/{workspace_id or tenant.workspace_id}/soc/incidents"


def found(server: str, token: str, tenant: TenantInfo, workspace_id: object = None) -> list[Any]:
    """Every incident of the workspace (the tenant's own unless given), as the API finds them."""
    answer = httpx.post(
        f"{server}{incidents_path(tenant, workspace_id)}/search",
        json={},
        headers={"X-Auth-Token": token},
        timeout=LIVE_TIMEOUT,
    )
    assert answer.status_code == 200, answer.text
    data: list[Any] = answer.json()["data"]
    return data


def write_csv(path: Path, *rows: list[Any]) -> Path:
    path.write_bytes(csv_file(HEADER, list(rows)))
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_import_prints_the_ids_of_the_incidents_it_created(
    live_server: str, token: str, tenant: TenantInfo, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "night shift.csv", good_row("cli one"), good_row("cli two"))

    done = incidents("import", str(file), "--url", live_server, token=token)

    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 1
    printed = json.loads(done.stdout)
    stored = found(live_server, token, tenant)
    assert printed["imported"] == 2
    assert sorted(printed["ids"]) == sorted(d["id"] for d in stored)
    assert sorted(d["data_object"]["title"] for d in stored) == ["cli one", "cli two"]
    assert "uploading night shift.csv" in done.stderr
    history = httpx.get(
        f"{live_server}{incidents_path(tenant)}/{printed['ids'][0]}/history",
        headers={"X-Auth-Token": token},
        timeout=LIVE_TIMEOUT,
    ).json()
    assert [(e["action"], e["source"]) for e in history["data"]] == [("import", "night shift.csv")]


def test_a_refused_import_shows_its_problems_as_a_table_and_writes_nothing(
    live_server: str, token: str, tenant: TenantInfo, tmp_path: Path
) -> None:
    file = write_csv(
        tmp_path / "bad.csv", good_row("fine"), good_row(severity="Severe"), good_row("")
    )

    done = incidents("import", str(file), "--url", live_server, token=token)

    assert (done.returncode, done.stdout) == (1, "")
    assert "error: 2 problems in the file; nothing was imported" in done.stderr
    assert re.search(r"Row\s*┃\s*Column\s*┃\s*Value\s*┃\s*Problem", done.stderr)
    assert re.search(r"│ 3\s*│ severity\s*│ Severe\s*│ Input should be 'Tips'", done.stderr)
    assert re.search(r"│ 4\s*│ title\s*│\s*│ mandatory field is empty", done.stderr)
    assert found(live_server, token, tenant) == []


async def test_an_import_the_server_forbids_exits_1_with_its_message(
    live_server: str,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    token: str,
    tmp_path: Path,
) -> None:
    viewer = await make_member(sessions, tenant, Role.viewer)
    viewer_token = await _login(live_server, viewer, tenant.project_name)
    file = write_csv(tmp_path / "in.csv", good_row("not allowed"))

    done = incidents("import", str(file), "--url", live_server, token=viewer_token)

    assert (done.returncode, done.stdout) == (1, "")
    assert "error: your role in this workspace is viewer; this needs analyst" in done.stderr
    assert found(live_server, token, tenant) == []


def test_export_writes_an_xlsx_of_every_incident(
    live_server: str, token: str, tenant: TenantInfo, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "in.csv", good_row("first"), good_row("second"))
    assert incidents("import", str(file), "--url", live_server, token=token).returncode == 0
    output = tmp_path / "all.xlsx"

    done = incidents(
        "export",
        "-o",
        str(output),
        "--url",
        live_server,
        "--project",
        tenant.project_name,
        token=token,
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"file": str(output), "bytes": output.stat().st_size}
    sheet = load_workbook(output)["Incidents"]
    rows = list(sheet.iter_rows(values_only=True))
    title = rows[0].index("Title *")
    assert sorted(row[title] for row in rows[1:]) == ["first", "second"]
    assert list(tmp_path.glob(".*.part")) == []


def test_export_writes_a_csv_of_the_chosen_columns_and_incidents(
    live_server: str, token: str, tenant: TenantInfo, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "in.csv", good_row("keep", severity="High"), good_row("skip"))
    assert incidents("import", str(file), "--url", live_server, token=token).returncode == 0
    search = {"condition": {"conditions": [{"name": "a", "data": ["severity", "=", "High"]}]}}
    output = tmp_path / "high.csv"

    done = incidents(
        "export",
        "-o",
        str(output),
        "--format",
        "csv",
        "--columns",
        "title, severity",
        "--filter",
        json.dumps(search),
        "--project",
        tenant.project_hex,
        "--url",
        live_server,
        token=token,
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["bytes"] == output.stat().st_size
    rows = list(csv.reader(io.StringIO(output.read_text("utf-8-sig"))))
    assert rows == [["Title *", "Severity *"], ["keep", "High"]]


def test_the_workspace_is_chosen_by_name_or_id_when_the_token_sees_several(
    live_server: str, token: str, tenant: TenantInfo, tmp_path: Path
) -> None:
    created = httpx.post(
        f"{live_server}{tenant.workspaces_path}",
        json={"name": "second"},
        headers={"X-Auth-Token": token},
        timeout=LIVE_TIMEOUT,
    )
    assert created.status_code in (200, 201), created.text
    second = created.json()["id"]
    file = write_csv(tmp_path / "in.csv", good_row("for the second"))
    output = tmp_path / "second.json"

    unchosen = incidents("import", str(file), "--url", live_server, token=token)
    by_name = incidents(
        "import", str(file), "--url", live_server, "--workspace", "second", token=token
    )
    by_id = incidents(
        "export",
        "-o",
        str(output),
        "--format",
        "json",
        "--workspace",
        second,
        "--url",
        live_server,
        token=token,
    )

    assert unchosen.returncode == 2
    assert "--workspace" in unchosen.stderr
    assert "'main'" in unchosen.stderr
    assert "'second'" in unchosen.stderr
    assert by_name.returncode == 0, by_name.stderr
    stored = [d["id"] for d in found(live_server, token, tenant, second)]
    assert stored == json.loads(by_name.stdout)["ids"]
    assert found(live_server, token, tenant) == []
    assert by_id.returncode == 0, by_id.stderr
    assert [o["title"] for o in json.loads(output.read_text())] == ["for the second"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--filter", "{not json"], 2, "not JSON"),
        (["--filter", "[1, 2]"], 2, "JSON object"),
        (["--format", "pdf"], 2, "'pdf' is not one of"),
        (["--workspace", "nowhere"], 1, "error: no workspace 'nowhere'"),
        (["--project", "someone-else"], 1, "not to 'someone-else'"),
        (
            ["--filter", '{"sort_by": "no_such_field"}'],
            1,
            "error: sort_by: 'no_such_field' is not a searchable",
        ),
    ],
)
def test_usage_errors_exit_2_and_refusals_exit_1_writing_nothing(
    live_server: str, token: str, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    output = tmp_path / "out.xlsx"

    done = incidents("export", "-o", str(output), *args, "--url", live_server, token=token)

    assert done.returncode == code, done.stderr
    assert message in done.stderr
    assert done.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_a_bad_token_is_refused(live_server: str, tmp_path: Path) -> None:
    done = incidents(
        "export", "-o", str(tmp_path / "x.xlsx"), "--url", live_server, token="sdtok_forged"
    )

    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith("error: ")


def test_a_missing_token_is_a_usage_error(tmp_path: Path) -> None:
    done = incidents("export", "-o", str(tmp_path / "x.xlsx"))

    assert (done.returncode, done.stdout) == (2, "")
    assert "SOCDESK_TOKEN" in done.stderr


def test_an_unreachable_server_exits_1(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    file = write_csv(tmp_path / "in.csv", good_row())

    exported = incidents("export", "-o", str(tmp_path / "x.xlsx"), "--url", url, token="t")
    imported = incidents("import", str(file), "--url", url, token="t")

    assert exported.returncode == imported.returncode == 1
    assert exported.stderr.startswith(f"error: cannot reach {url}: ")
    assert imported.stderr.startswith(f"error: cannot reach {url}: ")
    assert not (tmp_path / "x.xlsx").exists()


def test_a_url_that_is_not_http_is_a_usage_error() -> None:
    done = incidents("export", "-o", "x.xlsx", "--url", "127.0.0.1:8000", token="t")

    assert done.returncode == 2
    assert "--url" in done.stderr
