"""AK/SK access keys for SDK-HMAC-SHA256 request signing."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.kit.clock import utcnow
from socdesk.models.base import Base, UuidPrimaryKey


class AccessKey(UuidPrimaryKey, Base):
    """An AK/SK pair for SDK-HMAC-SHA256 request signing.

    The secret is never stored: it is HMAC(settings.secret_key, access_key + salt), derived again
    when a signed request arrives, so a copy of the database alone cannot forge requests.
    """

    __tablename__ = "access_keys"

    access_key: Mapped[str] = mapped_column(String(40), unique=True)
    salt: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
