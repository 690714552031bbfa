"""The example pairs of examples/ (a workflow and the playbook that runs it), each imported and
enabled by `socdesk automation import --enable` against a live server, then fired by a write
that matches its playbook's rule and run to its outcome: an incident made of an alert, a call
to an allow-listed host (and a refusal when the host is not listed), a to-do answered before
the run goes on. The triage pair is tests/cli/test_automation_cli.py's.

The live server runs no runs itself here (`runner_in_process` off): the test drains them with a
runner of its own, whose HTTP allow-list it chooses."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from socdesk.automation.http_calls import HttpLimits
from socdesk.cli.main import app as cli
from socdesk.models import IncidentComment, IncidentTag, WorkflowRun
from socdesk.settings import Settings
from tests.automation.runs.helpers import runner
from tests.conftest import settings_for
from tests.factories import TenantInfo, login
from tests.objects.payloads import alert
from tests.secmaster.incidents.payloads import incident_object

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# The webhook example's URL, which the HTTP test points at its loopback server.
EXAMPLE_HOOK = "https://hooks.example.com/socdesk/incidents"


def pair(name: str) -> tuple[Path, Path]:
    return EXAMPLES / "workflows" / f"{name}.bpmn", EXAMPLES / "playbooks" / f"{name}.json"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url, runner_in_process=False)


@pytest.fixture
async def api(live_server: str, tenant: TenantInfo) -> Any:
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as anonymous:
        token = await login(anonymous, tenant.admin_email, tenant.project_name)
    soc = f"/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc"
    async with httpx.AsyncClient(
        base_url=f"{live_server}{soc}", headers={"X-Auth-Token": token}, timeout=60
    ) as client:
        yield client


def imported(live_server: str, client: httpx.AsyncClient, *files: Path) -> dict[str, Any]:
    """`socdesk automation import FILES --enable`, as a user runs it; what it printed."""
    token = client.headers["X-Auth-Token"]
    done = CliRunner().invoke(
        cli,
        ["automation", "import", *map(str, files), "--enable", "--url", live_server],
        env={"SOCDESK_TOKEN": token},
    )
    assert done.exit_code == 0, done.output
    printed: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert [item["enabled"] for kind in printed.values() for item in kind] == [True, True]
    return printed


async def ok(response: Any) -> Any:
    answer = await response
    assert answer.status_code == 200, answer.text
    return answer.json()


async def runs_of(sessions: async_sessionmaker[AsyncSession]) -> list[WorkflowRun]:
    async with sessions() as session:
        return list(await session.scalars(select(WorkflowRun).order_by(WorkflowRun.created_at)))


async def run_of(client: httpx.AsyncClient, run: WorkflowRun) -> dict[str, Any]:
    shown: dict[str, Any] = await ok(
        client.get(f"workflows/instances/{run.id}", params={"show_topology": "true"})
    )
    return shown


async def test_alert_to_incident_makes_an_incident_linked_to_a_severe_alert(
    live_server: str, api: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    imported(live_server, api, *pair("alert-to-incident"))

    severe = (await ok(api.post("alerts", json={"data_object": alert(severity="Fatal")})))["data"]
    mild = (await ok(api.post("alerts", json={"data_object": alert(severity="Low")})))["data"]

    assert [str(r.dataobject_id) for r in await runs_of(sessions)] == [severe["id"]]
    assert await runner(sessions).drain() == 1
    [run] = await runs_of(sessions)
    assert (await run_of(api, run))["status"] == "FINISHED", (await run_of(api, run))["error"]
    linked = await ok(api.post(f"alerts/{severe['id']}/incidents/search", json={"limit": 10}))
    [incident] = linked["data"]
    assert incident["data_object"]["title"] == "Severe alert: investigate"
    shown = (await ok(api.get(f"alerts/{severe['id']}")))["data"]["data_object"]
    assert (shown["incident_id"], shown["handle_status"]) == (incident["id"], "Closed")
    untouched = await ok(api.post(f"alerts/{mild['id']}/incidents/search", json={"limit": 10}))
    assert untouched["total"] == 0


@pytest.mark.parametrize("listed", [True, False], ids=["allow-listed", "not-listed"])
async def test_notify_webhook_calls_the_hook_only_when_its_host_is_allow_listed(
    live_server: str,
    api: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    port: int,
    tmp_path: Path,
    listed: bool,
) -> None:
    workflow, playbook = pair("notify-webhook")
    hook = f"http://127.0.0.1:{port}/socdesk/incidents"
    pointed = tmp_path / workflow.name
    assert EXAMPLE_HOOK in workflow.read_text()
    pointed.write_text(workflow.read_text().replace(EXAMPLE_HOOK, hook))
    imported(live_server, api, pointed, playbook)

    fatal = await ok(api.post("incidents", json={"data_object": incident_object(severity="Fatal")}))
    await ok(api.post("incidents", json={"data_object": incident_object(severity="High")}))
    incident_id = fatal["data"]["id"]
    hosts = ("127.0.0.1",) if listed else ()
    assert await runner(sessions, http=HttpLimits(allowed_hosts=hosts)).drain() == 1

    [run] = await runs_of(sessions)
    assert str(run.dataobject_id) == incident_id
    shown = await run_of(api, run)
    logs = {log["action_id"]: log for log in shown["topology"]["audit_logs"]}
    async with sessions() as session:
        tags = list(
            await session.scalars(
                select(IncidentTag.content).where(IncidentTag.incident_id == uuid.UUID(incident_id))
            )
        )
    if listed:
        assert shown["status"] == "FINISHED", shown
        answer = json.loads(logs["post"]["output"])
        received = json.loads(answer["body"])  # the loopback server echoes what it was sent
        assert (answer["status"], received["method"], received["path"]) == (
            201,
            "POST",
            "/socdesk/incidents",
        )
        assert json.loads(received["body"]) == {"text": "SOCdesk: a fatal incident was opened"}
        assert tags == ["notified"]
    else:
        assert shown["status"] == "FAILED"
        assert "127.0.0.1" in shown["error"]
        assert (list(logs), logs["post"]["status"]) == (["post"], "FAILED")
        assert tags == []


@pytest.mark.parametrize(
    ("answer", "status", "handle_status"),
    [("CONTINUE", "FINISHED", "Block"), ("TERMINATE", "TERMINATED", "Open")],
)
async def test_confirm_containment_waits_for_the_to_do_then_notes_and_blocks(
    live_server: str,
    api: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    answer: str,
    status: str,
    handle_status: str,
) -> None:
    imported(live_server, api, *pair("confirm-containment"))

    fatal = await ok(api.post("incidents", json={"data_object": incident_object(severity="Fatal")}))
    incident_id = fatal["data"]["id"]
    await runner(sessions).drain()

    [todo] = (await ok(api.get("tasks")))["data"]
    [run] = await runs_of(sessions)
    assert (todo["name"], todo["status"], todo["action_instance_id"]) == (
        "Confirm the host is isolated",
        "waiting",
        str(run.id),
    )
    assert (todo["due_date"] is not None, todo["related_object"]) == (True, incident_id)
    assert (await run_of(api, run))["status"] == "RUNNING"
    assert await runner(sessions).drain() == 0  # it waits for the answer

    await ok(api.put(f"tasks/{todo['id']}", json={"action": answer}))
    await runner(sessions).drain()

    assert (await run_of(api, run))["status"] == status
    shown = (await ok(api.get(f"incidents/{incident_id}")))["data"]["data_object"]
    async with sessions() as session:
        notes = list(
            await session.scalars(
                select(IncidentComment.content).where(
                    IncidentComment.incident_id == uuid.UUID(incident_id)
                )
            )
        )
    assert shown["handle_status"] == handle_status
    expected = ["Containment confirmed by an analyst."] if answer == "CONTINUE" else []
    assert notes == expected
