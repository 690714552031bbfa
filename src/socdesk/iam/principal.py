"""Who is calling: the authenticated user, their project, and how they proved it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from socdesk.models import Project, Role, User, Workspace


class AuthMethod(StrEnum):
    token = "token"
    api_key = "api_key"
    access_key = "access_key"


@dataclass(frozen=True, slots=True)
class WorkspaceAccess:
    """The caller's place in one workspace, read in the same query as their credential: the
    workspace `workspace_id` (None: the user's default one) if it is one of the caller's
    project's, and the caller's membership role there (None: no member)."""

    workspace_id: uuid.UUID | None
    workspace: Workspace | None
    membership_role: Role | None


@dataclass(frozen=True, slots=True)
class Principal:
    user: User
    project: Project
    method: AuthMethod
    token_id: uuid.UUID | None = None
    # The workspace the request names, looked up with the credential (one query instead of
    # three); workspaces/service.py decides what it allows.
    access: WorkspaceAccess | None = None
