"""The official SDK's playbook instance methods against a live server (list, show, change,
topology, audit logs, monitor): each response object carries its data."""

from __future__ import annotations

import httpx
from huaweicloudsdksecmaster.v1 import (
    AuditLogInfo,
    ChangePlaybookInstanceRequest,
    ChangePlaybookInstanceResponse,
    ListPlaybookAuditLogsRequest,
    ListPlaybookAuditLogsResponse,
    ListPlaybookInstancesRequest,
    ListPlaybookInstancesResponse,
    ListPlaybooksRequest,
    ListTasksRequest,
    ModifyTaskInfo,
    OperationPlaybookInfo,
    ShowPlaybookInstanceRequest,
    ShowPlaybookInstanceResponse,
    ShowPlaybookMonitorsRequest,
    ShowPlaybookMonitorsResponse,
    ShowPlaybookTopologyRequest,
    ShowPlaybookTopologyResponse,
    UpdateTaskRequest,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.settings import Settings
from tests.automation.runs.test_sdk_runs import ASKING, _settled
from tests.automation.test_triggers import enabled_pair
from tests.conftest import AdminSdk
from tests.factories import TenantInfo
from tests.sdk_models import raw_body, unanswered
from tests.secmaster.incidents.payloads import incident_object, incidents_path


async def test_the_sdk_lists_shows_terminates_retries_and_reads_an_instance(
    admin_sdk: AdminSdk,
    admin_client: httpx.AsyncClient,
    tenant: TenantInfo,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    client, where = admin_sdk.client, admin_sdk.where
    workflow_id = await enabled_pair(admin_client, tenant, workflow=(ASKING, "sdk asking"))
    made = await admin_client.post(
        incidents_path(tenant.project_hex, tenant.workspace_id),
        json={"data_object": incident_object()},
    )
    assert made.status_code == 200, made.text
    incident_id = made.json()["data"]["id"]

    def todo_open() -> bool:
        return bool(client.list_tasks(ListTasksRequest(**where, limit=10, offset=0)).data)

    await _settled(sessions, settings, todo_open)
    listed = client.list_playbook_instances(
        ListPlaybookInstancesRequest(
            **where, trigger_type="EVENT", dataclass_name="Incident", limit=10, offset=0
        )
    )
    (instance,) = listed.instances
    shown = client.show_playbook_instance(
        ShowPlaybookInstanceRequest(**where, instance_id=instance.id)
    )
    terminated = client.change_playbook_instance(
        ChangePlaybookInstanceRequest(
            **where, instance_id=instance.id, body=OperationPlaybookInfo(operation="TERMINATE")
        )
    )
    retried = client.change_playbook_instance(
        ChangePlaybookInstanceRequest(
            **where, instance_id=instance.id, body=OperationPlaybookInfo(operation="RETRY")
        )
    )
    await _settled(sessions, settings, todo_open)
    (todo,) = client.list_tasks(ListTasksRequest(**where, limit=10, offset=0)).data
    client.update_task(
        UpdateTaskRequest(**where, task_id=todo.id, body=ModifyTaskInfo(action="CONTINUE"))
    )

    def finished() -> bool:
        again = client.show_playbook_instance(
            ShowPlaybookInstanceRequest(**where, instance_id=instance.id)
        )
        return bool(again.status == "FINISHED")

    await _settled(sessions, settings, finished)
    topology = client.show_playbook_topology(
        ShowPlaybookTopologyRequest(**where, instance_id=instance.id)
    )
    logs = client.list_playbook_audit_logs(
        ListPlaybookAuditLogsRequest(
            **where,
            offset=0,
            limit=10,
            sort_key="start_time",
            sort_dir="ASC",
            body=AuditLogInfo(instance_id=instance.id),
        )
    )
    (playbook,) = client.list_playbooks(ListPlaybooksRequest(**where, limit=10)).data
    monitor = client.show_playbook_monitors(
        ShowPlaybookMonitorsRequest(**where, playbook_id=playbook.id, version_query_type="VALID")
    )

    opened = frozenset({"end_time"})
    answers = [
        (ListPlaybookInstancesResponse, listed),
        (ShowPlaybookInstanceResponse, shown),
        (ChangePlaybookInstanceResponse, terminated),
        (ShowPlaybookTopologyResponse, topology),
        (ListPlaybookAuditLogsResponse, logs),
        (ShowPlaybookMonitorsResponse, monitor),
    ]
    assert [unanswered(m, raw_body(a), open_keys=opened) for m, a in answers] == [[]] * 6
    assert (shown.status, shown.trigger_type, shown.dataobject.id) == (
        "RUNNING",
        "EVENT",
        incident_id,
    )
    assert (shown.playbook.id, shown.playbook.version) == (playbook.id, "v1")
    assert shown.project_id == tenant.project_hex
    assert (terminated.status, retried.status) == ("TERMINATED", "RETRYING")
    assert terminated.end_time
    runs = [e for e in topology.action_instances if e.instance_log.instance_type == "AOP_WORKFLOW"]
    assert [(e.action.action_id, e.instance_log.status) for e in runs] == [
        (workflow_id, "FINISHED")
    ]
    assert topology.count == len(topology.action_instances) > 1
    assert logs.count == len(logs.audit_logs) == topology.count - 1
    assert {g.action_id for g in logs.audit_logs} >= {"ask", "t"}
    assert all(g.instance_id == instance.id for g in logs.audit_logs)
    assert (monitor.data.total_instance_num, monitor.data.success_instance_num) == (1, 1)
    assert monitor.data.max_run_time_instance.playbook_instance_id == instance.id
