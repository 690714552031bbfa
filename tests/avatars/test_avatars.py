"""Avatars: `GET|PUT|DELETE /api/v1/users/{id}/avatar` and the `icon` that points at them."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.models import Role, User, UserAvatar
from socdesk.settings import Settings
from tests.avatars.images import tiny_jpeg, tiny_png
from tests.factories import TenantInfo, login, make_member, make_tenant
from tests.register.incidents.facts import admin_headers

IMMUTABLE = "private, max-age=31536000, immutable"


def version_of(image: bytes) -> str:
    return hashlib.sha256(image).hexdigest()[:16]


async def member(
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
    role: Role = Role.analyst,
) -> tuple[str, dict[str, str]]:
    """A new member's id and auth headers."""
    email = await make_member(sessions, tenant, role)
    async with sessions() as session:
        user_id = await session.scalar(select(User.id).where(User.email == email))
    return str(user_id), {"X-Auth-Token": await login(client, email, tenant.project_name)}


async def test_an_uploaded_png_is_served_with_its_version(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    image = tiny_png()
    path = f"/api/v1/users/{tenant.admin_id}/avatar"

    put = await admin_client.put(path, content=image, headers={"Content-Type": "image/png"})
    version = version_of(image)
    users = (await admin_client.get("/v1/users")).json()["users"]
    pinned = await admin_client.get(path, params={"v": version})
    unpinned = await admin_client.get(path)
    stale = await admin_client.get(path, params={"v": "0" * 16})
    cached = await admin_client.get(path, headers={"If-None-Match": f'"{version}"'})
    cached_weak = await admin_client.get(path, headers={"If-None-Match": f'"x", W/"{version}"'})
    changed = await admin_client.get(path, headers={"If-None-Match": '"somethingelse"'})

    icon = f"users/{tenant.admin_id}/avatar?v={version}"
    assert put.status_code == 200, put.text
    assert put.json() == {
        "user": {
            "id": str(tenant.admin_id),
            "email": tenant.admin_email,
            "first_name": "",
            "last_name": "",
            "icon": icon,
        }
    }
    assert {u["email"]: u["icon"] for u in users}[tenant.admin_email] == icon
    assert pinned.status_code == 200
    assert pinned.content == image
    assert pinned.headers["content-type"] == "image/png"
    assert pinned.headers["etag"] == f'"{version}"'
    assert pinned.headers["cache-control"] == IMMUTABLE
    assert pinned.headers["x-content-type-options"] == "nosniff"
    assert unpinned.content == image
    assert unpinned.headers["cache-control"] == "private, no-cache"
    assert stale.headers["cache-control"] == "private, no-cache"
    assert (cached.status_code, cached.content) == (304, b"")
    assert cached.headers["etag"] == f'"{version}"'
    assert cached_weak.status_code == 304
    assert (changed.status_code, changed.content) == (200, image)


async def test_a_user_uploads_a_jpeg_as_multipart_and_replaces_it(
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    user_id, headers = await member(client, sessions, tenant)
    path = f"/api/v1/users/{user_id}/avatar"
    jpeg, png = tiny_jpeg(), tiny_png((0, 128, 255))

    first = await client.put(path, files={"file": ("me.jpg", jpeg, "image/jpeg")}, headers=headers)
    served_jpeg = await client.get(path, headers=headers)
    second = await client.put(
        path, files={"file": ("me", png, "application/octet-stream")}, headers=headers
    )
    served_png = await client.get(path, params={"v": version_of(png)}, headers=headers)
    old_version = await client.get(
        path, params={"v": version_of(jpeg)}, headers={**headers, "If-None-Match": version_of(jpeg)}
    )
    async with sessions() as session:
        stored = (await session.scalars(select(UserAvatar))).all()

    assert first.status_code == 200, first.text
    assert first.json()["user"]["icon"] == f"users/{user_id}/avatar?v={version_of(jpeg)}"
    assert (served_jpeg.content, served_jpeg.headers["content-type"]) == (jpeg, "image/jpeg")
    assert second.json()["user"]["icon"] == f"users/{user_id}/avatar?v={version_of(png)}"
    assert (served_png.content, served_png.headers["content-type"]) == (png, "image/png")
    assert served_png.headers["cache-control"] == IMMUTABLE
    assert (old_version.status_code, old_version.content) == (200, png)
    assert old_version.headers["cache-control"] == "private, no-cache"
    assert [(a.content_type, a.image) for a in stored] == [("image/png", png)]


async def test_only_the_user_or_a_project_admin_may_change_an_avatar(
    client: httpx.AsyncClient,
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    analyst_id, analyst = await member(client, sessions, tenant)
    viewer_id, viewer = await member(client, sessions, tenant, Role.viewer)

    on_admin = await client.put(
        f"/api/v1/users/{tenant.admin_id}/avatar",
        content=tiny_png(),
        headers={**analyst, "Content-Type": "image/png"},
    )
    on_peer = await client.delete(f"/api/v1/users/{viewer_id}/avatar", headers=analyst)
    by_admin = await admin_client.put(
        f"/api/v1/users/{analyst_id}/avatar",
        content=tiny_png(),
        headers={"Content-Type": "image/png"},
    )
    viewer_reads = await client.get(f"/api/v1/users/{analyst_id}/avatar", headers=viewer)
    anonymous = await client.get(f"/api/v1/users/{analyst_id}/avatar")

    assert (on_admin.status_code, on_admin.json()["error"]) == (403, "permission_denied")
    assert on_peer.status_code == 403
    assert by_admin.status_code == 200
    assert by_admin.json()["user"]["id"] == analyst_id
    assert (viewer_reads.status_code, viewer_reads.content) == (200, tiny_png())
    assert anonymous.status_code == 401


async def test_users_of_other_projects_do_not_exist_for_the_caller(
    client: httpx.AsyncClient,
    admin_client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tenant: TenantInfo,
) -> None:
    await admin_client.put(
        f"/api/v1/users/{tenant.admin_id}/avatar",
        content=tiny_png(),
        headers={"Content-Type": "image/png"},
    )
    other = await make_tenant(sessions)
    theirs = await admin_headers(client, other)
    our_path = f"/api/v1/users/{tenant.admin_id}/avatar"

    read = await client.get(our_path, headers=theirs)
    write = await client.put(
        our_path, content=tiny_jpeg(), headers={**theirs, "Content-Type": "image/jpeg"}
    )
    remove = await client.delete(our_path, headers=theirs)
    without_avatar = await client.get(f"/api/v1/users/{other.admin_id}/avatar", headers=theirs)
    unknown = await admin_client.get(f"/api/v1/users/{uuid.uuid4()}/avatar")
    malformed = await admin_client.get("/api/v1/users/nobody/avatar")
    still_ours = await admin_client.get(our_path)

    for response in (read, write, remove, without_avatar, unknown):
        assert response.status_code == 404, response.text
        assert response.json()["error"] == "not_found"
    assert (malformed.status_code, malformed.json()["details"][0]["field"]) == (400, "user_id")
    assert still_ours.content == tiny_png()


@pytest.mark.parametrize(
    ("content_type", "body", "field"),
    [
        ("image/png", b"", "file"),
        ("image/png", b"GIF89a not allowed", "file"),
        ("image/png", tiny_jpeg(), "file"),
        ("image/jpeg", tiny_png(), "file"),
        ("text/plain", tiny_png(), "content-type"),
        ("application/octet-stream", tiny_png(), "content-type"),
        ("application/json", b'{"file": "x"}', "content-type"),
        ("", tiny_png(), "content-type"),
    ],
)
async def test_what_is_not_a_matching_png_or_jpeg_is_400(
    admin_client: httpx.AsyncClient,
    tenant: TenantInfo,
    content_type: str,
    body: bytes,
    field: str,
) -> None:
    path = f"/api/v1/users/{tenant.admin_id}/avatar"

    response = await admin_client.put(path, content=body, headers={"Content-Type": content_type})
    after = await admin_client.get("/v1/users")

    assert response.status_code == 400, response.text
    assert response.json()["error"] == "validation_failed"
    assert response.json()["details"][0]["field"] == field
    assert {u["icon"] for u in after.json()["users"]} == {None}


async def test_bad_multipart_uploads_are_400(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    path = f"/api/v1/users/{tenant.admin_id}/avatar"

    wrong_field = await admin_client.put(path, files={"image": ("a.png", tiny_png(), "image/png")})
    text_field = await admin_client.put(path, data={"file": "not a file"}, files={"x": b""})
    mislabelled = await admin_client.put(path, files={"file": ("a.png", tiny_jpeg(), "image/png")})
    not_an_image = await admin_client.put(path, files={"file": ("a.png", b"hello", "image/png")})
    broken = await admin_client.put(
        path, content=b"--x\r\nnonsense", headers={"Content-Type": "multipart/form-data"}
    )

    for response in (wrong_field, text_field, mislabelled, not_an_image, broken):
        assert response.status_code == 400, response.text
        assert response.json()["details"][0]["field"] == "file"


async def test_images_over_the_limit_are_413_naming_it(
    app: FastAPI, settings: Settings, admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    app.state.settings = settings.model_copy(update={"avatar_max_bytes": 100})
    path = f"/api/v1/users/{tenant.admin_id}/avatar"
    big = tiny_jpeg(comment=b"x" * 200)

    async def chunked() -> AsyncIterator[bytes]:  # no Content-Length: the size shows late
        yield big[:50]
        yield big[50:]

    raw = await admin_client.put(path, content=big, headers={"Content-Type": "image/jpeg"})
    streamed = await admin_client.put(
        path, content=chunked(), headers={"Content-Type": "image/jpeg"}
    )
    multipart = await admin_client.put(path, files={"file": ("a.jpg", big, "image/jpeg")})
    small = await admin_client.put(path, content=tiny_png(), headers={"Content-Type": "image/png"})

    for response in (raw, streamed, multipart):
        assert response.status_code == 413, response.text
        assert response.json()["error"] == "payload_too_large"
        assert "100 bytes" in response.json()["message"]
    assert len(tiny_png()) <= 100
    assert small.status_code == 200


async def test_deleting_an_avatar_clears_the_icon(
    admin_client: httpx.AsyncClient, tenant: TenantInfo
) -> None:
    path = f"/api/v1/users/{tenant.admin_id}/avatar"
    await admin_client.put(path, content=tiny_jpeg(), headers={"Content-Type": "image/jpeg"})

    deleted = await admin_client.delete(path)
    gone = await admin_client.get(path)
    again = await admin_client.delete(path)
    users = (await admin_client.get("/v1/users")).json()["users"]

    assert deleted.status_code == 204
    assert gone.status_code == 404
    assert again.status_code == 204
    assert {u["email"]: u["icon"] for u in users}[tenant.admin_email] is None
