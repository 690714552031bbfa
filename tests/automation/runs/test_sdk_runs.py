"""The official SDK's instance and to-do methods against a live server: each response object
carries its data."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdksecmaster.v1 import (
    AopInstanceEventData,
    AopInstanceUpdateDataPojo,
    CreateWorkflowInstanceRequest,
    CreateWorkflowInstanceResponse,
    DataObjectRefInfo,
    ListAopWorkflowInstanceRequest,
    ListAopWorkflowInstanceResponse,
    ListTasksRequest,
    ListTasksResponse,
    ModifyTaskInfo,
    PlaybookcontextRef,
    ShowAopWorkflowInstanceRequest,
    ShowAopWorkflowInstanceResponse,
    ShowTaskRequest,
    ShowTaskResponse,
    UpdateTaskRequest,
    UpdateTaskResponse,
    UpdateWorkflowInstanceRequest,
    UpdateWorkflowInstanceResponse,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.settings import Settings
from tests.automation.runs.helpers import chain, runnable, runner, service_task
from tests.conftest import AdminSdk
from tests.factories import TenantInfo
from tests.objects.payloads import alert
from tests.sdk_models import raw_body, unanswered
from tests.secmaster.incidents.factories import seed_incidents

ASKING = chain(
    "sdk asking",
    ("ask", '<bpmn:userTask id="ask" name="Approve the block"/>\n'),
    ("t", service_task("t", "add_tag", tag="approved")),
)


async def _settled(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, check: object
) -> None:
    """Until `check()` holds: the live server runs runs itself on SQLite, this test on PG."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if not settings.database_url.startswith("sqlite"):
            await runner(sessions).drain()
        if await asyncio.to_thread(check):  # type: ignore[arg-type]
            return
        await asyncio.sleep(0.1)
    raise AssertionError("timed out")


def _run(
    where: dict[str, str], workflow_id: str, object_id: str, **more: str
) -> CreateWorkflowInstanceRequest:
    """The SDK's request running the workflow on the object (ActionInstanceRunCommand)."""
    return CreateWorkflowInstanceRequest(
        **where,
        workflow_id=workflow_id,
        body=AopInstanceEventData(
            command_type="ActionInstanceRunCommand",
            playbook_context=PlaybookcontextRef(
                data_object=DataObjectRefInfo(content={"id": object_id})
            ),
            **more,
        ),
    )


def _command(
    where: dict[str, str], instance_id: str, command: str, **more: str
) -> UpdateWorkflowInstanceRequest:
    """The SDK's request to terminate, retry or debug the instance."""
    return UpdateWorkflowInstanceRequest(
        **where,
        instance_id=instance_id,
        body=AopInstanceUpdateDataPojo(command_type=command, **more),
    )


async def test_the_sdk_runs_a_workflow_and_answers_its_to_do(
    admin_sdk: AdminSdk,
    admin_client: httpx.AsyncClient,
    tenant: TenantInfo,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    client, where = admin_sdk.client, admin_sdk.where
    workflow_id = await runnable(admin_client, tenant, ASKING, "sdk asking")
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    created = client.create_workflow_instance(
        _run(where, workflow_id, incident_id, action_type="workflow", action_id=workflow_id)
    )
    run_id = created.action_instance_id

    def todo_open() -> bool:
        listed = client.list_tasks(ListTasksRequest(**where, limit=10, offset=0))
        return bool(listed.data)

    await _settled(sessions, settings, todo_open)
    tasks = client.list_tasks(ListTasksRequest(**where, limit=10, offset=0))
    todo_id = tasks.data[0].id
    shown_task = client.show_task(ShowTaskRequest(**where, task_id=todo_id))
    answered = client.update_task(
        UpdateTaskRequest(**where, task_id=todo_id, body=ModifyTaskInfo(action="CONTINUE"))
    )

    def finished() -> bool:
        shown = client.show_aop_workflow_instance(
            ShowAopWorkflowInstanceRequest(**where, instance_id=run_id)
        )
        return bool(shown.status == "FINISHED")

    await _settled(sessions, settings, finished)
    listed = client.list_aop_workflow_instance(
        ListAopWorkflowInstanceRequest(**where, workflow_id=workflow_id, limit=10, offset=0)
    )
    shown = client.show_aop_workflow_instance(
        ShowAopWorkflowInstanceRequest(**where, instance_id=run_id, show_topology=True)
    )
    # A second run, terminated while it waits for its to-do.
    second = client.create_workflow_instance(_run(where, workflow_id, incident_id))
    terminated = client.update_workflow_instance(
        _command(where, second.action_instance_id, "ActionInstanceTerminateCommand")
    )

    opened = frozenset({"playbook", "playbook_context", "data_object", "end_time"})
    answers = [
        (CreateWorkflowInstanceResponse, created),
        (ShowTaskResponse, shown_task),
        (UpdateTaskResponse, answered),
        (ShowAopWorkflowInstanceResponse, shown),
    ]
    assert [unanswered(m, raw_body(a), open_keys=opened) for m, a in answers] == [[]] * 4
    assert unanswered(ListTasksResponse, raw_body(tasks), open_keys=opened) == []
    listed_keys = opened | {"topology"}
    assert (
        unanswered(ListAopWorkflowInstanceResponse, raw_body(listed), open_keys=listed_keys) == []
    )
    assert created.action_id == workflow_id
    assert (shown_task.data.name, shown_task.data.status) == ("Approve the block", "waiting")
    assert answered.data.status == "finished"
    assert listed.count == 1
    assert [i.id for i in listed.instances] == [run_id]
    assert (shown.status, shown.trigger_type, shown.dataobject_id) == (
        "FINISHED",
        "MANUAL",
        incident_id,
    )
    assert [n.action_id for n in shown.topology.audit_logs] == ["ask", "t"]
    assert unanswered(UpdateWorkflowInstanceResponse, raw_body(terminated)) == []
    assert terminated.success is True


async def test_the_sdk_retries_a_failed_run_which_then_finishes(
    admin_sdk: AdminSdk,
    admin_client: httpx.AsyncClient,
    tenant: TenantInfo,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    client, where = admin_sdk.client, admin_sdk.where
    soc = f"/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc"
    made = await admin_client.post(f"{soc}/alerts", json={"data_object": alert()})
    assert made.status_code == 200, made.text
    alert_id = made.json()["data"]["id"]
    # The alert is closed, so ordering it fails the run until it is open again.
    closed = await admin_client.put(
        f"{soc}/alerts/{alert_id}", json={"data_object": {"handle_status": "Closed"}}
    )
    assert closed.status_code == 200, closed.text
    ordering = chain(
        "sdk ordering",
        ("tag", service_task("tag", "add_tag", tag="ordering")),
        ("order", service_task("order", "batch_order", alert_ids=f'["{alert_id}"]')),
    )
    workflow_id = await runnable(admin_client, tenant, ordering, "sdk ordering")
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    run_id = client.create_workflow_instance(
        _run(where, workflow_id, incident_id)
    ).action_instance_id

    def shown() -> ShowAopWorkflowInstanceResponse:
        answer: ShowAopWorkflowInstanceResponse = client.show_aop_workflow_instance(
            ShowAopWorkflowInstanceRequest(**where, instance_id=run_id, show_topology=True)
        )
        return answer

    await _settled(sessions, settings, lambda: shown().status == "FAILED")
    failed = shown()
    reopened = await admin_client.put(
        f"{soc}/alerts/{alert_id}", json={"data_object": {"handle_status": "Open"}}
    )
    assert reopened.status_code == 200, reopened.text

    retried = client.update_workflow_instance(_command(where, run_id, "ActionInstanceRetryCommand"))
    await _settled(sessions, settings, lambda: shown().status == "FINISHED")
    finished = shown()
    # A finished run is not retried again: the SDK raises SecMaster's 409. The same signed
    # write within the same second would be refused as a replay (docs/authentication.md).
    await asyncio.sleep(1.1)
    with pytest.raises(ClientRequestException) as again:
        client.update_workflow_instance(_command(where, run_id, "ActionInstanceRetryCommand"))

    assert [(n.action_id, n.status) for n in failed.topology.audit_logs] == [
        ("tag", "FINISHED"),
        ("order", "FAILED"),
    ]
    assert (failed.retry_count, finished.retry_count) == (0, 1)
    assert unanswered(UpdateWorkflowInstanceResponse, raw_body(retried)) == []
    assert retried.success is True
    # Retried from the failed task: the tag task did not run again, the order was made.
    logged = [(n.action_id, n.status) for n in finished.topology.audit_logs]
    assert (logged.count(("tag", "FINISHED")), logged[-1]) == (1, ("order", "FINISHED"))
    ordered = await admin_client.get(f"{soc}/alerts/{alert_id}")
    assert ordered.json()["data"]["data_object"]["incident_id"]
    assert again.value.status_code == 409, again.value.error_msg

    # The debug of one node with parameters of its own: recorded, marked debug, undone.
    debugged = client.update_workflow_instance(
        _command(
            where,
            run_id,
            "ActionInstanceDebugCommand",
            task_id="tag",
            input_dataobject='{"tag": "sdk-debug"}',
        )
    )
    assert debugged.success is True
    logs = shown().topology.audit_logs
    assert [(n.action_id, n.status) for n in logs if n.input == '{"tag": "sdk-debug"}'] == [
        ("tag", "FINISHED")
    ]
    incident = await admin_client.get(f"{soc}/incidents/{incident_id}")
    assert "sdk-debug" not in str(incident.json()["data"]["data_object"].get("labels"))
