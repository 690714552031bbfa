"""FastAPI dependencies that authenticate the caller."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request, params
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.iam import signing
from socdesk.iam.principal import Principal
from socdesk.iam.service import AuthService, SignedRequest
from socdesk.kit.db import SessionDep
from socdesk.kit.errors import Unauthenticated
from socdesk.kit.openapi import authenticates
from socdesk.kit.routes import route_reads_only
from socdesk.kit.uploads import MULTIPART, media_type
from socdesk.settings import Settings, SettingsDep


def _auth_service(request: Request, session: AsyncSession, settings: Settings) -> AuthService:
    throttle_sessions: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    return AuthService(session, settings, throttle_sessions)


# Async, as every dependency on the request path: a plain `def` would be run on the thread pool.
async def auth_service(request: Request, session: SessionDep, settings: SettingsDep) -> AuthService:
    return _auth_service(request, session, settings)


AuthServiceDep = Annotated[AuthService, Depends(auth_service)]


def _takes_upload(request: Request) -> bool:
    """Whether the matched route reads its body as a multipart/form-data upload (it declares
    one in OpenAPI, or FastAPI parses a form for it) and not as JSON."""
    route = request.scope.get("route")
    body_field = getattr(route, "body_field", None)
    if body_field is not None:
        return isinstance(body_field.field_info, params.Form)
    extra = getattr(route, "openapi_extra", None) or {}
    content = extra.get("requestBody", {}).get("content", {})
    return MULTIPART in content


async def _signed_request(request: Request) -> SignedRequest:
    headers = {k.lower(): v for k, v in request.headers.items()}
    # The SDK leaves one kind of body unsigned: a multipart file upload. Only there is the body
    # left unread (the upload route parses the form itself); every other body is read and must
    # match its signed hash, whatever its Content-Type is spelled.
    unsigned_upload = (
        headers.get("x-sdk-content-sha256") == signing.UNSIGNED_PAYLOAD
        and media_type(headers.get("content-type")) == MULTIPART
        and _takes_upload(request)
    )
    body = None
    if not unsigned_upload:
        try:
            body = await request.body()
        except RuntimeError:
            # A route whose form FastAPI parsed before this check: its bytes are gone.
            raise Unauthenticated(
                "this route reads its upload before the signature is checked: send it as "
                "X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD"
            ) from None
    return SignedRequest(
        method=request.method,
        path=request.url.path,
        raw_query=request.url.query,
        headers=headers,
        body=body,
        writes=request.method.upper() in signing.WRITE_METHODS
        and not route_reads_only(request.scope),
    )


def _bearer(request: Request) -> str | None:
    token = request.headers.get("x-auth-token")
    if token:
        return token.strip()
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


# Matches no workspace: for a workspace id that is no UUID (its route refuses it anyway).
_NO_WORKSPACE = uuid.UUID(int=0)


def _named_workspace(request: Request) -> uuid.UUID | None:
    """The workspace the request names — in its path (SecMaster), else in `X-Workspace-Id`
    (register) — to be read with the credential; None for the user's default workspace."""
    named = request.path_params.get("workspace_id") or request.headers.get("x-workspace-id")
    if not named:
        return None
    try:
        return uuid.UUID(named)
    except ValueError:
        return _NO_WORKSPACE


@authenticates
async def current_principal(request: Request, session: SessionDep) -> Principal:
    """The caller, proved by an AK/SK signature, an `X-Auth-Token` or an `Authorization: Bearer`
    token; 401 when none is present or none verifies."""
    # Every request solves this dependency: the service is built here rather than as two more
    # dependencies (AuthServiceDep, SettingsDep) for FastAPI to solve.
    auth = _auth_service(request, session, request.app.state.settings)
    authorization = request.headers.get("authorization")
    if signing.is_signed(authorization):
        assert authorization is not None
        return await auth.principal_for_signature(await _signed_request(request), authorization)
    token = _bearer(request)
    if token is None:
        raise Unauthenticated("authentication required: send X-Auth-Token or sign the request")
    return await auth.principal_for_token(token, _named_workspace(request))


PrincipalDep = Annotated[Principal, Depends(current_principal)]
