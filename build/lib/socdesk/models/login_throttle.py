"""Failed-login bookkeeping."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from socdesk.models.base import Base


class LoginThrottle(Base):
    """Consecutive failed logins for one (project, user name) pair, known or not, so that a
    guesser is slowed down without learning whether the account exists."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    blocked_until: Mapped[datetime | None]
