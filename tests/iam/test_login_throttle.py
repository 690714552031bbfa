"""Login throttling keys on the account a login resolves to, whatever spelling names it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from socdesk.app import create_app
from socdesk.settings import Settings
from tests.factories import PASSWORD, TenantInfo

# Long enough that no test outlives a block, so nothing here depends on how fast requests run.
BLOCK_SECONDS = 600


@pytest.fixture
async def strict(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app whose first block lasts ten minutes (5 free failures, as default)."""
    application: FastAPI = create_app(
        settings.model_copy(
            update={
                "login_first_block_seconds": BLOCK_SECONDS,
                "login_max_block_seconds": BLOCK_SECONDS,
            }
        )
    )
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application), base_url="http://testserver"
        ) as client:
            yield client
    finally:
        await application.state.engine.dispose()


def spellings(tenant: TenantInfo) -> list[dict[str, str]]:
    """Every way a Keystone `domain` may name the tenant's project."""
    dashed = str(tenant.project_id)
    return [
        {"id": tenant.project_hex},
        {"id": dashed},
        {"id": tenant.project_hex.upper()},
        {"id": dashed.upper()},
        {"id": "{" + dashed + "}"},
        {"id": "urn:uuid:" + dashed},
        {"name": tenant.project_name},
        {"id": tenant.project_hex, "name": tenant.project_name},
    ]


def body(email: str, domain: dict[str, str], password: str) -> dict[str, object]:
    user = {"name": email, "password": password, "domain": domain}
    return {"auth": {"identity": {"methods": ["password"], "password": {"user": user}}}}


async def test_every_spelling_of_the_project_logs_in(
    client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    answers = [
        (await client.post("/v3/auth/tokens", json=body(tenant.admin_email, d, PASSWORD)))
        for d in spellings(tenant)
    ]

    assert [a.status_code for a in answers] == [201] * len(answers)


async def test_a_blocked_account_stays_blocked_under_every_spelling(
    strict: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    first, *others = spellings(tenant)
    wrong = [
        (await strict.post("/v3/auth/tokens", json=body(tenant.admin_email, first, "nope")))
        for _ in range(6)
    ]
    guesses = [
        await strict.post("/v3/auth/tokens", json=body(email, domain, "still wrong"))
        for domain in others
        for email in (tenant.admin_email, tenant.admin_email.upper())
    ]
    right = [
        await strict.post("/v3/auth/tokens", json=body(tenant.admin_email, domain, PASSWORD))
        for domain in [first, *others]
    ]

    assert [w.status_code for w in wrong] == [401] * 5 + [429]
    for answer in guesses + right:
        assert answer.status_code == 429, answer.request.content
        assert 1 <= int(answer.headers["Retry-After"]) <= BLOCK_SECONDS
        assert "X-Subject-Token" not in answer.headers


async def test_an_unknown_user_is_throttled_the_same_way(
    strict: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    first, *others = spellings(tenant)
    nobody = f"nobody@{tenant.project_name}.example"
    wrong = [
        (await strict.post("/v3/auth/tokens", json=body(nobody, first, "nope"))) for _ in range(6)
    ]
    guesses = [
        await strict.post("/v3/auth/tokens", json=body(nobody.upper(), domain, "nope"))
        for domain in others
    ]
    admin = await strict.post("/v3/auth/tokens", json=body(tenant.admin_email, first, PASSWORD))

    assert [w.status_code for w in wrong] == [401] * 5 + [429]
    assert {g.status_code for g in guesses} == {429}
    # The same answer as for a real account: a blocked guesser learns nothing about existence.
    assert guesses[0].json()["error"]["message"].startswith("too many failed logins")
    # Another account of the project is not affected.
    assert admin.status_code == 201


async def test_the_block_schedule_starts_at_the_first_block_setting(
    strict: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    domain = spellings(tenant)[0]
    for _ in range(5):
        await strict.post("/v3/auth/tokens", json=body(tenant.admin_email, domain, "nope"))

    blocked = await strict.post("/v3/auth/tokens", json=body(tenant.admin_email, domain, PASSWORD))

    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > BLOCK_SECONDS - 60
