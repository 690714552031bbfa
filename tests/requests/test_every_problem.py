"""A body with several problems is told all of them (issue 10, defect 10; docs/errors.md):
SecMaster's `data.errors` and the register's `details` list every field, not the first."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.factories import TenantInfo
from tests.secmaster.incidents.payloads import incident_object, incidents_path


@pytest.fixture
def path(tenant: TenantInfo) -> str:
    return incidents_path(tenant.project_hex, tenant.workspace_id)


def secmaster_fields(response: httpx.Response) -> set[str]:
    assert response.status_code == 400, response.text
    return {problem["field"] for problem in response.json()["data"]["errors"]}


def register_fields(response: httpx.Response) -> set[str]:
    assert response.status_code == 400, response.text
    return {detail["field"] for detail in response.json()["details"]}


async def test_a_secmaster_create_lists_missing_and_invalid_fields(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    data_object = incident_object(severity="Severe", confidence=500)
    del data_object["title"]
    del data_object["handle_status"]

    response = await admin_client.post(path, json={"data_object": data_object})

    assert secmaster_fields(response) == {
        "data_object.title",
        "data_object.handle_status",
        "data_object.severity",
        "data_object.confidence",
    }
    for field in ("data_object.title", "data_object.severity"):
        assert field in response.json()["message"]


async def test_a_secmaster_create_lists_every_missing_field(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    response = await admin_client.post(path, json={"data_object": {"title": "only a title"}})

    assert {"data_object.severity", "data_object.data_source"} <= secmaster_fields(response)


async def test_a_search_lists_every_bad_condition(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    conditions = [
        {"name": "a", "data": ["no_such_field", "=", "x"]},
        {"name": "b", "data": ["severity", "=", "Severe"]},
        {"name": "c", "data": ["confidence", "in", "high", 5, "low"]},
    ]
    response = await admin_client.post(
        f"{path}/search", json={"condition": {"conditions": conditions}}
    )

    assert secmaster_fields(response) == {
        "condition.conditions.0.data.0",
        "condition.conditions.1.data.2",
        "condition.conditions.2.data.2",
        "condition.conditions.2.data.4",
    }


async def test_a_register_create_lists_every_problem(admin_client: httpx.AsyncClient) -> None:
    response = await admin_client.post(
        "/v1/incidents", json={"severity": "Severe", "status": "Done", "tags": [""]}
    )

    assert register_fields(response) == {"title", "severity", "status", "tags.0"}


async def test_a_register_create_lists_unknown_source_and_assignee(
    admin_client: httpx.AsyncClient,
) -> None:
    response = await admin_client.post(
        "/v1/incidents",
        json={"title": "t", "source": "nowhere", "assigned_to": str(uuid.uuid4())},
    )

    assert register_fields(response) == {"source", "assigned_to"}


async def test_a_register_patch_lists_every_problem(
    admin_client: httpx.AsyncClient,
) -> None:
    created = await admin_client.post("/v1/incidents", json={"title": "t"})
    incident_id = created.json()["incident"]["id"]

    shape = await admin_client.patch(
        f"/v1/incidents/{incident_id}", json={"title": None, "tag_operation": "Add"}
    )
    lookups = await admin_client.patch(
        "/v1/incidents",
        json={"ids": [incident_id], "source": "nowhere", "assigned_to": str(uuid.uuid4())},
    )

    assert register_fields(shape) == {"title", "tag_operation"}
    assert register_fields(lookups) == {"source", "assigned_to"}
