"""Workflows made runnable for the run tests: imported, approved, enabled; and runs started."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.automation.runs.runner import RunLimits, Runner
from tests.factories import TenantInfo
from tests.secmaster.workflows.helpers import upload, versions, workflows, workflows_path

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:socdesk="urn:socdesk:bpmn:1" id="d" targetNamespace="urn:t">\n'
)


def service_task(element: str, action: str, **params: str) -> str:
    given = "".join(f'<socdesk:param name="{k}">{v}</socdesk:param>' for k, v in params.items())
    return (
        f'<bpmn:serviceTask id="{element}" name="{element}"><bpmn:extensionElements>'
        f'<socdesk:action name="{action}">{given}</socdesk:action>'
        "</bpmn:extensionElements></bpmn:serviceTask>\n"
    )


def chain(process_id: str, *elements: tuple[str, str]) -> str:
    """A process start → each (id, xml) in order → end."""
    ids = ["start", *(e for e, _ in elements), "end"]
    flows = "".join(
        f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>\n'
        for i, (a, b) in enumerate(zip(ids, ids[1:], strict=False))
    )
    body = "".join(xml for _, xml in elements)
    return (
        f'{HEAD}<bpmn:process id="{process_id}" name="{process_id}" isExecutable="true">\n'
        '<bpmn:startEvent id="start"/>\n'
        f'{body}<bpmn:endEvent id="end"/>\n{flows}</bpmn:process>\n</bpmn:definitions>\n'
    )


async def runnable(client: httpx.AsyncClient, tenant: TenantInfo, bpmn: str, name: str) -> str:
    """Import the BPMN as a workflow, activate its version; the workflow's id."""
    path = workflows_path(tenant)
    answer = await upload(client, path, bpmn, f"{name}.bpmn")
    assert answer.status_code == 200, answer.text
    (workflow,) = [w for w in await workflows(client, path) if w["name"] == name]
    (version,) = await versions(client, path, workflow["id"])
    moved = await client.put(
        f"{path}/versions/{version['id']}", json={"status": "pending_approval"}
    )
    assert moved.status_code == 200, moved.text
    approved = await client.post(
        f"{path}/versions/{version['id']}/approval", json={"result": "PASS", "content": "ok"}
    )
    assert approved.status_code == 200, approved.text
    return str(workflow["id"])


async def start(
    client: httpx.AsyncClient, tenant: TenantInfo, workflow_id: str, object_id: str | None
) -> httpx.Response:
    content: dict[str, Any] = {"id": object_id} if object_id else {}
    return await client.post(
        f"{workflows_path(tenant)}/{workflow_id}/instances",
        json={
            "command_type": "ActionInstanceRunCommand",
            "action_type": "workflow",
            "action_id": workflow_id,
            "playbook_context": {"data_object": {"content": content}},
        },
    )


async def started(
    client: httpx.AsyncClient, tenant: TenantInfo, workflow_id: str, object_id: str | None
) -> str:
    answer = await start(client, tenant, workflow_id, object_id)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["action_instance_id"])


async def instance(client: httpx.AsyncClient, tenant: TenantInfo, run_id: str) -> dict[str, Any]:
    answer = await client.get(
        f"{workflows_path(tenant)}/instances/{run_id}", params={"show_topology": "true"}
    )
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()
    return data


def runner(sessions: async_sessionmaker[AsyncSession], **limits: Any) -> Runner:
    return Runner(sessions, RunLimits(**limits))
