"""Workflows and versions over HTTP: create, list, show, update, delete; the version statuses
and their rules; approval; validation; viewers read only; another workspace's ids name
nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import Role
from tests.automation.bpmn_files import TRIAGE, as_secmaster, triage
from tests.factories import TenantInfo, login, make_member, make_tenant
from tests.secmaster.workflows.helpers import versions, workflows, workflows_path


@pytest.fixture
def path(tenant: TenantInfo) -> str:
    return workflows_path(tenant)


async def _created(client: httpx.AsyncClient, path: str, **changes: Any) -> dict[str, Any]:
    body = {"name": "Triage", "dataclass_id": "Incident", "aop_type": "SURVEY", **changes}
    answer = await client.post(path, json=body)
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()["data"]
    return data


async def _version(
    client: httpx.AsyncClient, path: str, workflow_id: str, taskflow: str = TRIAGE
) -> dict[str, Any]:
    answer = await client.post(
        f"{path}/{workflow_id}/versions", json={"name": "v", "taskflow": taskflow}
    )
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()["data"]
    return data


async def _move(
    client: httpx.AsyncClient, path: str, version_id: str, status: str
) -> httpx.Response:
    return await client.put(f"{path}/versions/{version_id}", json={"status": status})


async def _approve(
    client: httpx.AsyncClient, path: str, version_id: str, result: str = "PASS"
) -> httpx.Response:
    return await client.post(
        f"{path}/versions/{version_id}/approval", json={"result": result, "content": "ok"}
    )


async def _activated(client: httpx.AsyncClient, path: str, workflow_id: str) -> dict[str, Any]:
    version = await _version(client, path, workflow_id)
    assert (await _move(client, path, version["id"], "pending_approval")).status_code == 200
    assert (await _approve(client, path, version["id"])).status_code == 200
    return version


async def test_a_workflow_is_created_bound_to_a_class_and_listed_with_filters(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    created = await _created(admin_client, path, labels="soc,triage", description="first")
    await _created(admin_client, path, name="Alerts", dataclass_id="Alert", aop_type="NORMAL")

    shown = (await admin_client.get(f"{path}/{created['id']}")).json()["data"]
    by_class = await admin_client.get(path, params={"dataclass_name": "alert"})
    by_type = await admin_client.get(path, params={"aop_type": "SURVEY"})
    by_name = await admin_client.get(path, params={"sortby": "name", "order": "ASC"})

    assert shown == created
    assert (created["dataclass_name"], created["engine_type"], created["enabled"]) == (
        "Incident",
        "public_engine",
        False,
    )
    assert [w["name"] for w in by_class.json()["data"]] == ["Alerts"]
    assert [w["name"] for w in by_type.json()["data"]] == ["Triage"]
    assert [w["name"] for w in by_name.json()["data"]] == ["Alerts", "Triage"]
    assert by_name.json()["total"] == 2


async def test_names_are_unique_and_data_classes_must_exist(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    await _created(admin_client, path)

    again = await admin_client.post(path, json={"name": "Triage", "dataclass_id": "Incident"})
    unknown = await admin_client.post(path, json={"name": "X", "dataclass_id": "Starship"})

    assert again.status_code == 409
    assert unknown.status_code == 400
    assert "dataclass_id: unknown data class 'Starship'" in unknown.json()["message"]


async def test_a_version_goes_from_draft_through_approval_to_the_one_active_version(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    workflow = await _created(admin_client, path)
    first = await _activated(admin_client, path, workflow["id"])
    second = await _version(admin_client, path, workflow["id"], as_secmaster(TRIAGE))
    assert second["status"] == "pending_submit"
    assert (await _move(admin_client, path, second["id"], "pending_approval")).json()["data"][
        "status"
    ] == "pending_approval"

    approved = await _approve(admin_client, path, second["id"])

    assert approved.json()["data"] == {"result": "PASS", "content": "ok"}
    statuses = {v["id"]: v["status"] for v in await versions(admin_client, path, workflow["id"])}
    assert statuses == {first["id"]: "not_activated", second["id"]: "activated"}
    shown = (await admin_client.get(f"{path}/{workflow['id']}")).json()["data"]
    assert (shown["version_id"], shown["version"]) == (second["id"], "V2")
    pending = await admin_client.get(
        f"{path}/{workflow['id']}/versions", params={"status": "activated"}
    )
    assert [v["id"] for v in pending.json()["data"]] == [second["id"]]


async def test_a_rejected_version_can_be_edited_and_resubmitted(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    workflow = await _created(admin_client, path)
    version = await _version(admin_client, path, workflow["id"])
    await _move(admin_client, path, version["id"], "pending_approval")

    rejected = await _approve(admin_client, path, version["id"], "UN_PASS")
    edited = await admin_client.put(f"{path}/versions/{version['id']}", json={"name": "fixed"})

    assert rejected.json()["data"]["result"] == "UN_PASS"
    assert edited.status_code == 200, edited.text
    assert (edited.json()["data"]["name"], edited.json()["data"]["status"]) == (
        "fixed",
        "rejected",
    )
    assert (await _move(admin_client, path, version["id"], "pending_approval")).status_code == 200


async def test_an_activated_version_is_read_only_and_cannot_be_deleted(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    workflow = await _created(admin_client, path)
    version = await _activated(admin_client, path, workflow["id"])

    edit = await admin_client.put(f"{path}/versions/{version['id']}", json={"name": "changed"})
    delete = await admin_client.delete(f"{path}/versions/{version['id']}")
    skip = await _move(admin_client, path, version["id"], "pending_submit")

    assert (edit.status_code, delete.status_code, skip.status_code) == (409, 409, 400)
    assert "only a draft" in edit.json()["message"]
    assert "activated and cannot be deleted" in delete.json()["message"]
    shown = (await admin_client.get(f"{path}/versions/{version['id']}")).json()["data"]
    assert (shown["name"], shown["status"]) == ("v", "activated")


async def test_a_draft_cannot_skip_approval_and_an_invalid_taskflow_is_not_stored(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    workflow = await _created(admin_client, path)
    version = await _version(admin_client, path, workflow["id"])

    skip = await _move(admin_client, path, version["id"], "activated")
    broken = await admin_client.put(
        f"{path}/versions/{version['id']}",
        json={"taskflow": triage(('name="add_tag"', 'name="nope"'))},
    )
    approve_draft = await _approve(admin_client, path, version["id"])

    assert skip.status_code == 400
    assert "status" in skip.json()["message"]
    assert broken.status_code == 400
    assert "unknown component action 'nope'" in broken.json()["message"]
    assert approve_draft.status_code == 409
    [kept] = await versions(admin_client, path, workflow["id"])
    assert kept["taskflow"] == version["taskflow"]


async def test_enabling_needs_an_activated_version(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    workflow = await _created(admin_client, path)
    draft = await _version(admin_client, path, workflow["id"])
    early = await admin_client.put(f"{path}/{workflow['id']}", json={"enabled": True})
    with_draft = await admin_client.put(
        f"{path}/{workflow['id']}", json={"enabled": True, "version_id": draft["id"]}
    )
    version = await _activated(admin_client, path, workflow["id"])

    enabled = await admin_client.put(
        f"{path}/{workflow['id']}",
        json={"enabled": True, "version_id": version["id"], "labels": "on"},
    )
    refused_delete = await admin_client.delete(f"{path}/{workflow['id']}")
    switched_off = await _move(admin_client, path, version["id"], "not_activated")

    assert (early.status_code, with_draft.status_code) == (400, 400)
    assert "enabled: the workflow has no activated version" in early.json()["message"]
    assert enabled.status_code == 200, enabled.text
    assert (enabled.json()["data"]["enabled"], enabled.json()["data"]["labels"]) == (True, "on")
    assert refused_delete.status_code == 409
    assert switched_off.status_code == 200
    after = (await admin_client.get(f"{path}/{workflow['id']}")).json()["data"]
    assert (after["enabled"], after["version_id"]) == (False, "")
    deleted = await admin_client.delete(f"{path}/{workflow['id']}")
    assert deleted.status_code == 200
    assert deleted.json()["data"]["id"] == workflow["id"]
    assert await workflows(admin_client, path) == []


async def test_the_workspace_can_ask_for_a_second_person_to_approve(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    workflow = await _created(admin_client, path)
    version = await _version(admin_client, path, workflow["id"])
    await _move(admin_client, path, version["id"], "pending_approval")
    setting = await admin_client.put(f"{path}/settings", json={"approval_by_another": True})
    second = await make_member(sessions, tenant, Role.admin)
    client.headers["X-Auth-Token"] = await login(client, second, tenant.project_name)

    own = await _approve(admin_client, path, version["id"])
    other = await _approve(client, path, version["id"])

    assert setting.json()["data"] == {"approval_by_another": True}
    assert own.status_code == 403
    assert other.status_code == 200, other.text
    shown = (await admin_client.get(f"{path}/versions/{version['id']}")).json()["data"]
    assert shown["status"] == "activated"


async def test_validation_reports_each_problem_by_mode(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    unknown = triage(('name="add_tag"', 'name="nope"'))

    basic = await admin_client.post(
        f"{path}/validation", json={"mode": "BASIC", "taskflow": unknown}
    )
    params = await admin_client.post(
        f"{path}/validation", json={"mode": "APP_PARAMS", "taskflow": as_secmaster(unknown)}
    )
    unreadable = await admin_client.post(f"{path}/validation", json={"taskflow": "<x"})

    assert basic.json()["data"] == {"valid": True, "mode": "BASIC", "problems": []}
    assert params.json()["data"]["valid"] is False
    assert params.json()["data"]["problems"] == [
        {
            "element": "tag",
            "message": "serviceTask 'tag' (Tag for triage): unknown component action 'nope'",
        }
    ]
    assert unreadable.status_code == 400


async def test_viewers_read_workflows_but_cannot_change_them(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    workflow = await _created(admin_client, path)
    version = await _version(admin_client, path, workflow["id"])
    viewer = {
        "X-Auth-Token": await login(
            client, await make_member(sessions, tenant, Role.viewer), tenant.project_name
        )
    }

    reads = [
        await client.get(path, headers=viewer),
        await client.get(f"{path}/{workflow['id']}", headers=viewer),
        await client.get(f"{path}/versions/{version['id']}", headers=viewer),
    ]
    writes = [
        await client.post(path, headers=viewer, json={"name": "X", "dataclass_id": "Incident"}),
        await client.put(f"{path}/{workflow['id']}", headers=viewer, json={"name": "Y"}),
        await client.delete(f"{path}/{workflow['id']}", headers=viewer),
        await client.post(
            f"{path}/{workflow['id']}/versions",
            headers=viewer,
            json={"name": "v", "taskflow": TRIAGE},
        ),
        await client.delete(f"{path}/versions/{version['id']}", headers=viewer),
        await client.post(
            f"{path}/import", headers=viewer, files={"uploadFile": ("a.bpmn", TRIAGE.encode())}
        ),
    ]

    assert [r.status_code for r in reads] == [200, 200, 200]
    assert [r.status_code for r in writes] == [403] * len(writes)
    assert len(await workflows(admin_client, path)) == 1
    assert len(await versions(admin_client, path, workflow["id"])) == 1


async def test_another_workspaces_workflows_and_versions_name_nothing(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    path: str,
) -> None:
    workflow = await _created(admin_client, path)
    version = await _version(admin_client, path, workflow["id"])
    other = await make_tenant(sessions)
    client.headers["X-Auth-Token"] = await login(client, other.admin_email, other.project_name)
    theirs = workflows_path(other)

    answers = [
        await client.get(f"{theirs}/{workflow['id']}"),
        await client.put(f"{theirs}/{workflow['id']}", json={"name": "stolen"}),
        await client.delete(f"{theirs}/{workflow['id']}"),
        await client.get(f"{theirs}/{workflow['id']}/versions"),
        await client.get(f"{theirs}/versions/{version['id']}"),
        await client.put(f"{theirs}/versions/{version['id']}", json={"name": "stolen"}),
        await client.delete(f"{theirs}/versions/{version['id']}"),
        await _approve(client, theirs, version["id"]),
        await client.post(f"{theirs}/export", json={"id": [workflow["id"]]}),
    ]

    assert [a.status_code for a in answers] == [400] * len(answers)
    codes = {a.json()["code"] for a in answers}
    assert codes == {"SecMaster.20040611", "SecMaster.20040605"}
    assert await workflows(client, theirs) == []
    shown = (await admin_client.get(f"{path}/{workflow['id']}")).json()["data"]
    assert shown["name"] == "Triage"
    assert len(await versions(admin_client, path, workflow["id"])) == 1
