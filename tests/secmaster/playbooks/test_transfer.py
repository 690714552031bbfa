"""Playbook export and import: a playbook moves to another workspace with its versions, rule
and actions, which then run that workspace's workflows of the same names; a file that cannot
be imported whole creates nothing."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import TenantInfo, login, make_tenant
from tests.secmaster.playbooks.helpers import (
    TRIAGE_WORKFLOW,
    enabled_workflow,
    ok,
    playbook,
    published,
    soc_path,
)


async def _upload(client: httpx.AsyncClient, soc: str, content: Any, **form: str) -> httpx.Response:
    data = content if isinstance(content, bytes) else json.dumps(content).encode()
    return await client.post(
        f"{soc}/playbooks/import", files={"uploadFile": ("p.json", data)}, data=form
    )


async def test_export_then_import_elsewhere_gives_the_same_playbook_on_its_workflows(
    admin_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    soc = soc_path(tenant)
    workflow_id = await enabled_workflow(admin_client, soc)
    playbook_id = await playbook(admin_client, soc)
    mine = await published(admin_client, soc, playbook_id, workflow_id)
    exported = await admin_client.post(f"{soc}/playbooks/export", json={"id": [playbook_id]})
    other = await make_tenant(sessions)
    client.headers["X-Auth-Token"] = await login(client, other.admin_email, other.project_name)
    theirs = soc_path(other)

    without_workflow = await _upload(client, theirs, exported.content)
    nothing = ok(await client.get(f"{theirs}/playbooks"))["total"]
    their_workflow = await enabled_workflow(client, theirs)
    verified = await _upload(client, theirs, exported.content, upload_model="verify")
    after_verify = ok(await client.get(f"{theirs}/playbooks"))["total"]
    imported = await _upload(client, theirs, exported.content)

    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/json")
    assert without_workflow.status_code == 400
    assert (
        f"no workflow '{TRIAGE_WORKFLOW}' of class Incident" in without_workflow.json()["message"]
    )
    assert "versions[0].actions[0].workflow_name" in without_workflow.json()["message"]
    assert (nothing, verified.status_code, after_verify) == (0, 200, 0)
    assert imported.json() == {"code": "00000000", "message": ""}
    [copy] = ok(await client.get(f"{theirs}/playbooks"))["data"]
    [version] = ok(await client.get(f"{theirs}/playbooks/{copy['id']}/versions"))["data"]
    shown = ok(await client.get(f"{theirs}/playbooks/versions/{version['id']}"))["data"]
    assert (copy["name"], copy["dataclass_name"], copy["enabled"]) == ("Triage", "Incident", False)
    assert shown["status"] == "EDITING"  # an import does not pass the review
    assert [a["action_id"] for a in shown["actions"]] == [their_workflow]
    assert [a["name"] for a in shown["actions"]] == [a["name"] for a in mine["actions"]]
    assert json.loads(shown["rules"]["rule"]) == json.loads(mine["rules"]["rule"])
    same = ("trigger_type", "dataobject_create", "rule_enable", "action_strategy", "description")
    assert {k: shown[k] for k in same} == {k: mine[k] for k in same}


async def test_a_file_with_any_problem_imports_nothing(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    soc = soc_path(tenant)
    await enabled_workflow(admin_client, soc)
    good = {
        "name": "Good",
        "versions": [
            {
                "dataclass_name": "Incident",
                "dataobject_create": True,
                "actions": [{"name": "t", "workflow_name": TRIAGE_WORKFLOW}],
            }
        ],
    }
    bad_rule = {
        "name": "Bad",
        "versions": [
            {
                "dataclass_name": "Incident",
                "rule": {"conditions": [{"name": "a", "data": ["x", "like", "y"]}]},
            }
        ],
    }

    answers = [
        await _upload(admin_client, soc, [good, bad_rule]),
        await _upload(
            admin_client, soc, [good, {"name": "Ship", "versions": [{"dataclass_name": "Ship"}]}]
        ),
        await _upload(admin_client, soc, [good, good]),
        await _upload(admin_client, soc, b"{not json"),
        await _upload(admin_client, soc, {"versions": []}),
        await _upload(admin_client, soc, good, upload_model="overwrite"),
        await admin_client.post(f"{soc}/playbooks/import", json={"uploadFile": "p.json"}),
    ]

    assert [a.status_code for a in answers] == [400] * len(answers)
    assert "[1].versions[0].rule.conditions.0.data.1" in answers[0].json()["message"]
    assert "unknown data class 'Ship'" in answers[1].json()["message"]
    assert "repeats playbooks" in answers[2].json()["message"]
    assert "malformed JSON" in answers[3].json()["message"]
    assert "name" in answers[4].json()["message"]
    assert "upload_model" in answers[5].json()["message"]
    assert "uploadFile" in answers[6].json()["message"]
    assert ok(await admin_client.get(f"{soc}/playbooks"))["total"] == 0
    assert (await _upload(admin_client, soc, [good])).status_code == 200
    assert (await _upload(admin_client, soc, good)).status_code == 200  # adds a version
    [only] = ok(await admin_client.get(f"{soc}/playbooks"))["data"]
    assert ok(await admin_client.get(f"{soc}/playbooks/{only['id']}/versions"))["total"] == 2
