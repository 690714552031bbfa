"""Whatever JSON a client sends, the answer is never a 500 (property test over every JSON route)."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import TenantInfo
from tests.secmaster.incidents.factories import seed_incidents

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
# Bodies shaped like the real ones, with arbitrary values where the fields go.
incident_fields = st.sampled_from(
    [
        "title",
        "description",
        "severity",
        "handle_status",
        "incident_type",
        "data_source",
        "first_observed_time",
        "confidence",
        "network_list",
        "version",
        "labels",
        "system_info",
    ]
)
data_objects = st.dictionaries(incident_fields, json_values, max_size=6)
bodies = st.one_of(
    json_values,
    st.builds(lambda d: {"data_object": d}, data_objects),
    st.builds(lambda ids, d: {"batch_ids": ids, "data_object": d}, json_values, data_objects),
    st.builds(lambda ids: {"batch_ids": ids}, json_values),
    st.builds(
        lambda c, extra: {"condition": {"conditions": c}, **extra},
        json_values,
        st.dictionaries(
            st.sampled_from(["sort_by", "order", "limit", "offset", "from_date"]),
            json_values,
            max_size=3,
        ),
    ),
)
ROUTES = [
    ("POST", "/soc/incidents"),
    ("POST", "/soc/incidents/search"),
    ("POST", "/soc/incidents/batch-update"),
    ("POST", "/soc/incidents/batch-delete"),
    ("DELETE", "/soc/incidents"),
    ("PUT", "/soc/incidents/7c9e6679-7425-40de-944b-e07fc1f90ae7"),
    ("POST", "/soc/incidents/export"),
    ("POST", "/soc/dataclasses"),
    ("POST", "/soc/dataclasses/Alert/fields"),
    ("POST", "/soc/dataclasses/Incident/types"),
    ("POST", "/soc/dataclasses/Indicator/types/enable"),
    ("DELETE", "/soc/dataclasses/Incident/types"),
]


register_fields = st.sampled_from(
    [
        "ids",
        "title",
        "description",
        "severity",
        "status",
        "source",
        "assigned_to",
        "occurred_date",
        "detected_date",
        "tags",
        "tag_operation",
        "threat_objectives",
    ]
)
register_bodies = st.one_of(
    json_values,
    st.dictionaries(register_fields, json_values, max_size=6),
    st.builds(
        lambda ids, rest: {"ids": ids, **rest},
        st.lists(st.sampled_from(["INC-00001", "INC-99999999999", "x", "INC-0"]), max_size=3),
        st.dictionaries(register_fields, json_values, max_size=4),
    ),
)
REGISTER_ROUTES = [
    ("POST", "/v1/incidents"),
    ("PATCH", "/v1/incidents"),
    ("PATCH", "/v1/incidents/INC-00001"),
    ("POST", "/v1/sources"),
]


@pytest.mark.parametrize(("method", "path"), REGISTER_ROUTES)
async def test_register_routes_never_get_a_500(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    method: str,
    path: str,
) -> None:
    await seed_incidents(sessions, tenant, 1)

    assert await server_errors(admin_client, method, path, examples(register_bodies)) == []


async def test_odd_register_list_parameters_never_get_a_500(
    admin_client: httpx.AsyncClient,
) -> None:
    odd = ["\x00", "%", "é" * 300, "INC-1", "-1", "", "null"]
    names = [
        "status",
        "severity",
        "source",
        "assigned_to",
        "tag",
        "text",
        "sort",
        "cursor",
        "limit",
    ]
    statuses = [
        (await admin_client.get("/v1/incidents", params={name: value})).status_code
        for name in names
        for value in odd
    ]
    edge_times = ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "x", 1e308, None]
    crafted = [("-created_date", t, "0" * 32) for t in edge_times] + [
        ("-created_date", "2026-01-01T00:00:00+00:00", 5),
        ("-created_date", "2026-01-01T00:00:00+00:00", [1]),
        ("-created_date", "2026-01-01T00:00:00", "0" * 32),
        ("severity", 10**30, "0" * 32),
        ("id", 10**20, "0" * 32),
        ("id", -1, "0" * 32),
    ]
    statuses += [
        (
            await admin_client.get(
                "/v1/incidents",
                params={"sort": parts[0], "cursor": base64.b64encode(json.dumps(parts).encode())},
            )
        ).status_code
        for parts in crafted
    ]

    assert max(statuses) < 500


# Outside a workspace: identity and workspace management.
OTHER_ROUTES = [
    ("POST", "/v3/auth/tokens"),
    ("POST", "/v3/auth/api-keys"),
    ("POST", "{workspaces}"),
    ("PUT", "{workspaces}/{workspace_id}"),
]
login_bodies = st.builds(
    lambda user, scope: {
        "auth": {"identity": {"methods": ["password"], "password": {"user": user}}, "scope": scope}
    },
    st.dictionaries(st.sampled_from(["name", "id", "password", "domain"]), json_values),
    json_values,
)


def examples(strategy: st.SearchStrategy[Any], count: int = 60) -> list[Any]:
    """`count` bodies drawn by hypothesis (sent afterwards, from the test's event loop)."""
    drawn: list[Any] = []

    @settings(max_examples=count, deadline=None, suppress_health_check=list(HealthCheck))
    @given(body=strategy)
    def collect(body: Any) -> None:
        drawn.append(body)

    collect()
    return drawn


async def server_errors(
    client: httpx.AsyncClient, method: str, path: str, drawn: list[Any]
) -> list[tuple[Any, int, str]]:
    failures = []
    for body in drawn:
        response = await client.request(method, path, json=body)
        if response.status_code >= 500:
            failures.append((body, response.status_code, response.text[:200]))
    return failures


@pytest.mark.parametrize(("method", "route"), ROUTES)
async def test_arbitrary_json_never_gets_a_500(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, method: str, route: str
) -> None:
    path = f"{tenant.workspaces_path}/{tenant.workspace_id}{route}"

    assert await server_errors(admin_client, method, path, examples(bodies)) == []


@pytest.mark.parametrize(("method", "route"), OTHER_ROUTES)
async def test_identity_and_workspace_routes_never_get_a_500(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, method: str, route: str
) -> None:
    path = route.format(workspaces=tenant.workspaces_path, workspace_id=tenant.workspace_id)
    drawn = examples(bodies, 40) + examples(login_bodies, 40)

    assert await server_errors(admin_client, method, path, drawn) == []


ODD_IDS = ["%00", "%2F", "x" * 5000, "é", "..", "null", "0" * 32, "-1", "%20"]
ID_PATHS = [
    "/v1/{odd}/workspaces",
    "{workspaces}/{odd}",
    "{workspace}/soc/incidents/{odd}",
    "{workspace}/soc/incidents/{odd}/history",
    "{workspace}/soc/dataclasses/{odd}/fields",
    "{workspace}/soc/dataclasses/{odd}/types",
    "/v3/auth/api-keys/{odd}",
    "/v3/auth/access-keys/{odd}",
    "/v1/incidents/{odd}",
    "/v1/incidents/INC-{odd}",
]


@pytest.mark.parametrize("template", ID_PATHS)
async def test_odd_ids_in_paths_never_get_a_500(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, template: str
) -> None:
    workspace = f"{tenant.workspaces_path}/{tenant.workspace_id}"
    statuses = [
        (
            await admin_client.request(
                method,
                template.format(odd=odd, workspaces=tenant.workspaces_path, workspace=workspace),
            )
        ).status_code
        for odd in ODD_IDS
        for method in ("GET", "PUT", "DELETE")
    ]

    assert max(statuses) < 500


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Workspace-Id": "é".encode("latin-1")},
        {"X-Workspace-Id": "x" * 10_000},
        {"X-Auth-Token": "é".encode("latin-1")},
        {"Authorization": "SDK-HMAC-SHA256 Access=x, SignedHeaders=host, Signature=zz"},
        {
            "X-Sdk-Date": "x",
            "Authorization": "SDK-HMAC-SHA256 Access=A, SignedHeaders=host, Signature=ab",
        },
    ],
)
async def test_odd_headers_never_get_a_500(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, headers: dict[str, Any]
) -> None:
    register = await admin_client.get("/v1/users", headers=headers)
    secmaster = await admin_client.get(tenant.workspaces_path, headers=headers)

    assert 400 <= register.status_code < 500
    assert secmaster.status_code < 500  # SecMaster routes ignore X-Workspace-Id
