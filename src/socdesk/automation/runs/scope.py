"""The scope a run acts in: its workspace, with the run itself as the actor (its audit events
say `workflow:<run id>`), on behalf of the workflow's author (rows such as tags name a user);
and what else a run needs before its first task (`RunSetting`: its version's process, its data
class), read together."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.automation.runs.engine import Process, load_process
from socdesk.automation.runs.repository import RunSettings
from socdesk.classes.registry import DataClass
from socdesk.classes.service import DataClassService
from socdesk.iam.principal import AuthMethod, Principal
from socdesk.models import Project, Role, User, WorkflowRun
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


@dataclass(frozen=True, slots=True)
class RunSetting:
    """What a run's tasks act in and by: none of it changes while the run runs."""

    scope: WorkspaceScope
    # None when the run's version is gone.
    taskflow: str | None

    def process(self) -> Process | None:
        """The version's process, loaded (once per process: `load_process` caches it)."""
        return load_process(self.taskflow) if self.taskflow is not None else None

    async def data_class(self, session: AsyncSession, run: WorkflowRun) -> DataClass:
        """The run's data class, with the workspace's added fields."""
        return await DataClassService(session, self.scope).find(str(run.dataclass_id))


async def run_setting(session: AsyncSession, run: WorkflowRun) -> RunSetting | None:
    """The run's scope and version (None when the workspace is gone)."""
    found = await RunSettings(session).of(run)
    if found is None:
        return None
    workspace, project, author, taskflow = found
    principal = Principal(run_actor(run, project, author), project, AuthMethod.token)
    return RunSetting(WorkspaceScope(principal, workspace, Role.admin), taskflow)
