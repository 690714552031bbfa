"""Liveness, readiness, metrics and the OpenAPI document."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from socdesk.kit.migrate import head_revision
from tests.databases import PostgresDatabases
from tests.factories import TenantInfo


async def test_healthz_and_readyz_answer_when_all_is_well(client: httpx.AsyncClient) -> None:
    health = await client.get("/healthz")
    ready = await client.get("/readyz")

    assert health.json() == {"status": "ok"}
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": "ok", "schema_revision": head_revision()}


async def test_readyz_fails_when_the_database_is_gone(
    request: pytest.FixtureRequest, app: FastAPI, client: httpx.AsyncClient
) -> None:
    assert (await client.get("/readyz")).status_code == 200
    url = make_url(app.state.settings.database_url)
    await app.state.engine.dispose()
    if url.get_backend_name() == "sqlite":
        # A new connection finds no file and opens an empty store with no schema.
        for file in Path(str(url.database)).parent.glob(f"{Path(str(url.database)).name}*"):
            file.unlink()
    else:
        databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
        databases.drop(str(url.database))

    response = await client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["code"] == "SecMaster.20000503"


async def test_metrics_count_requests_by_route_and_status(
    admin_client: httpx.AsyncClient, client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    await admin_client.get(tenant.workspaces_path)
    await client.get(tenant.workspaces_path)

    text = (await client.get("/metrics")).text

    assert (
        'socdesk_http_requests_total{method="GET",route="/v1/{project_id}/workspaces",status="200"}'
        in text
    )
    assert 'route="/v1/{project_id}/workspaces",status="401"' in text
    assert "socdesk_http_request_duration_seconds_bucket" in text


SERVED = {
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("POST", "/v3/auth/tokens"),
    ("GET", "/v3/auth/tokens"),
    ("DELETE", "/v3/auth/tokens"),
    ("POST", "/v3/auth/api-keys"),
    ("GET", "/v3/auth/api-keys"),
    ("DELETE", "/v3/auth/api-keys/{key_id}"),
    ("POST", "/v3/auth/access-keys"),
    ("GET", "/v3/auth/access-keys"),
    ("DELETE", "/v3/auth/access-keys/{access_key}"),
    ("POST", "/v1/{project_id}/workspaces"),
    ("GET", "/v1/{project_id}/workspaces"),
    ("GET", "/v1/{project_id}/workspaces/{workspace_id}"),
    ("PUT", "/v1/{project_id}/workspaces/{workspace_id}"),
    ("GET", "/v1/users"),
    ("GET", "/v1/sources"),
    ("GET", "/v1/incidents"),
    ("POST", "/v1/incidents"),
    ("PATCH", "/v1/incidents"),
    ("GET", "/v1/incidents/{incident_id}"),
    ("PATCH", "/v1/incidents/{incident_id}"),
    ("DELETE", "/v1/incidents/{incident_id}"),
    ("POST", "/v1/sources"),
    ("POST", "/v1/{project_id}/workspaces/{workspace_id}/soc/incidents"),
    ("DELETE", "/v1/{project_id}/workspaces/{workspace_id}/soc/incidents"),
    ("POST", "/v1/{project_id}/workspaces/{workspace_id}/soc/incidents/search"),
    ("POST", "/v1/{project_id}/workspaces/{workspace_id}/soc/incidents/batch-update"),
    ("POST", "/v1/{project_id}/workspaces/{workspace_id}/soc/incidents/batch-delete"),
    ("GET", "/v1/{project_id}/workspaces/{workspace_id}/soc/incidents/{incident_id}"),
    ("PUT", "/v1/{project_id}/workspaces/{workspace_id}/soc/incidents/{incident_id}"),
    ("GET", "/v1/{project_id}/workspaces/{workspace_id}/soc/incidents/{incident_id}/history"),
    ("GET", "/v1/{project_id}/workspaces/{workspace_id}/soc/incidents/template/download"),
    ("POST", "/v1/{project_id}/workspaces/{workspace_id}/soc/incidents/import"),
    ("POST", "/v1/{project_id}/workspaces/{workspace_id}/soc/incidents/export"),
    ("GET", "/v1/{project_id}/workspaces/{workspace_id}/soc/dataclasses"),
    ("GET", "/v1/{project_id}/workspaces/{workspace_id}/soc/dataclasses/{dataclass_id}"),
    ("GET", "/v1/{project_id}/workspaces/{workspace_id}/soc/dataclasses/{dataclass_id}/fields"),
    ("POST", "/v1/{project_id}/workspaces/{workspace_id}/soc/dataclasses"),
    ("POST", "/v1/{project_id}/workspaces/{workspace_id}/soc/dataclasses/{dataclass_id}/fields"),
    ("GET", "/v1/{project_id}/workspaces/{workspace_id}/soc/dataclasses/{dataclass_id}/types"),
    ("POST", "/v1/{project_id}/workspaces/{workspace_id}/soc/dataclasses/{dataclass_id}/types"),
    ("DELETE", "/v1/{project_id}/workspaces/{workspace_id}/soc/dataclasses/{dataclass_id}/types"),
    (
        "POST",
        "/v1/{project_id}/workspaces/{workspace_id}/soc/dataclasses/{dataclass_id}/types/enable",
    ),
}


async def test_openapi_documents_every_route_with_a_summary(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    docs = await client.get("/docs")

    documented = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    assert SERVED <= documented
    assert all(op.get("summary") for ops in spec["paths"].values() for op in ops.values())
    assert docs.status_code == 200


@pytest.mark.parametrize(("method", "path"), sorted(SERVED))
async def test_every_documented_route_is_served(
    client: httpx.AsyncClient, tenant: TenantInfo, method: str, path: str
) -> None:
    concrete = path.format(
        project_id=tenant.project_hex,
        workspace_id=tenant.workspace_id,
        key_id=tenant.workspace_id,
        access_key="AK",
        incident_id=tenant.workspace_id,
        dataclass_id="Incident",
    )

    response = await client.request(method, concrete)

    assert response.status_code != 405
    assert "route_not_found" not in response.text
    assert "SecMaster.20000404" not in response.text


async def test_openapi_documents_errors_as_the_api_answers_them(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()

    def error_schema(path: str, method: str) -> str:
        content = spec["paths"][path][method]["responses"]["400"]["content"]
        return str(content["application/json"]["schema"]["$ref"])

    assert all("422" not in ops[m]["responses"] for ops in spec["paths"].values() for m in ops)
    assert error_schema("/v1/incidents", "patch").endswith("/RegisterError")
    assert error_schema("/v3/auth/tokens", "post").endswith("/KeystoneError")
    secmaster = "/v1/{project_id}/workspaces/{workspace_id}/soc/incidents"
    assert error_schema(secmaster, "post").endswith("/SecMasterError")
