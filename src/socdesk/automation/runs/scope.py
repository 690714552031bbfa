"""The scope a run acts in: its workspace, with the run itself as the actor (its audit events
say `workflow:<run id>`), on behalf of the workflow's author (rows such as tags name a user)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.iam.principal import AuthMethod, Principal
from socdesk.models import Project, Role, User, Workflow, WorkflowRun, Workspace
from socdesk.workspaces.scope import WorkspaceScope

RUN_ACTOR_PREFIX = "workflow:"


def acts_as_run(scope: WorkspaceScope) -> bool:
    """Whether the scope is a run's: its changes must not fire playbooks again."""
    return scope.user.email.startswith(RUN_ACTOR_PREFIX)


def run_actor(run: WorkflowRun, project: Project, on_behalf_of: uuid.UUID | None) -> User:
    """A user value that is never stored: the run as an actor."""
    return User(
        id=on_behalf_of,
        project_id=project.id,
        email=f"{RUN_ACTOR_PREFIX}{run.id}",
        first_name="workflow",
    )


async def run_scope(session: AsyncSession, run: WorkflowRun) -> WorkspaceScope | None:
    """The run's workspace scope (None when the workspace is gone)."""
    workspace = await session.get(Workspace, run.workspace_id)
    if workspace is None:
        return None
    project = await session.get(Project, workspace.project_id)
    if project is None:
        return None
    workflow = await session.get(Workflow, run.workflow_id)
    author = (workflow.modifier_id or workflow.creator_id) if workflow is not None else None
    principal = Principal(run_actor(run, project, author), project, AuthMethod.token)
    return WorkspaceScope(principal, workspace, Role.admin)
