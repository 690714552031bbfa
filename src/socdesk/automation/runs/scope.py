"""The scope a run acts in: its workspace, with the run itself as the actor (its audit events
say `workflow:<run id>`), on behalf of the workflow's author (rows such as tags name a user);
and what else a run needs before its first task (`RunSetting`: its version's process, its data
class), read together."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.automation.runs.engine import Process, load_process
from socdesk.classes.registry import DataClass
from socdesk.classes.service import DataClassService
from socdesk.iam.principal import AuthMethod, Principal
from socdesk.models import Project, Role, User, Workflow, WorkflowRun, WorkflowVersion, Workspace
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


# The workspace, its project, the workflow's author and the version's BPMN in one statement
# (built once): read at every run's start, four statements were a tenth of a run's CPU. The
# workflow and version are joined within the run's workspace (a run can only name its own).
_SETTING = (
    select(Workspace, Project, Workflow.modifier_id, Workflow.creator_id, WorkflowVersion.taskflow)
    .join(Project, Project.id == Workspace.project_id)
    .outerjoin(
        Workflow,
        and_(Workflow.workspace_id == Workspace.id, Workflow.id == bindparam("workflow_id")),
    )
    .outerjoin(
        WorkflowVersion,
        and_(
            WorkflowVersion.workspace_id == Workspace.id,
            WorkflowVersion.id == bindparam("version_id"),
        ),
    )
    .where(Workspace.id == bindparam("workspace_id"))
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
    found = (
        await session.execute(
            _SETTING,
            {
                "workspace_id": run.workspace_id,
                "workflow_id": run.workflow_id,
                "version_id": run.version_id,
            },
        )
    ).first()
    if found is None:
        return None
    workspace, project, modifier_id, creator_id, taskflow = found
    author = modifier_id or creator_id
    principal = Principal(run_actor(run, project, author), project, AuthMethod.token)
    return RunSetting(WorkspaceScope(principal, workspace, Role.admin), taskflow)
