"""Who is calling: the authenticated user, their project, and how they proved it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from socdesk.models import Project, User


class AuthMethod(StrEnum):
    token = "token"
    api_key = "api_key"
    access_key = "access_key"


@dataclass(frozen=True, slots=True)
class Principal:
    user: User
    project: Project
    method: AuthMethod
    token_id: uuid.UUID | None = None
