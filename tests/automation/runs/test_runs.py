"""Runs over HTTP with a runner in the test's process: on-demand runs of the triage example,
a 5-task workflow, step limit and timeout, terminate and retry, durable wait, user tasks,
tenants and viewers."""

from __future__ import annotations

import asyncio
import json
import uuid

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.automation.http_calls import HttpLimits
from socdesk.models import IncidentComment, IncidentEvent, IncidentTag, Role, WorkflowRun
from tests.automation.bpmn_files import TRIAGE
from tests.automation.runs.helpers import (
    chain,
    instance,
    runnable,
    runner,
    service_task,
    start,
    started,
)
from tests.factories import TenantInfo, login, make_member, make_tenant
from tests.secmaster.incidents.factories import seed_incidents
from tests.secmaster.workflows.helpers import workflows_path

FIVE = chain(
    "five",
    ("t1", service_task("t1", "add_tag", tag="one")),
    ("t2", service_task("t2", "add_tag", tag="two")),
    ("t3", service_task("t3", "set_severity", severity="Fatal")),
    ("t4", service_task("t4", "add_note", text="noted")),
    ("t5", service_task("t5", "remove_tag", tag="one")),
)
WAITING = chain(
    "waiting",
    # Long enough that a drain on a loaded machine ends before it is due.
    ("w", service_task("w", "wait", seconds="4")),
    ("t", service_task("t", "add_tag", tag="after-wait")),
)
USER = chain(
    "asking",
    ("ask", '<bpmn:userTask id="ask" name="Confirm containment"/>\n'),
    ("t", service_task("t", "add_tag", tag="confirmed")),
)


async def _tags(sessions: async_sessionmaker[AsyncSession], incident_id: str) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(
            select(IncidentTag).where(IncidentTag.incident_id == uuid.UUID(incident_id))
        )
        return sorted(r.content for r in rows)


async def test_the_triage_example_tags_and_notes_an_incident_as_the_run(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    workflow_id = await runnable(admin_client, tenant, TRIAGE, "Triage high severity")
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    run_id = await started(admin_client, tenant, workflow_id, incident_id)

    assert (await instance(admin_client, tenant, run_id))["status"] == "RUNNING"
    assert await runner(sessions).drain() == 1
    shown = await instance(admin_client, tenant, run_id)

    assert shown["status"] == "FINISHED", shown
    assert shown["trigger_type"] == "MANUAL"
    assert shown["dataobject_id"] == incident_id
    logs = shown["topology"]["audit_logs"]
    assert [(n["action_id"], n["status"]) for n in logs] == [
        ("tag", "FINISHED"),
        ("note", "FINISHED"),
    ]
    assert await _tags(sessions, incident_id) == ["triage"]
    async with sessions() as session:
        events = (
            await session.scalars(
                select(IncidentEvent).where(IncidentEvent.incident_id == uuid.UUID(incident_id))
            )
        ).all()
        comments = (
            await session.scalars(
                select(IncidentComment).where(IncidentComment.incident_id == uuid.UUID(incident_id))
            )
        ).all()
    assert f"workflow:{run_id}" in {e.actor_email for e in events}
    assert [c.content for c in comments] == ["High or fatal severity: queued for triage."]


# The action ids of FIVE's tasks, in the order they run.
FIVE_TASKS = ["t1", "t2", "t3", "t4", "t5"]


async def _five_task_run(
    client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> tuple[str, str]:
    """A run of FIVE started on an incident of its own: the incident's id and the run's."""
    workflow_id = await runnable(client, tenant, FIVE, "five")
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    return incident_id, await started(client, tenant, workflow_id, incident_id)


@pytest.mark.parametrize("tasks_per_commit", [1, 16])
async def test_a_five_task_workflow_finishes_each_task_once(
    admin_client: httpx.AsyncClient,
    tenant: TenantInfo,
    sessions: async_sessionmaker[AsyncSession],
    tasks_per_commit: int,
) -> None:
    incident_id, run_id = await _five_task_run(admin_client, tenant, sessions)
    await runner(sessions, tasks_per_commit=tasks_per_commit).drain()
    shown = await instance(admin_client, tenant, run_id)
    assert shown["status"] == "FINISHED", shown
    assert [n["action_id"] for n in shown["topology"]["audit_logs"]] == FIVE_TASKS
    detail = (
        await admin_client.get(
            f"/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc/incidents/{incident_id}"
        )
    ).json()["data"]["data_object"]
    assert detail["severity"] == "Fatal"


async def test_a_serving_runner_is_woken_by_the_commit_that_enqueues_a_run(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    workflow_id = await runnable(admin_client, tenant, FIVE, "five")
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    stop = asyncio.Event()
    # A poll far longer than the wait below: only the wake-up can start the run in time.
    serving = asyncio.create_task(runner(sessions).serve(stop, poll_seconds=120))
    try:
        await asyncio.sleep(0.5)  # its first look found nothing: it waits
        run_id = await started(admin_client, tenant, workflow_id, incident_id)
        status = ""
        for _ in range(300):
            status = (await instance(admin_client, tenant, run_id))["status"]
            if status != "RUNNING":
                break
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await serving
    assert status == "FINISHED"


async def test_a_task_failing_after_others_in_its_transaction_keeps_theirs_done_once(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    failing = chain(
        "failing",
        ("t1", service_task("t1", "add_note", text="once")),
        ("t2", service_task("t2", "add_tag", tag="x", target=str(uuid.uuid4()))),
        ("t3", service_task("t3", "add_tag", tag="never")),
    )
    workflow_id = await runnable(admin_client, tenant, failing, "failing")
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    run_id = await started(admin_client, tenant, workflow_id, incident_id)
    await runner(sessions).drain()
    failed = await instance(admin_client, tenant, run_id)
    retried = await admin_client.put(
        f"{workflows_path(tenant)}/instances/{run_id}",
        json={"command_type": "ActionInstanceRetryCommand"},
    )
    await runner(sessions).drain()
    again = await instance(admin_client, tenant, run_id)
    async with sessions() as session:
        notes = (
            await session.scalars(
                select(IncidentComment.content).where(
                    IncidentComment.incident_id == uuid.UUID(incident_id)
                )
            )
        ).all()

    assert (failed["status"], retried.status_code, again["status"]) == ("FAILED", 200, "FAILED")
    assert failed["error"].startswith("t2:")
    # t1 committed with the state after it: the retry starts at t2 and never redoes t1.
    assert [(n["action_id"], n["status"]) for n in again["topology"]["audit_logs"]] == [
        ("t1", "FINISHED"),
        ("t2", "FAILED"),
        ("t2", "FAILED"),
    ]
    assert list(notes) == ["once"]
    assert await _tags(sessions, incident_id) == []


async def test_the_step_limit_and_the_timeout_fail_a_run_with_the_reason(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    workflow_id = await runnable(admin_client, tenant, FIVE, "five")
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    limited = await started(admin_client, tenant, workflow_id, incident_id)
    await runner(sessions, max_steps=4).drain()
    late = await started(admin_client, tenant, workflow_id, incident_id)
    await asyncio.sleep(1.1)
    await runner(sessions, timeout_seconds=1).drain()

    first = await instance(admin_client, tenant, limited)
    second = await instance(admin_client, tenant, late)
    assert (first["status"], second["status"]) == ("FAILED", "FAILED")
    assert first["error"].startswith("step limit")
    assert second["error"].startswith("timeout")
    assert second["topology"]["audit_logs"] == []


@pytest.mark.parametrize("tasks_per_commit", [1, 16])
async def test_a_run_stopped_by_the_step_limit_is_retried_from_its_last_task_done(
    admin_client: httpx.AsyncClient,
    tenant: TenantInfo,
    sessions: async_sessionmaker[AsyncSession],
    tasks_per_commit: int,
) -> None:
    # The limit stops the engine after tasks done in the same transaction (their state not
    # serialized yet): the state stored must be the one after the last of them.
    incident_id, run_id = await _five_task_run(admin_client, tenant, sessions)
    await runner(sessions, max_steps=4, tasks_per_commit=tasks_per_commit).drain()
    limited = await instance(admin_client, tenant, run_id)
    path = f"{workflows_path(tenant)}/instances/{run_id}"
    retried = await admin_client.put(path, json={"command_type": "ActionInstanceRetryCommand"})
    assert retried.status_code == 200, retried.text
    await runner(sessions, tasks_per_commit=tasks_per_commit).drain()
    shown = await instance(admin_client, tenant, run_id)

    assert limited["status"] == "FAILED"
    assert limited["error"].startswith("step limit")
    done_before = [n["action_id"] for n in limited["topology"]["audit_logs"]]
    assert done_before == ["t1", "t2"]
    assert shown["status"] == "FINISHED", shown
    assert [n["action_id"] for n in shown["topology"]["audit_logs"]] == FIVE_TASKS
    async with sessions() as session:
        events = (
            await session.scalars(
                select(IncidentEvent).where(IncidentEvent.incident_id == uuid.UUID(incident_id))
            )
        ).all()
    assert len([e for e in events if e.actor_email == f"workflow:{run_id}"]) == 4


async def test_a_wait_sleeps_in_the_database_until_due(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    workflow_id = await runnable(admin_client, tenant, WAITING, "waiting")
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    run_id = await started(admin_client, tenant, workflow_id, incident_id)
    await runner(sessions).drain()
    parked = await instance(admin_client, tenant, run_id)
    # Another runner (a restart) finds nothing due before the time.
    assert await runner(sessions).drain() == 0
    await asyncio.sleep(4.1)
    assert await runner(sessions).drain() == 1
    done = await instance(admin_client, tenant, run_id)
    assert parked["status"] == "RUNNING"
    assert [n["action_id"] for n in parked["topology"]["audit_logs"]] == ["w"]
    assert done["status"] == "FINISHED", done


async def test_terminate_then_retry_runs_on_from_the_last_committed_task(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    workflow_id = await runnable(admin_client, tenant, WAITING, "waiting")
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    run_id = await started(admin_client, tenant, workflow_id, incident_id)
    await runner(sessions).drain()
    path = f"{workflows_path(tenant)}/instances/{run_id}"
    terminated = await admin_client.put(
        path, json={"command_type": "ActionInstanceTerminateCommand"}
    )
    again = await admin_client.put(path, json={"command_type": "ActionInstanceTerminateCommand"})
    assert terminated.status_code == 200, terminated.text
    assert again.status_code == 409
    assert (await instance(admin_client, tenant, run_id))["status"] == "TERMINATED"

    retried = await admin_client.put(path, json={"command_type": "ActionInstanceRetryCommand"})
    assert retried.status_code == 200, retried.text
    assert (await instance(admin_client, tenant, run_id))["status"] == "RETRYING"
    await runner(sessions).drain()
    shown = await instance(admin_client, tenant, run_id)
    assert shown["status"] == "FINISHED", shown
    assert shown["retry_count"] == 1
    # The wait was committed before the terminate: it is not run again.
    assert [n["action_id"] for n in shown["topology"]["audit_logs"]] == ["w", "t"]


@pytest.mark.parametrize(
    ("answer", "status"), [("CONTINUE", "FINISHED"), ("TERMINATE", "TERMINATED")]
)
async def test_a_user_task_opens_a_to_do_and_the_run_waits_for_the_answer(
    admin_client: httpx.AsyncClient,
    tenant: TenantInfo,
    sessions: async_sessionmaker[AsyncSession],
    answer: str,
    status: str,
) -> None:
    workflow_id = await runnable(admin_client, tenant, USER, "asking")
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    run_id = await started(admin_client, tenant, workflow_id, incident_id)
    await runner(sessions).drain()
    tasks = f"/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc/tasks"
    listed = (await admin_client.get(tasks)).json()
    (todo,) = listed["data"]
    assert (todo["name"], todo["status"], todo["action_instance_id"]) == (
        "Confirm containment",
        "waiting",
        run_id,
    )
    assert await runner(sessions).drain() == 0
    commented = await admin_client.put(
        f"{tasks}/{todo['id']}", json={"action": "ADD_COMMENT", "comment": "checking"}
    )
    answered = await admin_client.put(f"{tasks}/{todo['id']}", json={"action": answer})
    twice = await admin_client.put(f"{tasks}/{todo['id']}", json={"action": answer})
    assert commented.json()["data"]["comments"][0]["message"] == "checking"
    assert answered.status_code == 200, answered.text
    assert twice.status_code == 409
    await runner(sessions).drain()
    assert (await instance(admin_client, tenant, run_id))["status"] == status
    handled = (await admin_client.get(tasks, params={"query_type": "all_handled"})).json()
    assert [t["id"] for t in handled["data"]] == [todo["id"]]
    if answer == "TERMINATE":
        # A retried run asks its to-do again.
        retried = await admin_client.put(
            f"{workflows_path(tenant)}/instances/{run_id}",
            json={"command_type": "ActionInstanceRetryCommand"},
        )
        await runner(sessions).drain()
        reopened = (await admin_client.get(f"{tasks}/{todo['id']}")).json()["data"]
        assert retried.status_code == 200
        assert reopened["status"] == "waiting"
        assert (await instance(admin_client, tenant, run_id))["status"] == "RUNNING"


async def test_runs_are_listed_with_filters_and_unknown_ids_name_nothing(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    workflow_id = await runnable(admin_client, tenant, TRIAGE, "Triage high severity")
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    run_id = await started(admin_client, tenant, workflow_id, incident_id)
    await runner(sessions).drain()
    base = f"{workflows_path(tenant)}/instances"
    listed = (await admin_client.get(base)).json()
    finished = (await admin_client.get(base, params={"status": "FINISHED"})).json()
    failed = (await admin_client.get(base, params={"status": "FAILED"})).json()
    bad = await admin_client.get(base, params={"status": "DONE"})
    unknown = await admin_client.get(f"{base}/00000000-0000-0000-0000-000000000000")
    missing_object = await start(
        admin_client, tenant, workflow_id, "00000000-0000-0000-0000-000000000000"
    )
    assert (listed["count"], [i["id"] for i in listed["instances"]]) == (1, [run_id])
    assert (finished["count"], failed["count"]) == (1, 0)
    assert bad.status_code == 400
    assert unknown.status_code == 400
    assert missing_object.status_code == 400
    assert "playbook_context.data_object.content.id" in missing_object.text


async def test_another_workspace_sees_no_run_and_viewers_cannot_start_one(
    app: object,
    client: httpx.AsyncClient,
    admin_client: httpx.AsyncClient,
    tenant: TenantInfo,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    workflow_id = await runnable(admin_client, tenant, TRIAGE, "Triage high severity")
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    run_id = await started(admin_client, tenant, workflow_id, incident_id)
    other = await make_tenant(sessions)
    other_token = await login(client, other.admin_email, other.project_name)
    foreign = await client.get(
        f"{workflows_path(other)}/instances/{run_id}", headers={"X-Auth-Token": other_token}
    )
    foreign_list = await client.get(
        f"{workflows_path(other)}/instances", headers={"X-Auth-Token": other_token}
    )
    viewer = await make_member(sessions, tenant, Role.viewer)
    viewer_token = await login(client, viewer, tenant.project_name)
    refused = await client.post(
        f"{workflows_path(tenant)}/{workflow_id}/instances",
        json={"playbook_context": {"data_object": {"content": {"id": incident_id}}}},
        headers={"X-Auth-Token": viewer_token},
    )
    terminate = await client.put(
        f"{workflows_path(tenant)}/instances/{run_id}",
        json={"command_type": "ActionInstanceTerminateCommand"},
        headers={"X-Auth-Token": viewer_token},
    )
    foreign_terminate = await client.put(
        f"{workflows_path(other)}/instances/{run_id}",
        json={"command_type": "ActionInstanceTerminateCommand"},
        headers={"X-Auth-Token": other_token},
    )
    assert foreign.status_code == 400
    assert foreign_list.json()["count"] == 0
    assert refused.status_code == 403
    assert terminate.status_code == 403
    assert foreign_terminate.status_code == 400
    assert (await instance(admin_client, tenant, run_id))["status"] == "RUNNING"
    async with sessions() as session:
        assert len((await session.scalars(select(WorkflowRun))).all()) == 1


async def test_another_workspace_sees_no_to_do_and_viewers_cannot_answer_one(
    client: httpx.AsyncClient,
    admin_client: httpx.AsyncClient,
    tenant: TenantInfo,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    workflow_id = await runnable(admin_client, tenant, USER, "asking")
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    await started(admin_client, tenant, workflow_id, incident_id)
    await runner(sessions).drain()
    tasks = f"/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc/tasks"
    (todo,) = (await admin_client.get(tasks)).json()["data"]
    other = await make_tenant(sessions)
    other_token = await login(client, other.admin_email, other.project_name)
    other_tasks = f"/v1/{other.project_hex}/workspaces/{other.workspace_id}/soc/tasks"
    viewer_token = await login(
        client, await make_member(sessions, tenant, Role.viewer), tenant.project_name
    )

    foreign = await client.get(f"{other_tasks}/{todo['id']}", headers={"X-Auth-Token": other_token})
    foreign_answer = await client.put(
        f"{other_tasks}/{todo['id']}",
        json={"action": "CONTINUE"},
        headers={"X-Auth-Token": other_token},
    )
    foreign_list = await client.get(other_tasks, headers={"X-Auth-Token": other_token})
    viewer_read = await client.get(f"{tasks}/{todo['id']}", headers={"X-Auth-Token": viewer_token})
    viewer_answer = await client.put(
        f"{tasks}/{todo['id']}",
        json={"action": "CONTINUE"},
        headers={"X-Auth-Token": viewer_token},
    )
    unknown_action = await admin_client.put(f"{tasks}/{todo['id']}", json={"action": "APPROVE"})

    assert (foreign.status_code, foreign_answer.status_code) == (400, 400)
    assert foreign_list.json()["data"] == []
    assert viewer_read.status_code == 200
    assert viewer_answer.status_code == 403
    assert unknown_action.status_code == 400
    assert (await admin_client.get(f"{tasks}/{todo['id']}")).json()["data"]["status"] == "waiting"


@pytest.mark.parametrize(
    ("handle", "status", "todo_status"),
    [("CONTINUE", "FINISHED", "finished"), ("INTERRUPT", "FAILED", "canceled")],
)
async def test_a_to_do_past_its_due_date_is_handled_as_it_says(
    admin_client: httpx.AsyncClient,
    tenant: TenantInfo,
    sessions: async_sessionmaker[AsyncSession],
    handle: str,
    status: str,
    todo_status: str,
) -> None:
    due = USER.replace(
        '<bpmn:userTask id="ask" name="Confirm containment"/>',
        '<bpmn:userTask id="ask" name="Confirm containment" socdesk:due_seconds="1"'
        f' socdesk:due_handle="{handle}"/>',
    )
    workflow_id = await runnable(admin_client, tenant, due, "asking")
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    run_id = await started(admin_client, tenant, workflow_id, incident_id)
    await runner(sessions).drain()
    tasks = f"/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc/tasks"
    # Waiting, or already handled if that drain outlasted the due second (a loaded machine).
    (todo,) = [
        t
        for query_type in ("my_todo", "all_handled")
        for t in (await admin_client.get(tasks, params={"query_type": query_type})).json()["data"]
    ]
    await asyncio.sleep(1.1)
    await runner(sessions).drain()
    shown = await instance(admin_client, tenant, run_id)
    answered = (await admin_client.get(f"{tasks}/{todo['id']}")).json()["data"]
    assert (todo["due_handle"], todo["due_date"] is not None) == (handle, True)
    assert shown["status"] == status, shown
    assert answered["status"] == todo_status


async def test_http_calls_go_to_listed_hosts_only_and_a_debug_run_calls_none(
    admin_client: httpx.AsyncClient,
    tenant: TenantInfo,
    sessions: async_sessionmaker[AsyncSession],
    port: int,
) -> None:
    url = f"http://127.0.0.1:{port}/hook"
    calling = chain(
        "calling",
        ("call", service_task("call", "http_request", method="POST", url=url, body="hello")),
    )
    workflow_id = await runnable(admin_client, tenant, calling, "calling")
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    refused_id = await started(admin_client, tenant, workflow_id, incident_id)
    await runner(sessions).drain()  # no host listed: nothing is called
    called_id = await started(admin_client, tenant, workflow_id, incident_id)
    await runner(sessions, http=HttpLimits(allowed_hosts=("127.0.0.1",))).drain()
    refused = await instance(admin_client, tenant, refused_id)
    called = await instance(admin_client, tenant, called_id)
    debug = await admin_client.put(
        f"{workflows_path(tenant)}/instances/{refused_id}",
        json={
            "command_type": "ActionInstanceDebugCommand",
            "task_id": "call",
            "input_dataobject": "{}",
        },
    )

    assert refused["status"] == "FAILED"
    assert "127.0.0.1" in refused["error"]
    assert [(n["action_id"], n["status"]) for n in refused["topology"]["audit_logs"]] == [
        ("call", "FAILED")
    ]
    assert called["status"] == "FINISHED", called
    (log,) = called["topology"]["audit_logs"]
    assert log["status"] == "FINISHED"
    answer = json.loads(log["output"])
    assert (answer["status"], json.loads(answer["body"])["body"]) == (201, "hello")
    assert debug.status_code == 200, debug.text
    shown = await instance(admin_client, tenant, refused_id)
    debugged = [n for n in shown["topology"]["audit_logs"] if n["debug"]]
    assert [(n["action_id"], n["status"]) for n in debugged] == [("call", "FINISHED")]
    assert "not called" in debugged[0]["output"]
