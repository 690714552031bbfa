"""Paths, bodies and steps for the playbook route tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.automation.bpmn_files import TRIAGE_FILE
from tests.factories import TenantInfo

TRIAGE_WORKFLOW = "Triage high severity"


def soc_path(tenant: TenantInfo, workspace_id: object | None = None) -> str:
    workspace = workspace_id or tenant.workspace_id
    return f"/v1/{tenant.project_hex}/workspaces/{workspace}/soc"


def ok(answer: httpx.Response) -> Any:
    assert answer.status_code == 200, answer.text
    return answer.json()


async def enabled_workflow(client: httpx.AsyncClient, soc: str, enable: bool = True) -> str:
    """The triage example imported, its version activated and (if `enable`) the workflow
    enabled; its id."""
    flows = f"{soc}/workflows"
    files = {"uploadFile": (TRIAGE_FILE.name, TRIAGE_FILE.read_bytes())}
    ok(await client.post(f"{flows}/import", files=files))
    [workflow] = [
        w
        for w in ok(await client.get(flows, params={"limit": 100}))["data"]
        if w["name"] == TRIAGE_WORKFLOW
    ]
    [version] = ok(await client.get(f"{flows}/{workflow['id']}/versions"))["data"]
    moved = {"status": "pending_approval"}
    ok(await client.put(f"{flows}/versions/{version['id']}", json=moved))
    approval = {"result": "PASS", "content": "ok"}
    ok(await client.post(f"{flows}/versions/{version['id']}/approval", json=approval))
    if enable:
        ok(await client.put(f"{flows}/{workflow['id']}", json={"enabled": True}))
    return str(workflow["id"])


HIGH_SEVERITY = {
    "expression_type": "common",
    "conditions": [
        {"name": "high", "detail": "", "data": ["severity", "in", "High", "Fatal"]},
        {"name": "sure", "detail": "", "data": ["confidence", ">=", "80"]},
    ],
    "logics": ["high", "and", "sure"],
}


def version_body(workflow_id: str | None = None, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "description": "triage",
        "dataclass_id": "Incident",
        "trigger_type": "EVENT",
        "dataobject_create": True,
        "rule_enable": True,
        "action_strategy": "ASYNC",
        "rule": {"rule": HIGH_SEVERITY},
        "actions": (
            [{"name": "triage", "action_type": "AOP_WORKFLOW", "action_id": workflow_id}]
            if workflow_id
            else []
        ),
    }
    body.update(changes)
    return body


async def playbook(client: httpx.AsyncClient, soc: str, name: str = "Triage") -> str:
    created = ok(await client.post(f"{soc}/playbooks", json={"name": name}))
    return str(created["data"]["id"])


async def draft(
    client: httpx.AsyncClient, soc: str, playbook_id: str, workflow_id: str | None, **changes: Any
) -> dict[str, Any]:
    body = version_body(workflow_id, **changes)
    data: dict[str, Any] = ok(
        await client.post(f"{soc}/playbooks/{playbook_id}/versions", json=body)
    )["data"]
    return data


async def published(
    client: httpx.AsyncClient, soc: str, playbook_id: str, workflow_id: str
) -> dict[str, Any]:
    version = await draft(client, soc, playbook_id, workflow_id)
    versions = f"{soc}/playbooks/versions/{version['id']}"
    ok(await client.put(versions, json={"status": "APPROVING"}))
    ok(await client.post(f"{versions}/approval", json={"result": "PASS", "content": "fine"}))
    data: dict[str, Any] = ok(await client.get(versions))["data"]
    return data
