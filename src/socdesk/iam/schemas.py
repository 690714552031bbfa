"""Bodies of the Keystone-style identity API (/v3)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import AliasChoices, ConfigDict, Field, model_validator

from socdesk.kit.schemas import RequestBody, ResponseBody


class IdentityBody(RequestBody):
    """A /v3 request body, validated strictly: a number must be a JSON integer (not `true`, not
    `"30"`, not `30.0`) and text must be a JSON string, as every Keystone client sends them."""

    model_config = ConfigDict(strict=True)


def _declare_id_or_name(schema: dict[str, Any]) -> None:
    """The document says what `needs_id_or_name` refuses, so a client built from it sends one."""
    schema["anyOf"] = [
        {"required": [key], "properties": {key: {"type": "string", "minLength": 1}}}
        for key in ("id", "name")
    ]


class NamedRef(IdentityBody):
    model_config = ConfigDict(json_schema_extra=_declare_id_or_name)

    id: str | None = None
    name: str | None = None

    @model_validator(mode="after")
    def needs_id_or_name(self) -> NamedRef:
        if not self.id and not self.name:
            raise ValueError("give id or name")
        return self


class PasswordUser(IdentityBody):
    model_config = ConfigDict(json_schema_extra=_declare_id_or_name)

    name: str | None = Field(default=None, description="The user's email.")
    id: str | None = None
    password: str = Field(min_length=1, max_length=1024)
    domain: NamedRef | None = Field(default=None, description="The user's project.")

    @model_validator(mode="after")
    def needs_id_or_name(self) -> PasswordUser:
        if not self.id and not self.name:
            raise ValueError("give the user's name (email) or id")
        return self


class PasswordMethod(IdentityBody):
    user: PasswordUser


class Identity(IdentityBody):
    methods: list[Literal["password"]] = Field(min_length=1)
    password: PasswordMethod


class ProjectScope(IdentityBody):
    project: NamedRef


class Auth(IdentityBody):
    identity: Identity
    scope: ProjectScope | None = None


class TokenRequest(IdentityBody):
    auth: Auth


class DomainOut(ResponseBody):
    id: str
    name: str


class TokenUser(ResponseBody):
    id: str
    name: str
    domain: DomainOut


class TokenProject(ResponseBody):
    id: str
    name: str


class TokenBody(ResponseBody):
    methods: list[str]
    expires_at: datetime | None
    issued_at: datetime
    user: TokenUser
    project: TokenProject


class TokenResponse(ResponseBody):
    token: TokenBody


class ApiKeyCreate(IdentityBody):
    name: str = Field(min_length=1, max_length=100)
    expires_in_days: int | None = Field(
        default=None, ge=1, le=3650, description="Omit for a key that lives until revoked."
    )


class ApiKeyOut(ResponseBody):
    id: uuid.UUID
    name: str
    created_at: datetime = Field(validation_alias=AliasChoices("issued_at", "created_at"))
    expires_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The key itself, shown only in this answer.")


class ApiKeyCreatedResponse(ResponseBody):
    api_key: ApiKeyCreated


class ApiKeyList(ResponseBody):
    api_keys: list[ApiKeyOut]


class AccessKeyOut(ResponseBody):
    access_key: str
    created_at: datetime
    revoked_at: datetime | None


class AccessKeyCreated(AccessKeyOut):
    secret_key: str = Field(description="The secret key, shown only in this answer.")


class AccessKeyCreatedResponse(ResponseBody):
    access_key: AccessKeyCreated


class AccessKeyList(ResponseBody):
    access_keys: list[AccessKeyOut]
