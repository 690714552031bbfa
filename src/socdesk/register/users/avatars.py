"""Avatar routes: `GET|PUT|DELETE /api/v1/users/{id}/avatar`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response, status

from socdesk.avatars.service import AvatarService, StoredAvatar
from socdesk.avatars.uploads import FILE_FIELD, read_avatar_upload
from socdesk.iam.dependencies import PrincipalDep
from socdesk.kit.db import SessionDep
from socdesk.kit.ids import parse_uuid
from socdesk.kit.params import UserIdPath
from socdesk.kit.routes import RegisterRoute
from socdesk.kit.schemas import QueryText
from socdesk.kit.uploads import multipart_file_body
from socdesk.register.users.schemas import AvatarOwner, RegisterUser
from socdesk.settings import SettingsDep

router = APIRouter(prefix="/api/v1/users", tags=["Register: avatars"], route_class=RegisterRoute)

IMMUTABLE = "private, max-age=31536000, immutable"
REVALIDATE = "private, no-cache"
IMAGE_CONTENT: dict[str, Any] = {
    "image/png": {"schema": {"type": "string", "format": "binary"}},
    "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
}


def _matches(if_none_match: str | None, etag_value: str) -> bool:
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        tag = candidate.strip().removeprefix("W/").strip('"')
        if tag in ("*", etag_value):
            return True
    return False


def _image_response(avatar: StoredAvatar, v: str | None, if_none_match: str | None) -> Response:
    headers = {
        "ETag": f'"{avatar.hash}"',
        # Only a URL naming the current version may be cached for good; any other must ask.
        "Cache-Control": IMMUTABLE if v == avatar.hash else REVALIDATE,
        "X-Content-Type-Options": "nosniff",
    }
    if _matches(if_none_match, avatar.hash):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(avatar.image, media_type=avatar.content_type, headers=headers)


@router.get(
    "/{user_id}/avatar",
    summary="A user's avatar image",
    response_class=Response,
    responses={
        200: {"content": IMAGE_CONTENT, "description": "The image, with its ETag."},
        304: {"description": "If-None-Match names the current image."},
        404: {"description": "The user has no avatar or is not of your project."},
    },
)
async def get_avatar(
    user_id: UserIdPath,
    principal: PrincipalDep,
    session: SessionDep,
    v: Annotated[
        QueryText | None,
        Query(max_length=64, description="The version from `icon`; makes the answer cacheable."),
    ] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    avatar = await AvatarService(session, principal).read(parse_uuid(user_id, "user_id"))
    return _image_response(avatar, v, if_none_match)


@router.put(
    "/{user_id}/avatar",
    summary="Upload a user's avatar (PNG or JPEG)",
    openapi_extra=multipart_file_body(FILE_FIELD, other_content=IMAGE_CONTENT),
    responses={
        400: {"description": "Empty, not a PNG or JPEG, or not the type declared."},
        403: {"description": "Only the user and project administrators may."},
        404: {"description": "No such user in your project."},
        413: {"description": "Over SOCDESK_AVATAR_MAX_BYTES."},
    },
)
async def put_avatar(
    user_id: UserIdPath,
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
) -> AvatarOwner:
    target = parse_uuid(user_id, "user_id")
    service = AvatarService(session, principal)
    # Who may change it is settled before the body is read.
    user = await service.changeable_user(target)
    upload = await read_avatar_upload(request, settings.avatar_max_bytes)
    await service.replace(user, upload)
    return AvatarOwner(user=RegisterUser.of(user))


@router.delete(
    "/{user_id}/avatar",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a user's avatar",
    responses={
        403: {"description": "Only the user and project administrators may."},
        404: {"description": "No such user in your project."},
    },
)
async def delete_avatar(user_id: UserIdPath, principal: PrincipalDep, session: SessionDep) -> None:
    await AvatarService(session, principal).remove(parse_uuid(user_id, "user_id"))
