"""`socdesk automation import FILE... [--enable]`, run as a user runs it, against a live server:
workflows before playbooks, the SDK's steps to enable them, and refusals that write nothing."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import IncidentComment, IncidentTag
from tests.automation.runs.helpers import runner
from tests.factories import TenantInfo, login
from tests.secmaster.incidents.payloads import incident_object

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WORKFLOW_FILE = EXAMPLES / "workflows" / "triage-high-severity.bpmn"
PLAYBOOK_FILE = EXAMPLES / "playbooks" / "triage-high-severity.json"
TRIAGE = "Triage high severity"


def automation(*args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `socdesk automation ARGS` in a clean environment (the token in SOCDESK_TOKEN)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCDESK_")}
    if token:
        env["SOCDESK_TOKEN"] = token
    return subprocess.run(
        [sys.executable, "-m", "socdesk", "automation", *args],
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


def soc(server: str, tenant: TenantInfo) -> str:
    return f"{server}/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc"


def get(url: str, token: str, **params: Any) -> Any:
    answer = httpx.get(url, params=params, headers={"X-Auth-Token": token})
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def listed(server: str, token: str, tenant: TenantInfo, kind: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = get(f"{soc(server, tenant)}/{kind}", token, limit=100)
    return items


def versions(server: str, token: str, tenant: TenantInfo, kind: str, item_id: str) -> list[Any]:
    found: list[Any] = get(f"{soc(server, tenant)}/{kind}/{item_id}/versions", token, limit=100)
    return found


async def triaged(
    sessions: async_sessionmaker[AsyncSession], incident_id: str
) -> tuple[list[str], list[str]]:
    """The incident's tags and notes once its runs are done (the live server's own runner, on
    SQLite, may take them first: either finishes them)."""
    key = uuid.UUID(incident_id)
    for _ in range(100):
        await runner(sessions).drain()
        async with sessions() as session:
            tags = sorted(
                await session.scalars(
                    select(IncidentTag.content).where(IncidentTag.incident_id == key)
                )
            )
            notes = sorted(
                await session.scalars(
                    select(IncidentComment.content).where(IncidentComment.incident_id == key)
                )
            )
        if tags and notes:
            break
        await asyncio.sleep(0.1)
    return tags, notes


async def test_enable_imports_workflows_first_and_a_high_incident_is_then_triaged(
    live_server: str, token: str, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # The playbook first on the command line: its version is only submitted once the
    # workflow it runs is enabled.
    done = automation(
        "import",
        str(PLAYBOOK_FILE),
        str(WORKFLOW_FILE),
        "--enable",
        "--url",
        live_server,
        token=token,
    )

    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    [workflow] = listed(live_server, token, tenant, "workflows")
    [playbook] = listed(live_server, token, tenant, "playbooks")
    [workflow_version] = versions(live_server, token, tenant, "workflows", workflow["id"])
    [playbook_version] = versions(live_server, token, tenant, "playbooks", playbook["id"])
    assert printed == {
        "workflows": [
            {
                "name": TRIAGE,
                "id": workflow["id"],
                "version_ids": [workflow_version["id"]],
                "enabled": True,
            }
        ],
        "playbooks": [
            {
                "name": TRIAGE,
                "id": playbook["id"],
                "version_ids": [playbook_version["id"]],
                "enabled": True,
            }
        ],
    }
    assert (workflow["enabled"], workflow["version_id"]) == (True, workflow_version["id"])
    assert workflow_version["status"] == "activated"
    assert (playbook["enabled"], playbook["version_id"]) == (True, playbook_version["id"])
    assert playbook_version["status"] == "PUBLISHED"

    created = httpx.post(
        f"{soc(live_server, tenant)}/incidents",
        json={"data_object": incident_object(severity="High")},
        headers={"X-Auth-Token": token},
    )
    assert created.status_code == 200, created.text
    tags, notes = await triaged(sessions, created.json()["data"]["id"])
    assert tags == ["triage"]
    assert notes == ["High or fatal severity: queued for triage."]


def test_without_enable_the_versions_stay_drafts(
    live_server: str, token: str, tenant: TenantInfo
) -> None:
    done = automation("import", str(WORKFLOW_FILE), "--url", live_server, token=token)

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["workflows"][0]["enabled"] is False
    [workflow] = listed(live_server, token, tenant, "workflows")
    [version] = versions(live_server, token, tenant, "workflows", workflow["id"])
    assert (workflow["enabled"], version["status"]) == (False, "pending_submit")


def test_a_second_import_enables_only_the_version_it_added(
    live_server: str, token: str, tenant: TenantInfo
) -> None:
    first = automation("import", str(WORKFLOW_FILE), "--url", live_server, token=token)
    assert first.returncode == 0, first.stderr

    again = automation("import", str(WORKFLOW_FILE), "--enable", "--url", live_server, token=token)

    assert again.returncode == 0, again.stderr
    [workflow] = listed(live_server, token, tenant, "workflows")
    old, new = versions(live_server, token, tenant, "workflows", workflow["id"])
    assert json.loads(again.stdout)["workflows"][0]["version_ids"] == [new["id"]]
    assert (old["status"], new["status"]) == ("pending_submit", "activated")
    assert workflow["version_id"] == new["id"]


def test_a_playbook_whose_workflow_is_missing_is_refused_with_the_servers_message(
    live_server: str, token: str, tenant: TenantInfo
) -> None:
    done = automation("import", str(PLAYBOOK_FILE), "--url", live_server, token=token)

    assert (done.returncode, done.stdout) == (1, "")
    assert "error: " in done.stderr
    assert TRIAGE in done.stderr
    assert listed(live_server, token, tenant, "playbooks") == []


def test_a_broken_file_among_several_writes_nothing(
    live_server: str, token: str, tenant: TenantInfo, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.bpmn"
    broken.write_text("<bpmn:definitions")

    done = automation("import", str(WORKFLOW_FILE), str(broken), "--url", live_server, token=token)

    assert (done.returncode, done.stdout) == (1, "")
    assert f"error: {broken}: " in done.stderr
    assert listed(live_server, token, tenant, "workflows") == []


def test_a_file_of_neither_kind_is_a_usage_error(
    live_server: str, token: str, tenant: TenantInfo, tmp_path: Path
) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"name": "not an export"}')

    done = automation("import", str(WORKFLOW_FILE), str(other), "--url", live_server, token=token)

    assert (done.returncode, done.stdout) == (2, "")
    assert "neither a BPMN file nor a workflow or playbook export" in done.stderr
    assert listed(live_server, token, tenant, "workflows") == []


def test_no_token_is_a_usage_error() -> None:
    done = automation("import", str(WORKFLOW_FILE))

    assert done.returncode == 2
    assert "SOCDESK_TOKEN" in done.stderr
