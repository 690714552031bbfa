"""The workspace a request acts in: a value every workspace-owned rule and repository takes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from socdesk.iam.principal import Principal
from socdesk.models import Project, Role, User, Workspace


@dataclass(frozen=True, slots=True)
class WorkspaceScope:
    """The workspace a request acts in, the caller, and the caller's role there. Repositories of
    workspace-owned data take this, so no query can forget the tenant."""

    principal: Principal
    workspace: Workspace
    role: Role

    @property
    def workspace_id(self) -> uuid.UUID:
        return self.workspace.id

    @property
    def project(self) -> Project:
        return self.principal.project

    @property
    def user(self) -> User:
        return self.principal.user
