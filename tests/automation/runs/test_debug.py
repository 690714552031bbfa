"""ActionInstanceDebugCommand (automation/runs/debug.py): the node `task_id` debugged with the
parameters `input_dataobject`, the run's workflow run up to and through it against the run's
object in a rolled-back savepoint: nothing changes, and the task log is kept marked debug."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import Incident, IncidentComment, IncidentEvent, IncidentTag, WorkflowRun
from tests.automation.runs.helpers import chain, instance, runnable, runner, service_task, started
from tests.automation.runs.test_runs import FIVE
from tests.factories import TenantInfo
from tests.secmaster.incidents.factories import seed_incidents
from tests.secmaster.workflows.helpers import workflows_path

DEBUG = "ActionInstanceDebugCommand"


async def _state(sessions: async_sessionmaker[AsyncSession], incident_id: str, run_id: str) -> Any:
    """Everything a run of FIVE could change: the incident, its tags, notes and events, and the
    run itself."""
    key = uuid.UUID(incident_id)
    async with sessions() as session:
        incident = await session.get(Incident, key)
        assert incident is not None
        run = await session.get(WorkflowRun, uuid.UUID(run_id))
        assert run is not None
        tags = sorted(
            await session.scalars(select(IncidentTag.content).where(IncidentTag.incident_id == key))
        )
        notes = sorted(
            await session.scalars(
                select(IncidentComment.content).where(IncidentComment.incident_id == key)
            )
        )
        events = await session.scalar(
            select(func.count()).select_from(IncidentEvent).where(IncidentEvent.incident_id == key)
        )
        return (
            (incident.severity, incident.version, incident.update_time),
            tags,
            notes,
            events,
            (run.status, run.steps, run.state, run.retry_count, run.ended_at),
        )


async def _finished_five(
    client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> tuple[str, str]:
    workflow_id = await runnable(client, tenant, FIVE, "five")
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    run_id = await started(client, tenant, workflow_id, incident_id)
    assert await runner(sessions).drain() == 1
    return incident_id, run_id


async def test_a_debug_run_changes_nothing_and_keeps_its_task_log(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    incident_id, run_id = await _finished_five(admin_client, tenant, sessions)
    before = await _state(sessions, incident_id, run_id)

    answer = await admin_client.put(
        f"{workflows_path(tenant)}/instances/{run_id}",
        json={"command_type": DEBUG, "task_id": "t5", "input_dataobject": "{}"},
    )

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["code"], body["success"]) == ("00000000", True)
    assert await _state(sessions, incident_id, run_id) == before
    assert before[1:3] == (["two"], ["noted"])  # the real run's effects, once
    logs = (await instance(admin_client, tenant, run_id))["topology"]["audit_logs"]
    assert [(n["action_id"], n["status"], n["debug"]) for n in logs] == [
        *((f"t{i}", "FINISHED", False) for i in range(1, 6)),
        *((f"t{i}", "FINISHED", True) for i in range(1, 6)),
    ]
    assert await runner(sessions).drain() == 0  # no run was queued


async def test_the_node_takes_the_parameters_given_and_the_debug_run_stops_after_it(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    incident_id, run_id = await _finished_five(admin_client, tenant, sessions)
    before = await _state(sessions, incident_id, run_id)

    answer = await admin_client.put(
        f"{workflows_path(tenant)}/instances/{run_id}",
        json={"command_type": DEBUG, "task_id": "t2", "input_dataobject": '{"tag": "debugged"}'},
    )

    assert answer.status_code == 200, answer.text
    assert await _state(sessions, incident_id, run_id) == before
    logs = (await instance(admin_client, tenant, run_id))["topology"]["audit_logs"]
    debugged = [n for n in logs if n["debug"]]
    assert [n["action_id"] for n in debugged] == ["t1", "t2"]
    assert [json.loads(n["input"]) for n in debugged] == [{"tag": "one"}, {"tag": "debugged"}]


async def test_a_failing_task_is_logged_and_http_is_never_called(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    flow = chain(
        "failing",
        ("call", service_task("call", "webhook", url="http://127.0.0.1:9/never")),
        ("bad", service_task("bad", "set_status", status="Closed")),
    )
    workflow_id = await runnable(admin_client, tenant, flow, "failing")
    run_id = await started(admin_client, tenant, workflow_id, None)  # no object to act on

    answer = await admin_client.put(
        f"{workflows_path(tenant)}/instances/{run_id}",
        json={"command_type": DEBUG, "task_id": "bad", "input_dataobject": "{}"},
    )

    assert answer.status_code == 200, answer.text
    logs = (await instance(admin_client, tenant, run_id))["topology"]["audit_logs"]
    assert [(n["action_id"], n["status"], n["debug"]) for n in logs] == [
        ("call", "FINISHED", True),
        ("bad", "FAILED", True),
    ]
    assert "not called" in logs[0]["output"]
    assert "no data object" in logs[1]["error_msg"]


async def test_bad_debug_arguments_are_400s_and_record_nothing(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    incident_id, run_id = await _finished_five(admin_client, tenant, sessions)
    before = await _state(sessions, incident_id, run_id)
    path = f"{workflows_path(tenant)}/instances/{run_id}"

    async def debug(**body: str) -> httpx.Response:
        return await admin_client.put(path, json={"command_type": DEBUG, **body})

    refused = {
        "no task_id": await debug(input_dataobject="{}"),
        "no input_dataobject": await debug(task_id="t3"),
        "an unknown node": await debug(task_id="t9", input_dataobject="{}"),
        "no object": await debug(task_id="t3", input_dataobject="[1, 2]"),
        "an unknown parameter": await debug(task_id="t3", input_dataobject='{"colour": "red"}'),
        "a value of no choice": await debug(task_id="t3", input_dataobject='{"severity": "Big"}'),
    }
    named = {
        "no task_id": "task_id",
        "no input_dataobject": "input_dataobject",
        "an unknown node": "task_id",
        "no object": "input_dataobject",
        "an unknown parameter": "colour",
        "a value of no choice": "severity",
    }

    for why, answer in refused.items():
        assert answer.status_code == 400, (why, answer.text)
        assert named[why] in answer.json()["message"], (why, answer.text)
    assert await _state(sessions, incident_id, run_id) == before
    logs = (await instance(admin_client, tenant, run_id))["topology"]["audit_logs"]
    assert not [n for n in logs if n["debug"]]
