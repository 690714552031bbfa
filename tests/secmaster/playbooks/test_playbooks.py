"""Playbooks over HTTP: statuses and their refusals, enabling, rules (object or JSON text,
cron), actions (this workspace's workflows only), the approval setting, viewers read only,
another workspace's ids name nothing."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import Role
from tests.factories import TenantInfo, login, make_member, make_tenant
from tests.secmaster.playbooks.helpers import (
    HIGH_SEVERITY,
    draft,
    enabled_workflow,
    ok,
    playbook,
    published,
    soc_path,
)


@pytest.fixture
def soc(tenant: TenantInfo) -> str:
    return soc_path(tenant)


async def test_a_version_is_submitted_approved_published_and_then_read_only(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    workflow_id = await enabled_workflow(admin_client, soc)
    playbook_id = await playbook(admin_client, soc)
    version = await draft(admin_client, soc, playbook_id, workflow_id)
    path = f"{soc}/playbooks/versions/{version['id']}"

    skipped = await admin_client.put(path, json={"status": "PUBLISHED"})
    submitted = ok(await admin_client.put(path, json={"status": "APPROVING"}))["data"]
    editing_under_review = await admin_client.put(path, json={"description": "changed"})
    approved = ok(await admin_client.post(f"{path}/approval", json={"result": "PASS"}))
    shown = ok(await admin_client.get(path))["data"]
    refusals = [
        await admin_client.put(path, json={"description": "changed"}),
        await admin_client.put(path, json={"status": "EDITING"}),
        await admin_client.post(f"{path}/actions", json=[{"name": "x", "action_id": workflow_id}]),
        await admin_client.put(f"{path}/rules/{shown['rule_id']}", json={"rule": HIGH_SEVERITY}),
        await admin_client.delete(f"{path}/actions/{shown['actions'][0]['id']}"),
        await admin_client.post(f"{path}/approval", json={"result": "PASS"}),
    ]

    assert version["status"] == "EDITING"
    assert skipped.status_code == 400
    assert "POST .../approval" in skipped.json()["message"]
    assert submitted["status"] == "APPROVING"
    assert editing_under_review.status_code == 409
    assert approved["data"] == {"result": "PASS", "content": ""}
    assert (shown["status"], shown["version_type"], shown["approve_name"]) == (
        "PUBLISHED",
        1,
        shown["approve_name"],
    )
    assert shown["approve_name"].startswith("admin@")
    assert [r.status_code for r in refusals] == [409, 400, 409, 409, 409, 409]
    assert ok(await admin_client.get(path))["data"]["description"] == "triage"


async def test_a_refused_version_is_edited_and_resubmitted(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    workflow_id = await enabled_workflow(admin_client, soc)
    playbook_id = await playbook(admin_client, soc)
    version = await draft(admin_client, soc, playbook_id, workflow_id)
    path = f"{soc}/playbooks/versions/{version['id']}"
    ok(await admin_client.put(path, json={"status": "APPROVING"}))

    refused = ok(await admin_client.post(f"{path}/approval", json={"result": "UN_PASS"}))
    shown = ok(await admin_client.get(f"{soc}/playbooks/{playbook_id}"))["data"]
    edited = ok(await admin_client.put(path, json={"description": "fixed"}))["data"]
    again = ok(await admin_client.put(path, json={"status": "APPROVING"}))["data"]
    approvals = ok(
        await admin_client.get(
            f"{soc}/playbooks/versions/approval", params={"resource_id": version["id"]}
        )
    )

    assert refused["data"]["result"] == "UN_PASS"
    assert shown["reject_version_id"] == version["id"]
    assert (edited["status"], edited["description"]) == ("UNPASSED", "fixed")
    assert again["status"] == "APPROVING"
    assert [a["result"] for a in approvals["data"]] == ["UN_PASS"]


async def test_submitting_needs_enabled_workflows_and_something_to_fire_on(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    workflow_id = await enabled_workflow(admin_client, soc, enable=False)
    playbook_id = await playbook(admin_client, soc)
    with_disabled = await draft(admin_client, soc, playbook_id, workflow_id)
    empty = await draft(admin_client, soc, playbook_id, None, dataobject_create=False)
    timer = await draft(
        admin_client, soc, playbook_id, workflow_id, trigger_type="TIMER", rule=None
    )

    answers = [
        await admin_client.put(f"{soc}/playbooks/versions/{v['id']}", json={"status": "APPROVING"})
        for v in (with_disabled, empty, timer)
    ]

    assert [a.status_code for a in answers] == [400, 400, 400]
    assert "workflows not enabled: 'Triage high severity'" in answers[0].json()["message"]
    assert "actions: the version runs no workflow" in answers[1].json()["message"]
    assert "dataobject_create" in answers[1].json()["message"]
    assert "rule.cron: a TIMER version needs a cron" in answers[2].json()["message"]
    statuses = {
        v["status"]
        for v in ok(await admin_client.get(f"{soc}/playbooks/{playbook_id}/versions"))["data"]
    }
    assert statuses == {"EDITING"}


async def test_enabling_takes_a_published_version(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    workflow_id = await enabled_workflow(admin_client, soc)
    playbook_id = await playbook(admin_client, soc)
    editing = await draft(admin_client, soc, playbook_id, workflow_id)
    path = f"{soc}/playbooks/{playbook_id}"

    without = await admin_client.put(path, json={"enabled": True})
    with_draft = await admin_client.put(
        path, json={"enabled": True, "active_version_id": editing["id"]}
    )
    version = await published(admin_client, soc, playbook_id, workflow_id)
    enabled = ok(
        await admin_client.put(path, json={"enabled": True, "active_version_id": version["id"]})
    )["data"]
    running = ok(
        await admin_client.get(f"{path}/versions", params={"enabled": 1, "version_type": 1})
    )["data"]
    deleting = [
        await admin_client.delete(f"{soc}/playbooks/versions/{version['id']}"),
        await admin_client.delete(path),
    ]

    assert without.status_code == 400
    assert "active_version_id" in without.json()["message"]
    assert with_draft.status_code == 400
    assert "must name a PUBLISHED version" in with_draft.json()["message"]
    assert (enabled["enabled"], enabled["version_id"], enabled["version"]) == (
        True,
        version["id"],
        "v2",
    )
    assert [v["id"] for v in running] == [version["id"]]
    assert [d.status_code for d in deleting] == [409, 409]
    stats = ok(await admin_client.get(f"{soc}/playbooks/statistics"))["data"]
    assert stats == {"unapproved_num": 0, "disabled_num": 0, "enabled_num": 1}


async def test_a_rule_is_taken_as_an_object_or_as_json_text_and_checked(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    playbook_id = await playbook(admin_client, soc)
    as_object = await draft(admin_client, soc, playbook_id, None)
    as_text = await draft(
        admin_client, soc, playbook_id, None, rule={"rule": json.dumps(HIGH_SEVERITY)}
    )
    bare = await draft(admin_client, soc, playbook_id, None, rule=None)
    rules = f"{soc}/playbooks/versions/{bare['id']}/rules"
    timer = {"cron": "*/5 * * * *", "schedule_type": "hour", "start_type": "IMMEDIATELY"}

    created = ok(await admin_client.post(rules, json={"rule": json.dumps(timer)}))["data"]
    second = await admin_client.post(rules, json={"rule": timer})
    bad = [
        await admin_client.put(f"{rules}/{created['id']}", json={"rule": {"cron": "every day"}}),
        await admin_client.put(f"{rules}/{created['id']}", json={"rule": "{not json"}),
        await admin_client.put(
            f"{rules}/{created['id']}",
            json={"rule": {"conditions": [{"name": "a", "data": ["x", "~", "1"]}]}},
        ),
        await admin_client.put(
            f"{rules}/{created['id']}",
            json={
                "rule": {"conditions": [{"name": "a", "data": ["x", "=", "1"]}], "logics": ["b"]}
            },
        ),
    ]
    shown = ok(await admin_client.get(f"{rules}/{created['id']}"))["data"]

    assert json.loads(as_object["rules"]["rule"]) == json.loads(as_text["rules"]["rule"])
    assert json.loads(as_text["rules"]["rule"])["logics"] == ["high", "and", "sure"]
    assert bare["rule_id"] == ""
    assert json.loads(created["rule"])["cron"] == "*/5 * * * *"
    assert second.status_code == 409
    assert [b.status_code for b in bad] == [400] * 4
    assert "is not a cron expression" in bad[0].json()["message"]
    assert "rule.conditions.0.data.1" in bad[2].json()["message"]
    assert "no condition named 'b'" in bad[3].json()["message"]
    assert json.loads(shown["rule"]) == json.loads(created["rule"])
    dropped = await admin_client.delete(f"{rules}/{created['id']}")
    assert dropped.status_code == 200
    assert (await admin_client.get(f"{rules}/{created['id']}")).status_code == 400


async def test_actions_run_this_workspaces_workflows_of_the_versions_class(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    soc: str,
) -> None:
    other = await make_tenant(sessions)
    client.headers["X-Auth-Token"] = await login(client, other.admin_email, other.project_name)
    foreign = await enabled_workflow(client, soc_path(other))
    alert_flow = ok(
        await admin_client.post(
            f"{soc}/workflows", json={"name": "Alerts", "dataclass_id": "Alert"}
        )
    )["data"]["id"]
    playbook_id = await playbook(admin_client, soc)
    version = await draft(admin_client, soc, playbook_id, None)
    actions = f"{soc}/playbooks/versions/{version['id']}/actions"

    answers = [
        await admin_client.post(actions, json=[{"name": "x", "action_id": foreign}]),
        await admin_client.post(actions, json=[{"name": "x", "action_id": alert_flow}]),
        await admin_client.post(actions, json={"name": "x", "action_id": alert_flow}),
        await admin_client.post(
            f"{soc}/playbooks/{playbook_id}/versions",
            json={"dataclass_id": "Incident", "actions": [{"name": "x", "action_id": foreign}]},
        ),
    ]

    assert [a.status_code for a in answers] == [400] * 4
    assert f"no workflow '{foreign}' in this workspace" in answers[0].json()["message"]
    assert "is of class Alert" in answers[1].json()["message"]
    assert ok(await admin_client.get(actions))["total"] == 0
    listed = ok(await admin_client.get(f"{soc}/playbooks/{playbook_id}/versions"))
    assert listed["total"] == 1, (listed, answers[3].text)


async def test_the_workspace_setting_asks_for_another_approver(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    workflow_id = await enabled_workflow(admin_client, soc)
    playbook_id = await playbook(admin_client, soc)
    version = await draft(admin_client, soc, playbook_id, workflow_id)
    path = f"{soc}/playbooks/versions/{version['id']}"
    ok(await admin_client.put(f"{soc}/workflows/settings", json={"approval_by_another": True}))
    ok(await admin_client.put(path, json={"status": "APPROVING"}))

    own = await admin_client.post(f"{path}/approval", json={"result": "PASS"})

    assert own.status_code == 403
    assert ok(await admin_client.get(path))["data"]["status"] == "APPROVING"


async def test_viewers_read_playbooks_but_cannot_change_them(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    soc: str,
) -> None:
    playbook_id = await playbook(admin_client, soc)
    version = await draft(admin_client, soc, playbook_id, None)
    viewer = {
        "X-Auth-Token": await login(
            client, await make_member(sessions, tenant, Role.viewer), tenant.project_name
        )
    }
    path = f"{soc}/playbooks"
    v_path = f"{path}/versions/{version['id']}"

    reads = [
        await client.get(path, headers=viewer),
        await client.get(f"{path}/{playbook_id}", headers=viewer),
        await client.get(v_path, headers=viewer),
        await client.get(f"{v_path}/rules/{version['rule_id']}", headers=viewer),
        await client.get(f"{path}/statistics", headers=viewer),
    ]
    writes = [
        await client.post(path, headers=viewer, json={"name": "X"}),
        await client.put(f"{path}/{playbook_id}", headers=viewer, json={"name": "Y"}),
        await client.delete(f"{path}/{playbook_id}", headers=viewer),
        await client.post(
            f"{path}/{playbook_id}/versions", headers=viewer, json={"dataclass_id": "Incident"}
        ),
        await client.put(v_path, headers=viewer, json={"description": "x"}),
        await client.delete(v_path, headers=viewer),
        await client.delete(f"{v_path}/rules/{version['rule_id']}", headers=viewer),
        await client.post(f"{v_path}/clone", headers=viewer, json={"name": "copy"}),
        await client.post(
            f"{path}/import", headers=viewer, files={"uploadFile": ("p.json", b"{}")}
        ),
    ]

    assert [r.status_code for r in reads] == [200] * len(reads)
    assert [r.status_code for r in writes] == [403] * len(writes)
    assert [p["name"] for p in ok(await admin_client.get(path))["data"]] == ["Triage"]
    assert ok(await admin_client.get(v_path))["data"]["rule_id"] == version["rule_id"]


async def test_another_workspaces_playbooks_and_versions_name_nothing(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    soc: str,
) -> None:
    workflow_id = await enabled_workflow(admin_client, soc)
    playbook_id = await playbook(admin_client, soc)
    version = await draft(admin_client, soc, playbook_id, workflow_id)
    action_id = version["actions"][0]["id"]
    other = await make_tenant(sessions)
    client.headers["X-Auth-Token"] = await login(client, other.admin_email, other.project_name)
    theirs = f"{soc_path(other)}/playbooks"
    v_path = f"{theirs}/versions/{version['id']}"

    answers = [
        await client.get(f"{theirs}/{playbook_id}"),
        await client.put(f"{theirs}/{playbook_id}", json={"name": "stolen"}),
        await client.delete(f"{theirs}/{playbook_id}"),
        await client.get(f"{theirs}/{playbook_id}/versions"),
        await client.get(f"{theirs}/{playbook_id}/monitor"),
        await client.post(f"{theirs}/{playbook_id}/versions", json={"dataclass_id": "Incident"}),
        await client.get(v_path),
        await client.put(v_path, json={"description": "stolen"}),
        await client.delete(v_path),
        await client.post(f"{v_path}/clone", json={"name": "stolen"}),
        await client.post(f"{v_path}/approval", json={"result": "PASS"}),
        await client.get(f"{v_path}/rules/{version['rule_id']}"),
        await client.delete(f"{v_path}/rules/{version['rule_id']}"),
        await client.get(f"{v_path}/actions"),
        await client.put(f"{v_path}/actions/{action_id}", json={"name": "stolen"}),
        await client.delete(f"{v_path}/actions/{action_id}"),
        await client.get(f"{theirs}/versions/approval", params={"resource_id": version["id"]}),
        await client.post(f"{theirs}/export", json={"id": [playbook_id]}),
    ]

    assert [a.status_code for a in answers] == [400] * len(answers)
    assert {a.json()["code"] for a in answers} == {"SecMaster.20030005"}
    assert ok(await client.get(theirs))["total"] == 0
    mine = ok(await admin_client.get(f"{soc}/playbooks/versions/{version['id']}"))["data"]
    assert (mine["description"], len(mine["actions"])) == ("triage", 1)


async def test_a_workflows_approval_is_listed_and_deleting_it_removes_its_actions(
    admin_client: httpx.AsyncClient, soc: str
) -> None:
    workflow_id = await enabled_workflow(admin_client, soc)
    [workflow_version] = ok(await admin_client.get(f"{soc}/workflows/{workflow_id}/versions"))[
        "data"
    ]
    playbook_id = await playbook(admin_client, soc)
    version = await draft(admin_client, soc, playbook_id, workflow_id)
    approvals = f"{soc}/playbooks/versions/approval"

    of_workflow = ok(
        await admin_client.get(
            approvals,
            params={"resource_id": workflow_version["id"], "approve_type": "AOP_WORKFLOW"},
        )
    )["data"]
    enabled_delete = await admin_client.delete(f"{soc}/workflows/{workflow_id}")
    ok(await admin_client.put(f"{soc}/workflows/{workflow_id}", json={"enabled": False}))
    ok(await admin_client.delete(f"{soc}/workflows/{workflow_id}"))
    left = ok(await admin_client.get(f"{soc}/playbooks/versions/{version['id']}"))["data"]

    assert of_workflow == [{"result": "PASS", "content": "ok"}]
    assert enabled_delete.status_code == 409
    assert left["actions"] == []
