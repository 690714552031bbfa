"""Text a client sends into a query is bounded and storable (issue 10, defect 7): too long or
holding NUL is a 400 naming the field, on both stores and in both dialects — never a 500."""

from __future__ import annotations

import httpx
import pytest

from socdesk.kit.schemas import MAX_QUERY_TEXT
from tests.factories import TenantInfo
from tests.secmaster.incidents.payloads import incident_object, incidents_path


@pytest.fixture
def path(tenant: TenantInfo) -> str:
    return incidents_path(tenant.project_hex, tenant.workspace_id)


def search(*conditions: list[object]) -> dict[str, object]:
    named = [{"name": f"c{i}", "data": data} for i, data in enumerate(conditions)]
    return {"condition": {"conditions": named}}


def assert_400_naming(response: httpx.Response, field: str) -> None:
    assert response.status_code == 400, response.text
    assert field in response.text, response.text


@pytest.mark.parametrize("operator", ["contains", "=", "!=", "in"])
async def test_a_search_value_too_long_is_400(
    admin_client: httpx.AsyncClient, path: str, operator: str
) -> None:
    response = await admin_client.post(
        f"{path}/search", json=search(["title", operator, "x" * 50_000])
    )

    assert_400_naming(response, "condition.conditions.0.data.2")
    assert str(MAX_QUERY_TEXT) in response.json()["message"]


async def test_a_search_value_at_the_bound_is_searched(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    title = "%_" * 100
    created = await admin_client.post(path, json={"data_object": incident_object(title=title)})
    assert created.status_code == 200, created.text

    response = await admin_client.post(
        f"{path}/search", json=search(["title", "contains", "%_" * (MAX_QUERY_TEXT // 2)])
    )
    found = await admin_client.post(f"{path}/search", json=search(["title", "contains", title]))

    assert response.status_code == 200, response.text
    assert response.json()["total"] == 0
    assert found.json()["total"] == 1


async def test_a_search_value_with_nul_is_400(admin_client: httpx.AsyncClient, path: str) -> None:
    response = await admin_client.post(f"{path}/search", json=search(["title", "=", "a\x00"]))

    assert_400_naming(response, "condition")


async def test_search_sort_and_logics_are_bounded(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    long_sort = await admin_client.post(f"{path}/search", json={"sort_by": "x" * 10_000})
    body = search(["title", "=", "a"])
    body["condition"]["logics"] = ["c0" * 5000]  # type: ignore[index]
    long_logic = await admin_client.post(f"{path}/search", json=body)

    assert_400_naming(long_sort, "sort_by")
    assert_400_naming(long_logic, "condition.logics.0")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"name": "a\x00"}, "name"),
        ({"name": "x" * 65}, "name"),
        ({"ids": "a\x00"}, "ids"),
        ({"ids": ",".join(["7c9e6679-7425-40de-944b-e07fc1f90ae7"] * 200)}, "ids"),
        ({"offset": "1" * 5000}, "offset"),
    ],
)
async def test_workspace_list_query_text_is_checked(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, params: dict[str, str], field: str
) -> None:
    response = await admin_client.get(tenant.workspaces_path, params=params)

    assert_400_naming(response, field)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"text": "a\x00"}, "text"),
        ({"source": "a\x00"}, "source"),
        ({"tag": "x" * 129}, "tag"),
        ({"sort": "x" * 10_000}, "sort"),
        ({"sort": "-created\x00"}, "sort"),
        ({"cursor": "\x00"}, "cursor"),
        ({"unknown_parameter": "\x00"}, "unknown_parameter"),
    ],
)
async def test_register_list_filters_are_checked(
    admin_client: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    response = await admin_client.get("/v1/incidents", params=params)

    assert_400_naming(response, field)
    assert response.json()["error"] == "validation_failed"


async def test_nul_in_a_path_is_400_not_500(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, path: str
) -> None:
    prefix = f"/v1/{tenant.project_hex}/workspaces/{tenant.workspace_id}/soc"
    statuses = [
        (await admin_client.get(url)).status_code
        for url in (
            f"{prefix}/dataclasses/a%00b",
            f"{prefix}/dataclasses/a%00b/fields",
            f"{path}/a%00",
            "/v1/incidents/INC-1%00",
            f"{tenant.workspaces_path}/a%00",
        )
    ]

    assert statuses == [400] * 5
