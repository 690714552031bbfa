"""Bearer tokens: session tokens and API keys."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.kit.clock import utcnow
from socdesk.models.base import Base, UuidPrimaryKey


class TokenKind(StrEnum):
    session = "session"  # issued by POST /v3/auth/tokens, expires
    api_key = "api_key"  # long-lived, for automation


class AuthToken(UuidPrimaryKey, Base):
    """A bearer token (`X-Auth-Token`), stored as the SHA-256 of its value."""

    __tablename__ = "auth_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[TokenKind] = mapped_column(
        Enum(TokenKind, native_enum=False, length=16, create_constraint=True, name="token_kind")
    )
    name: Mapped[str] = mapped_column(String(100), default="")
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
