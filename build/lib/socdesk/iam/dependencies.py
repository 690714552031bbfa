"""FastAPI dependencies that authenticate the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.iam import signing
from socdesk.iam.principal import Principal
from socdesk.iam.service import AuthService, SignedRequest
from socdesk.kit.db import SessionDep
from socdesk.kit.errors import Unauthenticated
from socdesk.kit.openapi import authenticates
from socdesk.settings import SettingsDep


def auth_service(request: Request, session: SessionDep, settings: SettingsDep) -> AuthService:
    throttle_sessions: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    return AuthService(session, settings, throttle_sessions)


AuthServiceDep = Annotated[AuthService, Depends(auth_service)]


async def _signed_request(request: Request) -> SignedRequest:
    headers = {k.lower(): v for k, v in request.headers.items()}
    declared = headers.get("x-sdk-content-sha256")
    content_type = headers.get("content-type", "")
    # The SDK leaves file uploads unsigned; their body is parsed as a form and is not read here.
    unsigned = declared == signing.UNSIGNED_PAYLOAD and not content_type.startswith(
        ("application/json", "application/bson")
    )
    return SignedRequest(
        method=request.method,
        path=request.url.path,
        raw_query=request.url.query,
        headers=headers,
        body=None if unsigned else await request.body(),
    )


def _bearer(request: Request) -> str | None:
    token = request.headers.get("x-auth-token")
    if token:
        return token.strip()
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


@authenticates
async def current_principal(request: Request, auth: AuthServiceDep) -> Principal:
    """The caller, proved by an AK/SK signature, an `X-Auth-Token` or an `Authorization: Bearer`
    token; 401 when none is present or none verifies."""
    authorization = request.headers.get("authorization")
    if signing.is_signed(authorization):
        assert authorization is not None
        return await auth.principal_for_signature(await _signed_request(request), authorization)
    token = _bearer(request)
    if token is None:
        raise Unauthenticated("authentication required: send X-Auth-Token or sign the request")
    return await auth.principal_for_token(token)


PrincipalDep = Annotated[Principal, Depends(current_principal)]
