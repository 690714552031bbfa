"""`socdesk incidents import|export` against a live server, run as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from tests.factories import TenantInfo, login
from tests.transfer.files import HEADER, csv_file, good_row


def incidents(*args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCDESK_")}
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


@pytest.fixture
async def token(live_server: str, tenant: TenantInfo) -> str:
    async with httpx.AsyncClient(base_url=live_server) as client:
        return await login(client, tenant.admin_email, tenant.project_name)


def search_titles(server: str, token: str, tenant: TenantInfo) -> list[str]:
    path = f"/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc/incidents/search"
    found = httpx.post(f"{server}{path}", json={"limit": 1000}, headers={"X-Auth-Token": token})
    return sorted(d["data_object"]["title"] for d in found.json()["data"])


async def test_import_prints_the_ids_and_the_incidents_exist(
    live_server: str, token: str, tenant: TenantInfo, tmp_path: Path
) -> None:
    file = tmp_path / "incidents.csv"
    file.write_bytes(csv_file(HEADER, [good_row("cli one"), good_row("cli two")]))

    done = incidents("import", str(file), "--url", live_server, "--workspace", "main", token=token)

    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["imported"] == 2
    assert len(printed["ids"]) == 2
    assert search_titles(live_server, token, tenant) == ["cli one", "cli two"]


async def test_a_refused_import_exits_1_with_a_table_of_problems(
    live_server: str, token: str, tenant: TenantInfo, tmp_path: Path
) -> None:
    file = tmp_path / "bad.csv"
    file.write_bytes(csv_file(HEADER, [good_row("fine"), good_row(severity="Severe")]))

    done = incidents("import", str(file), "--url", live_server, token=token)

    assert done.returncode == 1
    assert done.stdout == ""
    assert "nothing was imported" in done.stderr
    assert "severity" in done.stderr
    assert "Severe" in done.stderr
    assert search_titles(live_server, token, tenant) == []


async def test_export_writes_the_chosen_columns_and_filter(
    live_server: str, token: str, tenant: TenantInfo, tmp_path: Path
) -> None:
    file = tmp_path / "in.csv"
    file.write_bytes(csv_file(HEADER, [good_row("keep", severity="High"), good_row("skip")]))
    incidents("import", str(file), "--url", live_server, token=token)
    search = {"condition": {"conditions": [{"name": "a", "data": ["severity", "=", "High"]}]}}

    as_csv = incidents(
        "export",
        "-o",
        str(tmp_path / "out.csv"),
        "--format",
        "csv",
        "--columns",
        "title,severity",
        "--filter",
        json.dumps(search),
        "--url",
        live_server,
        token=token,
    )
    as_xlsx = incidents(
        "export",
        "-o",
        str(tmp_path / "out.xlsx"),
        "--url",
        live_server,
        "--project",
        tenant.project_name,
        token=token,
    )

    assert as_csv.returncode == 0, as_csv.stderr
    assert json.loads(as_csv.stdout)["bytes"] > 0
    rows = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_text("utf-8-sig"))))
    assert rows == [["Title *", "Severity *"], ["keep", "High"]]
    assert as_xlsx.returncode == 0, as_xlsx.stderr
    sheet = load_workbook(tmp_path / "out.xlsx")["Incidents"]
    assert sheet.max_row == 3


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["export", "-o", "x.xlsx", "--filter", "{not json"], 2, "not JSON"),
        (["export", "-o", "x.xlsx", "--workspace", "nowhere"], 1, "no workspace 'nowhere'"),
        (["export", "-o", "x.xlsx", "--project", "someone-else"], 1, "no project"),
    ],
)
async def test_usage_and_refusals(
    live_server: str, token: str, args: list[str], code: int, message: str, tmp_path: Path
) -> None:
    done = incidents(*args, "--url", live_server, token=token)

    assert done.returncode == code
    assert message in done.stderr


def test_a_missing_token_is_a_usage_error(tmp_path: Path) -> None:
    done = incidents("export", "-o", str(tmp_path / "x.xlsx"))

    assert done.returncode == 2
    assert "SOCDESK_TOKEN" in done.stderr


def test_an_unreachable_server_exits_1(tmp_path: Path) -> None:
    done = incidents(
        "export",
        "-o",
        str(tmp_path / "x.xlsx"),
        "--url",
        "http://127.0.0.1:9",
        token="sdtok_whatever",
    )

    assert done.returncode == 1
    assert "cannot reach http://127.0.0.1:9" in done.stderr
