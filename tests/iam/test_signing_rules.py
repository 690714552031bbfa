"""What an AK/SK signature must cover, and refusing the replay of a signed write.

Every request here is signed by the official SDK's own signer (huaweicloudsdkcore), then
tampered with where a test says so, and sent over HTTP to the app.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.app import create_app
from socdesk.iam.repository import IdentityRepository
from socdesk.models import Incident, Role, SpentSignature, Workspace
from socdesk.settings import Settings
from tests.factories import TenantInfo, make_access_key, make_member
from tests.secmaster.incidents.payloads import incident_object, incidents_path
from tests.transfer.files import HEADER, csv_file, good_row

JSON = "application/json;charset=UTF-8"
HOST = "testserver"


class HandMadeSigner(Signer):
    """The SDK's signer as a hand-made client might vary it: leaving some headers out of
    SignedHeaders, or hashing every body whatever its Content-Type."""

    def __init__(
        self, credentials: BasicCredentials, leave: set[str], *, hash_every_body: bool
    ) -> None:
        super().__init__(credentials)
        self.leave = leave
        self.hash_every_body = hash_every_body

    def _process_signed_headers(self, request: SdkRequest) -> list[str]:  # type: ignore[override]
        return [h for h in Signer._process_signed_headers(request) if h not in self.leave]

    def _process_content_header(self, request: SdkRequest) -> None:  # type: ignore[override]
        if not self.hash_every_body:
            Signer._process_content_header(request)


@dataclass
class Signed:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    async def send(self, client: httpx.AsyncClient, body: bytes | None = None) -> httpx.Response:
        content = self.body if body is None else body
        return await client.request(self.method, self.path, headers=self.headers, content=content)


@dataclass
class Keys:
    ak: str
    sk: str
    project: str

    def sign(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        content_type: str | None = JSON,
        *,
        headers: dict[str, str] | None = None,
        leave: set[str] | None = None,
        hash_every_body: bool = False,
    ) -> Signed:
        header_params = {"X-Project-Id": self.project, **(headers or {})}
        if content_type is not None:
            header_params["Content-Type"] = content_type
        request = SdkRequest(
            method=method,
            schema="http",
            host=HOST,
            resource_path=path,
            query_params=[],
            header_params=header_params,
            body=body,
        )
        credentials = BasicCredentials(self.ak, self.sk, self.project)
        if leave or hash_every_body:
            HandMadeSigner(credentials, leave or set(), hash_every_body=hash_every_body).sign(
                request
            )
        else:
            Signer(credentials).sign(request)
        return Signed(method, path, dict(request.header_params), request.body or b"")


@pytest.fixture
async def keys(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, tenant: TenantInfo
) -> Keys:
    ak, sk = await make_access_key(sessions, settings, tenant, tenant.admin_email)
    return Keys(ak, sk, tenant.project_hex)


async def workspace_names(sessions: async_sessionmaker[AsyncSession]) -> set[str]:
    async with sessions() as session:
        return set((await session.scalars(select(Workspace.name))).all())


async def incident_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Incident)) or 0)


def workspace_body(name: str) -> bytes:
    return json.dumps({"name": name}).encode()


def upload(boundary: str, content: bytes) -> bytes:
    return (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="uploadFile"; filename="in.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )


# --- the body hash ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "Application/JSON",
        "APPLICATION/JSON; charset=utf-8",
        "application/vnd.api+json",
        "application/merge-patch+json",
        "text/plain",
        "application/x-www-form-urlencoded",
    ],
)
async def test_an_unsigned_json_body_is_refused_whatever_its_content_type(
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    keys: Keys,
    content_type: str,
) -> None:
    # The SDK's signer itself declares UNSIGNED-PAYLOAD for any type not spelled application/json.
    signed = keys.sign("POST", tenant.workspaces_path, workspace_body("honest"), content_type)
    assert signed.headers["X-Sdk-Content-Sha256"] == "UNSIGNED-PAYLOAD"

    forged = await signed.send(client, workspace_body("forged"))
    honest = await signed.send(client)

    assert forged.status_code == 401
    assert honest.status_code == 401
    assert "UNSIGNED-PAYLOAD" in honest.json()["message"]
    assert await workspace_names(sessions) == {"main"}


async def test_unsigned_payload_declared_over_application_json_is_refused_too(
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    keys: Keys,
) -> None:
    signed = keys.sign(
        "POST",
        tenant.workspaces_path,
        workspace_body("honest"),
        headers={"X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD"},
    )

    forged = await signed.send(client, workspace_body("forged"))

    assert forged.status_code == 401
    assert await workspace_names(sessions) == {"main"}


async def test_an_unsigned_multipart_body_is_refused_where_the_route_reads_json(
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    keys: Keys,
) -> None:
    signed = keys.sign(
        "POST",
        tenant.workspaces_path,
        workspace_body("honest"),
        "multipart/form-data; boundary=x",
    )

    answer = await signed.send(client)

    assert answer.status_code == 401
    assert "multipart/form-data file upload" in answer.json()["message"]
    assert await workspace_names(sessions) == {"main"}


async def test_a_hashed_json_body_with_any_content_type_spelling_is_accepted(
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    keys: Keys,
) -> None:
    # A client that hashes the body may spell the type as it likes.
    resigned = keys.sign(
        "POST",
        tenant.workspaces_path,
        workspace_body("hashed"),
        "Application/JSON",
        hash_every_body=True,
    )
    assert "X-Sdk-Content-Sha256" not in resigned.headers

    answer = await resigned.send(client)

    assert answer.status_code == 200, answer.text
    assert await workspace_names(sessions) == {"main", "hashed"}


# --- signed headers --------------------------------------------------------------------------


@pytest.mark.parametrize("leave", ["host", "x-sdk-date", "content-type"])
async def test_host_date_and_content_type_must_be_signed(
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    keys: Keys,
    leave: str,
) -> None:
    signed = keys.sign("POST", tenant.workspaces_path, workspace_body("x"), leave={leave})
    assert leave not in signed.headers["Authorization"].split("SignedHeaders=")[1]

    answer = await signed.send(client)

    assert answer.status_code == 401
    assert leave in answer.json()["message"]
    assert "SignedHeaders must include" in answer.json()["message"]
    assert await workspace_names(sessions) == {"main"}


async def test_only_host_and_date_signed_is_refused_for_a_read_too(
    client: httpx.AsyncClient, tenant: TenantInfo, keys: Keys
) -> None:
    only_date = keys.sign(
        "GET", tenant.workspaces_path, content_type=None, leave={"host", "x-project-id"}
    )
    host_and_date = keys.sign(
        "GET", tenant.workspaces_path, content_type=None, leave={"x-project-id"}
    )

    refused = await only_date.send(client)
    accepted = await host_and_date.send(client)

    assert refused.status_code == 401
    assert "host" in refused.json()["message"]
    # A read without a body need not sign a content-type it does not have.
    assert accepted.status_code == 200


# --- replays ---------------------------------------------------------------------------------


async def test_three_identical_signed_creates_make_one_incident(
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    keys: Keys,
) -> None:
    path = incidents_path(tenant.project_hex, tenant.workspace_id)
    signed = keys.sign("POST", path, json.dumps({"data_object": incident_object()}).encode())

    answers = [await signed.send(client) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 401, 401]
    assert "replay" in answers[1].json()["message"]
    assert await incident_count(sessions) == 1


async def test_a_replay_is_refused_by_another_api_process(
    app: FastAPI,
    client: httpx.AsyncClient,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    keys: Keys,
) -> None:
    path = incidents_path(tenant.project_hex, tenant.workspace_id)
    signed = keys.sign("POST", path, json.dumps({"data_object": incident_object()}).encode())
    other = create_app(settings)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=other), base_url=f"http://{HOST}"
        ) as other_client:
            first = await signed.send(client)
            replayed = await signed.send(other_client)
    finally:
        await other.state.engine.dispose()

    assert (first.status_code, replayed.status_code) == (200, 401)
    assert await incident_count(sessions) == 1


@pytest.fixture
async def second_process(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    other = create_app(settings)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=other), base_url=f"http://{HOST}"
        ) as other_client:
            yield other_client
    finally:
        await other.state.engine.dispose()


async def test_two_racing_copies_of_a_signed_create_make_one_incident(
    client: httpx.AsyncClient,
    second_process: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    keys: Keys,
) -> None:
    path = incidents_path(tenant.project_hex, tenant.workspace_id)
    signed = keys.sign("POST", path, json.dumps({"data_object": incident_object()}).encode())

    answers = await asyncio.gather(signed.send(client), signed.send(second_process))

    assert sorted(a.status_code for a in answers) == [200, 401]
    assert await incident_count(sessions) == 1


async def test_a_signed_write_that_failed_may_be_sent_again(
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: TenantInfo,
) -> None:
    # A viewer may not create: the refused request is rolled back, its signature stays unspent,
    # and sending it again fails the same way (not as a replay).
    viewer = await make_member(sessions, tenant, Role.viewer)
    ak, sk = await make_access_key(sessions, settings, tenant, viewer)
    path = incidents_path(tenant.project_hex, tenant.workspace_id)
    signed = Keys(ak, sk, tenant.project_hex).sign(
        "POST", path, json.dumps({"data_object": incident_object()}).encode()
    )

    answers = [await signed.send(client) for _ in range(2)]

    assert [a.status_code for a in answers] == [403, 403]
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(SpentSignature)) == 0


async def test_a_signed_write_refused_as_invalid_may_be_sent_again(
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    keys: Keys,
) -> None:
    path = incidents_path(tenant.project_hex, tenant.workspace_id)
    schema_error = keys.sign("POST", path, json.dumps({"data_object": {"colour": 1}}).encode())
    rule_error = keys.sign(
        "POST", path, json.dumps({"data_object": incident_object(severity="Dire")}).encode()
    )

    answers = [await signed.send(client) for signed in (schema_error, rule_error) for _ in "ab"]

    assert [a.status_code for a in answers] == [400, 400, 400, 400]
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(SpentSignature)) == 0


async def test_a_signed_read_may_be_replayed(
    client: httpx.AsyncClient, tenant: TenantInfo, keys: Keys
) -> None:
    signed = keys.sign("GET", tenant.workspaces_path)

    answers = [await signed.send(client) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 200]


@pytest.mark.parametrize("route", ["search", "export"])
async def test_a_signed_post_that_only_reads_may_be_replayed(
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    keys: Keys,
    route: str,
) -> None:
    # A client polling a search, or exporting twice, within one second of X-Sdk-Date sends the
    # same signature: these POSTs change nothing, so they are reads, not replayed writes.
    path = incidents_path(tenant.project_hex, tenant.workspace_id) + f"/{route}"
    signed = keys.sign("POST", path, b'{"limit": 10}' if route == "search" else b"{}")

    answers = [await signed.send(client) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 200]
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(SpentSignature)) == 0


async def test_an_unsigned_upload_is_accepted_once_even_if_it_failed(
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    keys: Keys,
) -> None:
    path = incidents_path(tenant.project_hex, tenant.workspace_id) + "/import"
    good = keys.sign(
        "POST",
        path,
        upload("b1", csv_file(HEADER, [good_row("uploaded")])),
        "multipart/form-data; boundary=b1",
    )
    bad = keys.sign(
        "POST", path, upload("b2", b"not a spreadsheet"), "multipart/form-data; boundary=b2"
    )
    assert good.headers["X-Sdk-Content-Sha256"] == "UNSIGNED-PAYLOAD"

    imported = await good.send(client)
    replayed = await good.send(client)
    failed = await bad.send(client)
    failed_again = await bad.send(client)

    assert imported.status_code == 200, imported.text
    assert len(imported.json()["data"]["ids"]) == 1
    assert replayed.status_code == 401
    # Its signature does not pin the body, so even a failed upload spends it at once.
    assert (failed.status_code, failed_again.status_code) == (400, 401)
    assert await incident_count(sessions) == 1


async def test_expired_signatures_are_purged_and_live_ones_kept(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    now = datetime.now(UTC)
    async with sessions.begin() as session:
        repo = IdentityRepository(session)
        assert await repo.spend_signature("a" * 64, now - timedelta(seconds=1))
        assert await repo.spend_signature("b" * 64, now + timedelta(minutes=10))
        assert not await repo.spend_signature("b" * 64, now + timedelta(minutes=10))

    async with sessions.begin() as session:
        purged = await IdentityRepository(session).purge_spent_signatures(now)
    async with sessions() as session:
        left: list[Any] = list((await session.scalars(select(SpentSignature.signature_hash))).all())

    assert purged == 1
    assert left == ["b" * 64]
