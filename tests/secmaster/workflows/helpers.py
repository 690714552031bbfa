"""Paths and bodies for the workflow route tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.automation.bpmn_files import TRIAGE, TRIAGE_FILE
from tests.factories import TenantInfo


def workflows_path(tenant: TenantInfo, workspace_id: object | None = None) -> str:
    workspace = workspace_id or tenant.workspace_id
    return f"/v1/{tenant.project_hex}/workspaces/{workspace}/soc/workflows"


def export_file(name: str = "Triage", taskflow: str = TRIAGE, **changes: Any) -> dict[str, Any]:
    """A workflow export of one version (DESIGN.md §4)."""
    body: dict[str, Any] = {
        "name": name,
        "description": "Tag and note high-severity incidents.",
        "dataclass_name": "Incident",
        "aop_type": "NORMAL",
        "engine_type": "public_engine",
        "labels": "triage",
        "versions": [
            {
                "name": "first",
                "description": "",
                "taskflow": taskflow,
                "taskconfig": '{"node_info":{},"usertask_info":{}}',
                "taskflow_type": "JSON",
                "aop_type": "NORMAL",
                "input": "",
                "output": "",
                "status": "activated",
            }
        ],
    }
    body.update(changes)
    return body


async def upload(
    client: httpx.AsyncClient, path: str, content: bytes | str, filename: str = "flow.json"
) -> httpx.Response:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return await client.post(f"{path}/import", files={"uploadFile": (filename, data)})


async def upload_example(client: httpx.AsyncClient, path: str) -> httpx.Response:
    return await upload(client, path, TRIAGE_FILE.read_bytes(), TRIAGE_FILE.name)


async def workflows(client: httpx.AsyncClient, path: str) -> list[dict[str, Any]]:
    listed = await client.get(path, params={"limit": 1000})
    assert listed.status_code == 200, listed.text
    data: list[dict[str, Any]] = listed.json()["data"]
    return data


async def versions(client: httpx.AsyncClient, path: str, workflow_id: str) -> list[dict[str, Any]]:
    listed = await client.get(f"{path}/{workflow_id}/versions")
    assert listed.status_code == 200, listed.text
    data: list[dict[str, Any]] = listed.json()["data"]
    return data
