"""Managing tenants and people: projects, users and workspace memberships."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.iam import secrets
from socdesk.iam.repository import (
    IdentityRepository,
    ProjectUsers,
    ProjectWorkspaces,
    WorkspaceMembers,
)
from socdesk.kit.errors import Conflict, NotFound, ValidationFailed
from socdesk.models import DEFAULT_SOURCES, Membership, Project, Role, Source, User, Workspace

MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True, slots=True)
class Tenant:
    project: Project
    workspace: Workspace
    user: User


def _check_email(email: str) -> str:
    email = email.strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 254:
        raise ValidationFailed.for_field("email", "not a valid email address", email)
    return email


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed.for_field(
            "password", f"must be at least {MIN_PASSWORD_LENGTH} characters"
        )
    return password


class AccountService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = IdentityRepository(session)

    async def bootstrap(
        self, project_name: str, workspace_name: str, email: str, password: str
    ) -> Tenant:
        """Make sure the project, workspace and an admin user exist (idempotent)."""
        project = await self.repo.project_by_name(project_name) or await self._add_project(
            project_name
        )
        workspace = await ProjectWorkspaces(self.session, project.id).named(workspace_name)
        if workspace is None:
            workspace = Workspace(project_id=project.id, name=workspace_name)
            self.session.add(workspace)
            await self.session.flush()
        user = await ProjectUsers(self.session, project.id).by_email(email)
        if user is None:
            user = await self.create_user(project.name, email, password)
        user.is_project_admin = True
        workspace.creator_id = workspace.creator_id or user.id
        workspace.modifier_id = workspace.modifier_id or user.id
        await self.add_member(project.name, workspace.name, user.email, Role.admin)
        return Tenant(project, workspace, user)

    async def _add_project(self, name: str) -> Project:
        name = name.strip()
        if not name or len(name) > 64:
            raise ValidationFailed.for_field("project", "must be 1 to 64 characters", name)
        project = Project(name=name)
        self.session.add(project)
        await self.session.flush()
        self.session.add_all(Source(project_id=project.id, name=n) for n in DEFAULT_SOURCES)
        await self.session.flush()
        return project

    async def has_projects(self) -> bool:
        return await self.repo.any_project()

    async def project_named(self, name: str) -> Project:
        project = await self.repo.project_by_name(name)
        if project is None:
            raise NotFound(f"no project named {name!r}")
        return project

    async def create_user(
        self,
        project_name: str,
        email: str,
        password: str,
        first_name: str = "",
        last_name: str = "",
    ) -> User:
        """A new active user of the project; refused if the email is taken there."""
        project = await self.project_named(project_name)
        email = _check_email(email)
        if await ProjectUsers(self.session, project.id).by_email(email):
            raise Conflict(f"a user with email {email} already exists in {project.name}")
        user = User(
            project_id=project.id,
            email=email,
            first_name=first_name,
            last_name=last_name,
            password_hash=secrets.hash_password(_check_password(password)),
        )
        self.session.add(user)
        await self.session.flush()
        return user

    async def user_named(self, project_name: str, email: str) -> tuple[Project, User]:
        project = await self.project_named(project_name)
        user = await ProjectUsers(self.session, project.id).by_email(email)
        if user is None:
            raise NotFound(f"no user {email} in project {project.name}")
        return project, user

    async def add_member(
        self, project_name: str, workspace_name: str, email: str, role: Role
    ) -> Membership:
        """Give the user `role` in the workspace (changing the role if already a member)."""
        project, user = await self.user_named(project_name, email)
        workspace = await ProjectWorkspaces(self.session, project.id).named(workspace_name)
        if workspace is None:
            raise NotFound(f"no workspace named {workspace_name!r} in {project.name}")
        membership = await WorkspaceMembers(self.session, workspace.id).of(user.id)
        if membership is None:
            membership = Membership(workspace_id=workspace.id, user_id=user.id, role=role)
            self.session.add(membership)
        else:
            membership.role = role
        if user.default_workspace_id is None:
            user.default_workspace_id = workspace.id
        await self.session.flush()
        return membership
