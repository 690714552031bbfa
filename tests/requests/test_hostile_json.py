"""Hostile JSON (issue 10, defects 5 and 6): numbers that overflow or are not finite, and JSON
nested too deep, are 400s naming the problem, in every dialect and in JSON import files."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.kit.jsonbody import DEFAULT_MAX_DEPTH
from tests.factories import TenantInfo, password_body
from tests.secmaster.incidents.factories import seed_incidents
from tests.secmaster.incidents.payloads import incident_object, incidents_path


@pytest.fixture
def path(tenant: TenantInfo) -> str:
    return incidents_path(tenant.project_hex, tenant.workspace_id)


def nested(levels: int, leaf: object = 1) -> object:
    """`leaf` inside `levels` objects."""
    value = leaf
    for _ in range(levels):
        value = {"a": value}
    return value


def assert_400(response: httpx.Response, *words: str) -> dict[str, object]:
    assert response.status_code == 400, response.text
    body = response.json()  # strict: the answer itself must be valid JSON
    json.loads(response.text, parse_constant=lambda c: pytest.fail(f"{c} in the answer"))
    for word in words:
        assert word in response.text, response.text
    result: dict[str, object] = body
    return result


async def raw(client: httpx.AsyncClient, method: str, url: str, text: str) -> httpx.Response:
    return await client.request(
        method, url, content=text.encode(), headers={"Content-Type": "application/json"}
    )


# --- defect 5: numbers -------------------------------------------------------------------


@pytest.mark.parametrize("offset", [2**63, 2**64, 10**30])
async def test_a_search_offset_past_64_bits_is_400(
    admin_client: httpx.AsyncClient, path: str, offset: int
) -> None:
    response = await admin_client.post(f"{path}/search", json={"offset": offset})

    assert_400(response, "offset")


async def test_a_workspace_list_offset_past_64_bits_is_400(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    response = await admin_client.get(tenant.workspaces_path, params={"offset": str(2**63)})

    assert_400(response, "offset")


@pytest.mark.parametrize("literal", ["1e400", "-1e400", "Infinity", "-Infinity", "NaN"])
async def test_a_search_value_that_is_not_a_finite_number_is_400(
    admin_client: httpx.AsyncClient, path: str, literal: str
) -> None:
    text = '{"condition": {"conditions": [{"name": "c", "data": ["confidence", ">", VALUE]}]}}'
    response = await raw(admin_client, "POST", f"{path}/search", text.replace("VALUE", literal))

    assert_400(response, "condition.conditions.0.data.2")


async def test_a_search_integer_past_64_bits_is_400(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    condition = {"name": "c", "data": ["title", "=", 2**70]}
    response = await admin_client.post(
        f"{path}/search", json={"condition": {"conditions": [condition]}}
    )

    assert_400(response, "condition.conditions.0.data.2")


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
async def test_a_non_finite_version_is_a_400_in_valid_json(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
    literal: str,
) -> None:
    [incident_id] = await seed_incidents(sessions, tenant, 1)
    text = '{"data_object": {"title": "t", "version": LITERAL}}'.replace("LITERAL", literal)

    response = await raw(admin_client, "PUT", f"{path}/{incident_id}", text)

    assert_400(response, "version")


async def test_a_version_past_64_bits_is_400(
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    path: str,
) -> None:
    [incident_id] = await seed_incidents(sessions, tenant, 1)
    response = await admin_client.put(
        f"{path}/{incident_id}", json={"data_object": {"title": "t", "version": 2**64}}
    )

    assert_400(response, "version")


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400", "9" * 30])
async def test_non_finite_or_huge_numbers_in_free_json_are_refused_not_stored(
    admin_client: httpx.AsyncClient, path: str, literal: str
) -> None:
    data_object = json.dumps(incident_object(extend_properties={"score": 1}))
    text = '{"data_object": ' + data_object.replace('"score": 1', f'"score": [{literal}]') + "}"

    response = await raw(admin_client, "POST", path, text)
    found = await admin_client.post(f"{path}/search", json={})

    assert_400(response, "data_object.extend_properties.score.0")
    assert found.json()["total"] == 0


async def test_a_huge_number_literal_is_400(admin_client: httpx.AsyncClient, path: str) -> None:
    text = '{"data_object": {"title": "t", "count": ' + "9" * 100_000 + "}}"

    response = await raw(admin_client, "POST", path, text)

    assert_400(response, "count")


async def test_finite_numbers_in_free_json_round_trip(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    # (PostgreSQL's jsonb writes 1.5e300 back as a 301-digit integer: equal, not identical.)
    free = {"score": 1.5e15, "tiny": -2.5e-7, "big": 2**63 - 1, "small": -(2**63)}
    response = await admin_client.post(
        path, json={"data_object": incident_object(extend_properties=free)}
    )

    assert response.status_code == 200, response.text
    assert response.json()["data"]["data_object"]["extend_properties"] == free


async def test_nan_in_a_register_body_is_400_in_valid_json(admin_client: httpx.AsyncClient) -> None:
    response = await raw(admin_client, "POST", "/v1/incidents", '{"title": NaN}')

    body = assert_400(response, "title")
    assert body["error"] == "validation_failed"


async def test_nan_in_an_identity_body_is_400_in_valid_json(
    client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    text = json.dumps(password_body(tenant.admin_email, tenant.project_name)).replace(
        '"auth": {', '"auth": {"extra": NaN, ', 1
    )
    response = await raw(client, "POST", "/v3/auth/tokens", text)

    assert response.status_code == 400, response.text
    json.loads(response.text, parse_constant=lambda c: pytest.fail(f"{c} in the answer"))


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "1e400"])
async def test_a_json_import_file_with_a_non_finite_number_is_400(
    admin_client: httpx.AsyncClient, path: str, literal: str
) -> None:
    text = json.dumps([incident_object(count=7)]).replace('"count": 7', f'"count": {literal}')

    response = await admin_client.post(
        f"{path}/import", files={"uploadFile": ("incidents.json", text.encode())}
    )
    found = await admin_client.post(f"{path}/search", json={})

    assert_400(response, "count")
    assert found.json()["total"] == 0


# --- defect 6: depth ---------------------------------------------------------------------


@pytest.mark.parametrize("depth", [DEFAULT_MAX_DEPTH, 300, 900, 5000, 200_000])
async def test_free_json_nested_too_deep_is_400_naming_the_limit(
    admin_client: httpx.AsyncClient, path: str, depth: int
) -> None:
    body = {"data_object": incident_object(extend_properties={"x": "placeholder"})}
    text = json.dumps(body).replace('"placeholder"', "[" * depth + "]" * depth)

    response = await raw(admin_client, "POST", path, text)
    found = await admin_client.post(f"{path}/search", json={})

    assert_400(response, str(DEFAULT_MAX_DEPTH), "SOCDESK_JSON_MAX_DEPTH")
    assert found.json()["total"] == 0


async def test_json_just_within_the_depth_limit_is_kept(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    # data_object (2) + extend_properties (3) + x: the free value may use the rest.
    free = {"x": nested(DEFAULT_MAX_DEPTH - 3)}
    response = await admin_client.post(
        path, json={"data_object": incident_object(extend_properties=free)}
    )

    assert response.status_code == 200, response.text
    assert response.json()["data"]["data_object"]["extend_properties"] == free


@pytest.mark.parametrize(
    ("method", "route"),
    [("PATCH", "/v1/incidents"), ("POST", "/v1/sources"), ("POST", "/v3/auth/tokens")],
)
async def test_deep_bodies_are_400_on_every_dialect(
    admin_client: httpx.AsyncClient, method: str, route: str
) -> None:
    response = await raw(admin_client, method, route, "[" * 100_000 + "]" * 100_000)

    assert_400(response, "SOCDESK_JSON_MAX_DEPTH")


async def test_brackets_inside_strings_do_not_count_as_depth(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    text = '[[[{{{ "quoted \\" [[[' * 50
    response = await admin_client.post(
        path, json={"data_object": incident_object(title=text[:200])}
    )

    assert response.status_code == 200, response.text


@pytest.mark.parametrize("depth", [300, 900, 100_000])
async def test_a_json_import_file_nested_too_deep_is_400(
    admin_client: httpx.AsyncClient, path: str, depth: int
) -> None:
    text = json.dumps([incident_object(extend_properties={"x": "placeholder"})])
    text = text.replace('"placeholder"', "[" * depth + "]" * depth)

    response = await admin_client.post(
        f"{path}/import", files={"uploadFile": ("deep.json", text.encode())}
    )

    assert_400(response, str(DEFAULT_MAX_DEPTH), "SOCDESK_JSON_MAX_DEPTH")


async def test_the_depth_limit_is_a_setting(
    settings: object, tenant: TenantInfo, client: httpx.AsyncClient
) -> None:
    from socdesk.app import create_app
    from socdesk.settings import Settings
    from tests.factories import login

    assert isinstance(settings, Settings)
    app = create_app(settings.model_copy(update={"json_max_depth": 8}))
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as other:
            token = await login(other, tenant.admin_email, tenant.project_name)
            response = await other.post(
                "/v1/sources", json={"name": nested(9)}, headers={"X-Auth-Token": token}
            )
    finally:
        await app.state.engine.dispose()

    assert_400(response, "8", "SOCDESK_JSON_MAX_DEPTH")


async def test_a_huge_array_is_400(admin_client: httpx.AsyncClient, path: str) -> None:
    huge = {"batch_ids": list(range(1_000_000)), "data_object": {"title": "t"}}
    response = await admin_client.post(f"{path}/batch-update", json=huge)

    assert_400(response, "batch_ids")
    assert len(response.text) < 100_000


async def test_a_search_in_with_many_values_is_400_not_500(
    admin_client: httpx.AsyncClient, path: str
) -> None:
    condition = {"name": "c", "data": ["title", "in", *(f"t{i}" for i in range(100_000))]}
    response = await admin_client.post(
        f"{path}/search", json={"condition": {"conditions": [condition]}}
    )

    assert_400(response, "condition.conditions.0.data")


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("[" * 5000 + "]" * 5000, ("network_list", str(DEFAULT_MAX_DEPTH))),
        ('[{"src_port": NaN}]', ("network_list", "NaN")),
    ],
)
async def test_a_json_cell_of_a_csv_file_follows_the_same_rule(
    admin_client: httpx.AsyncClient, path: str, cell: str, words: tuple[str, ...]
) -> None:
    from tests.transfer.files import HEADER, csv_file, good_row

    row = good_row()
    row[HEADER.index("network_list")] = cell
    response = await admin_client.post(
        f"{path}/import", files={"uploadFile": ("incidents.csv", csv_file(HEADER, [row]))}
    )
    found = await admin_client.post(f"{path}/search", json={})

    assert_400(response, *words)
    assert found.json()["total"] == 0
