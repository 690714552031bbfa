"""Whatever a client sends to the comment, risk and avatar routes, the answer is never a 500."""

from __future__ import annotations

import base64

import httpx
import pytest
from hypothesis import strategies as st

from tests.avatars.images import tiny_png
from tests.factories import TenantInfo
from tests.kit.test_no_server_errors import examples, json_values, scalars
from tests.register.incidents.facts import create_incident

bodies = st.one_of(
    json_values,
    st.dictionaries(
        st.sampled_from(["content", "title", "description", "risk_ids"]), json_values, max_size=3
    ),
    st.builds(lambda ids: {"risk_ids": ids}, st.lists(st.uuids().map(str) | scalars, max_size=5)),
)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/incidents/INC-00001/comments"),
        ("POST", "/v1/risks"),
        ("PUT", "/v1/incidents/INC-00001/risks"),
    ],
)
async def test_arbitrary_json_never_gets_a_500(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, method: str, path: str
) -> None:
    await create_incident(admin_client, tenant)

    statuses = [
        (await admin_client.request(method, path, json=body)).status_code
        for body in examples(bodies, 50)
    ]

    assert max(statuses) < 500


ODD_IDS = ["%00", "%2F", "x" * 5000, "é", "..", "null", "0" * 32, "-1", "%20", "INC-" + "9" * 30]


@pytest.mark.parametrize(
    "template",
    ["/v1/incidents/{odd}/comments", "/v1/incidents/{odd}/risks", "/api/v1/users/{odd}/avatar"],
)
async def test_odd_ids_in_paths_never_get_a_500(
    admin_client: httpx.AsyncClient, template: str
) -> None:
    statuses = [
        (
            await admin_client.request(
                method, template.format(odd=odd), json={"content": "x", "risk_ids": []}
            )
        ).status_code
        for odd in ODD_IDS
        for method in ("GET", "POST", "PUT", "DELETE")
    ]

    assert max(statuses) < 500


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


async def test_odd_query_values_and_headers_never_get_a_500(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    await create_incident(admin_client, tenant)
    avatar = f"/api/v1/users/{tenant.admin_id}/avatar"
    await admin_client.put(avatar, content=tiny_png(), headers={"Content-Type": "image/png"})
    cursors = [
        "\x00",
        "%",
        "é" * 300,
        "",
        "null",
        _cursor("0001-01-01T00:00:00+05:00|7c9e6679-7425-40de-944b-e07fc1f90ae7"),
        _cursor("9999-12-31T23:59:59-05:00|7c9e6679-7425-40de-944b-e07fc1f90ae7"),
        _cursor("2026-01-01T00:00:00+00:00|not-a-uuid"),
        _cursor("x|y"),
    ]
    statuses = [
        (
            await admin_client.get("/v1/incidents/INC-00001/comments", params={name: value})
        ).status_code
        for name in ("cursor", "limit")
        for value in cursors
    ]
    statuses += [
        (await admin_client.get(avatar, params={"v": value})).status_code for value in cursors
    ]
    statuses += [
        (await admin_client.get(avatar, headers={"If-None-Match": value})).status_code
        for value in ["*", '""', "W/", ",,,", "x" * 10_000, "é".encode("latin-1")]
    ]
    statuses += [
        (
            await admin_client.put(avatar, content=tiny_png(), headers={"Content-Type": ct})
        ).status_code
        for ct in [
            "image/png; charset=é".encode("latin-1"),
            b"multipart/form-data; boundary=",
            b"image/",
            b"*/*",
        ]
    ]

    assert max(statuses) < 500
