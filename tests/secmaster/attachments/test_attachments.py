"""Attachments: the SDK uploads, shows and downloads one and adds it to a to-do and takes it
off again; a file over SOCDESK_ATTACHMENT_MAX_BYTES is a 413 and stores nothing; the form is
checked field by field; viewers read only; another tenant's attachment names nothing."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest
from huaweicloudsdkcore.http.formdata import FormFile
from huaweicloudsdksecmaster.v1 import (
    DownloadAttachmentRequest,
    DownloadAttachmentResponse,
    ListTasksRequest,
    ModifyTaskInfo,
    ShowAttachmentRequest,
    ShowAttachmentResponse,
    ShowTaskRequest,
    UpdateTaskRequest,
    UploadAttachmentRequest,
    UploadAttachmentRequestBody,
    UploadAttachmentResponse,
)
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import Attachment, Role
from socdesk.settings import Settings
from tests.automation.runs.helpers import runnable, runner
from tests.automation.runs.test_sdk_runs import ASKING, _settled
from tests.conftest import AdminSdk, settings_for
from tests.factories import TenantInfo, login, make_member, make_tenant
from tests.sdk_models import raw_body, unanswered
from tests.secmaster.incidents.factories import seed_incidents

MAX_BYTES = 4096
NOWHERE = "7d1c43f5-0000-4000-8000-000000000000"
EVIDENCE = b"%PDF-1.7 the approval, signed\x00\xff" * 10


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url, attachment_max_bytes=MAX_BYTES)


def attachments_path(tenant: TenantInfo) -> str:
    return f"{tenant.workspaces_path}/{tenant.workspace_id}/soc/attachment"


@pytest.fixture
def path(tenant: TenantInfo) -> str:
    return attachments_path(tenant)


async def _upload(
    client: httpx.AsyncClient, path: str, content: bytes = EVIDENCE, kind: str = "user_task"
) -> httpx.Response:
    return await client.post(
        f"{path}/upload",
        data={"fileType": kind},
        files={"uploadFile": ("approval.pdf", content, "application/pdf")},
    )


async def _run_asking(client: httpx.AsyncClient, tenant: TenantInfo, incident_id: str) -> None:
    """A run of ASKING on the incident: its user task opens a to-do."""
    workflow_id = await runnable(client, tenant, ASKING, "sdk asking")
    started = await client.post(
        f"{tenant.workspaces_path}/{tenant.workspace_id}/soc/workflows/{workflow_id}/instances",
        json={
            "command_type": "ActionInstanceRunCommand",
            "action_type": "workflow",
            "action_id": workflow_id,
            "playbook_context": {"data_object": {"content": {"id": incident_id}}},
        },
    )
    assert started.status_code == 200, started.text


async def _stored(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Attachment)) or 0)


async def test_the_sdk_uploads_shows_downloads_and_a_to_do_takes_the_attachment(
    admin_sdk: AdminSdk,
    admin_client: httpx.AsyncClient,
    tenant: TenantInfo,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    tmp_path: Path,
) -> None:
    client, where = admin_sdk.client, admin_sdk.where
    file = tmp_path / "approval.pdf"
    file.write_bytes(EVIDENCE)
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    await _run_asking(admin_client, tenant, incident_id)

    uploaded = client.upload_attachment(
        UploadAttachmentRequest(
            **where,
            body=UploadAttachmentRequestBody(
                file_type="user_task", upload_file=FormFile(str(file))
            ),
        )
    )
    attach_id = uploaded.data.id
    shown = client.show_attachment(ShowAttachmentRequest(**where, attach_id=attach_id))
    downloaded = client.download_attachment(DownloadAttachmentRequest(**where, attach_id=attach_id))
    await _settled(
        sessions, settings, lambda: bool(client.list_tasks(ListTasksRequest(**where)).data)
    )
    todo_id = client.list_tasks(ListTasksRequest(**where)).data[0].id

    def modify(action: str) -> list[str]:
        body = ModifyTaskInfo(action=action, attachment_id=attach_id)
        client.update_task(UpdateTaskRequest(**where, task_id=todo_id, body=body))
        todo = client.show_task(ShowTaskRequest(**where, task_id=todo_id))
        return list(todo.data.attachment_id_list)

    added = modify("ADD_ATTACHMENT")
    # Again, by token: the SDK would sign the same request in the same second, a replay.
    tasks = f"{tenant.workspaces_path}/{tenant.workspace_id}/soc/tasks/{todo_id}"
    again = await admin_client.put(
        tasks, json={"action": "ADD_ATTACHMENT", "attachment_id": attach_id}
    )
    added_twice = again.json()["data"]["attachment_id_list"]
    taken_off = modify("DELETE_ATTACHMENT")

    assert unanswered(UploadAttachmentResponse, raw_body(uploaded)) == []
    assert unanswered(ShowAttachmentResponse, raw_body(shown)) == []
    assert unanswered(DownloadAttachmentResponse, raw_body(downloaded)) == []
    assert uploaded.data.file_name == "approval.pdf"
    assert (shown.data.file_name, shown.data.creator_name) == ("approval.pdf", tenant.admin_email)
    assert base64.b64decode(downloaded.data) == EVIDENCE
    assert (added, added_twice, taken_off) == ([attach_id], [attach_id], [])


async def test_the_form_is_checked_field_by_field_and_an_oversize_file_stores_nothing(
    admin_client: httpx.AsyncClient, path: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    answers = {
        "file type": await _upload(admin_client, path, kind="evidence"),
        "no file": await admin_client.post(f"{path}/upload", data={"fileType": "user_task"}),
        "JSON": await admin_client.post(f"{path}/upload", json={"uploadFile": "a.pdf"}),
        "too large": await _upload(admin_client, path, b"x" * (MAX_BYTES + 1)),
    }
    largest = await _upload(admin_client, path, b"x" * MAX_BYTES)

    assert {k: a.status_code for k, a in answers.items()} == {
        "file type": 400,
        "no file": 400,
        "JSON": 400,
        "too large": 413,
    }
    assert "fileType" in answers["file type"].text
    assert "uploadFile" in answers["no file"].text
    assert "SOCDESK_ATTACHMENT_MAX_BYTES" in answers["too large"].text
    assert largest.status_code == 200, largest.text
    assert await _stored(sessions) == 1


async def test_a_to_do_refuses_an_attachment_the_workspace_has_not(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    (incident_id,) = await seed_incidents(sessions, tenant, 1)
    await _run_asking(admin_client, tenant, incident_id)
    workspace = f"{tenant.workspaces_path}/{tenant.workspace_id}/soc"
    await runner(sessions).drain()  # the in-process client serves no runner of its own
    todo = (await admin_client.get(f"{workspace}/tasks")).json()["data"][0]["id"]

    answers = [
        await admin_client.put(f"{workspace}/tasks/{todo}", json={"action": "ADD_ATTACHMENT"}),
        await admin_client.put(
            f"{workspace}/tasks/{todo}",
            json={"action": "ADD_ATTACHMENT", "attachment_id": NOWHERE},
        ),
        await admin_client.put(
            f"{workspace}/tasks/{todo}",
            json={"action": "DELETE_ATTACHMENT", "attachment_id": NOWHERE},
        ),
    ]

    assert [a.status_code for a in answers] == [400, 400, 400]
    assert all("attachment_id" in a.text for a in answers)
    shown = (await admin_client.get(f"{workspace}/tasks/{todo}")).json()["data"]
    assert shown["attachment_id_list"] == []


async def test_viewers_download_but_cannot_upload(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    made = (await _upload(admin_client, path)).json()["data"]
    viewer = await login(
        client, await make_member(sessions, tenant, Role.viewer), tenant.project_name
    )
    client.headers["X-Auth-Token"] = viewer

    shown = await client.get(f"{path}/{made['id']}")
    downloaded = await client.get(f"{path}/{made['id']}/download")
    refused = await _upload(client, path)

    assert (shown.status_code, downloaded.status_code, refused.status_code) == (200, 200, 403)
    assert await _stored(sessions) == 1


async def test_another_tenants_attachment_names_nothing(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    path: str,
) -> None:
    made = (await _upload(admin_client, path)).json()["data"]
    other = await make_tenant(sessions)
    client.headers["X-Auth-Token"] = await login(client, other.admin_email, other.project_name)
    theirs = attachments_path(other)

    answers = [
        await client.get(f"{theirs}/{made['id']}"),
        await client.get(f"{theirs}/{made['id']}/download"),
    ]

    assert [a.status_code for a in answers] == [400, 400]
    assert all("attach_id" in a.text for a in answers)
    assert EVIDENCE.decode("latin-1") not in "".join(a.text for a in answers)
