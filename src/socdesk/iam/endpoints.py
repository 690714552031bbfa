"""Identity routes: Keystone-style tokens (/v3/auth/tokens), API keys and AK/SK access keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response, status

from socdesk.iam.dependencies import AuthServiceDep, PrincipalDep
from socdesk.iam.schemas import (
    AccessKeyCreated,
    AccessKeyCreatedResponse,
    AccessKeyList,
    AccessKeyOut,
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyCreatedResponse,
    ApiKeyList,
    ApiKeyOut,
    TokenRequest,
    TokenResponse,
)
from socdesk.iam.service import IssuedToken
from socdesk.kit.errors import NotFound, TooManyRequests, Unauthenticated
from socdesk.kit.ids import parse_uuid
from socdesk.kit.openapi import may_answer
from socdesk.kit.params import AccessKeyPath, ApiKeyIdPath
from socdesk.kit.routes import KeystoneRoute
from socdesk.models import AuthToken, Project, TokenKind, User

router = APIRouter(prefix="/v3/auth", tags=["Identity"], route_class=KeystoneRoute)

SubjectToken = Annotated[str, Header(alias="X-Subject-Token", description="The token to act on.")]


def _token_response(token: AuthToken, user: User, project: Project) -> TokenResponse:
    return TokenResponse.model_validate(
        {
            "token": {
                "methods": ["password"] if token.kind is TokenKind.session else ["token"],
                "expires_at": token.expires_at,
                "issued_at": token.issued_at,
                "user": {
                    "id": user.id.hex,
                    "name": user.email,
                    "domain": {"id": project.id.hex, "name": project.name},
                },
                "project": {"id": project.id.hex, "name": project.name},
            }
        }
    )


@router.post(
    "/tokens",
    status_code=status.HTTP_201_CREATED,
    summary="Log in with a password; the token is in the X-Subject-Token header",
)
@may_answer(Unauthenticated, TooManyRequests)
async def issue_token(
    body: TokenRequest, response: Response, auth: AuthServiceDep
) -> TokenResponse:
    issued: IssuedToken = await auth.login(body)
    response.headers["X-Subject-Token"] = issued.value
    return _token_response(issued.record, issued.user, issued.project)


@router.get("/tokens", summary="Validate the token in X-Subject-Token")
@may_answer(NotFound)
async def validate_token(
    subject: SubjectToken, response: Response, caller: PrincipalDep, auth: AuthServiceDep
) -> TokenResponse:
    token, user, project = await auth.validate_subject(caller, subject)
    response.headers["X-Subject-Token"] = subject
    return _token_response(token, user, project)


@router.delete(
    "/tokens", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke the token in X-Subject-Token"
)
@may_answer(NotFound)
async def revoke_token(subject: SubjectToken, caller: PrincipalDep, auth: AuthServiceDep) -> None:
    await auth.revoke_token(caller, subject)


@router.post(
    "/api-keys", status_code=status.HTTP_201_CREATED, summary="Create an API key (shown once)"
)
async def create_api_key(
    body: ApiKeyCreate, caller: PrincipalDep, auth: AuthServiceDep
) -> ApiKeyCreatedResponse:
    issued = await auth.create_api_key(caller.user, caller.project, body.name, body.expires_in_days)
    out = ApiKeyOut.model_validate(issued.record)
    return ApiKeyCreatedResponse(api_key=ApiKeyCreated(**out.model_dump(), key=issued.value))


@router.get("/api-keys", summary="List your API keys (never their values)")
async def list_api_keys(caller: PrincipalDep, auth: AuthServiceDep) -> ApiKeyList:
    keys = await auth.list_api_keys(caller.user)
    return ApiKeyList(api_keys=[ApiKeyOut.model_validate(k) for k in keys])


@router.delete(
    "/api-keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke an API key"
)
async def revoke_api_key(key_id: ApiKeyIdPath, caller: PrincipalDep, auth: AuthServiceDep) -> None:
    await auth.revoke_api_key(caller.user, parse_uuid(key_id, "key_id"))


@router.post(
    "/access-keys",
    status_code=status.HTTP_201_CREATED,
    summary="Create an AK/SK pair for the SecMaster SDK (the SK is shown once)",
)
async def create_access_key(caller: PrincipalDep, auth: AuthServiceDep) -> AccessKeyCreatedResponse:
    record, secret = await auth.create_access_key(caller.user)
    out = AccessKeyOut.model_validate(record)
    return AccessKeyCreatedResponse(
        access_key=AccessKeyCreated(**out.model_dump(), secret_key=secret)
    )


@router.get("/access-keys", summary="List your access keys (never their secrets)")
async def list_access_keys(caller: PrincipalDep, auth: AuthServiceDep) -> AccessKeyList:
    keys = await auth.list_access_keys(caller.user)
    return AccessKeyList(access_keys=[AccessKeyOut.model_validate(k) for k in keys])


@router.delete(
    "/access-keys/{access_key}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke an access key",
)
async def revoke_access_key(
    access_key: AccessKeyPath, caller: PrincipalDep, auth: AuthServiceDep
) -> None:
    await auth.revoke_access_key(caller.user, access_key)
