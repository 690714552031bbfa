"""Queries over projects, users, workspaces, memberships and credentials.

`IdentityRepository` answers what is looked up before any tenant is known: a project by name,
a credential by its value, a login throttle. Everything of one tenant goes through the scoped
repositories below (`kit/repository.py`): a project's users and workspaces, a workspace's
members. The project's workspaces are looked up here, not in `workspaces/`, because creating a
tenant (`accounts.py`) needs them and `iam` must not import `workspaces` (which builds on it).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import Uuid, and_, bindparam, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.kit.repository import ProjectScoped, WorkspaceScoped
from socdesk.kit.upsert import insert_for
from socdesk.models import (
    AccessKey,
    AuthToken,
    LoginThrottle,
    Membership,
    Project,
    Role,
    SpentSignature,
    TokenKind,
    User,
    Workspace,
)

# Built once, as every request runs it: building a statement costs more than running it.
_NAMED_WORKSPACE = func.coalesce(bindparam("workspace_id", type_=Uuid()), User.default_workspace_id)
_TOKEN_WITH_ACCESS = (
    select(AuthToken, User, Project, Workspace, Membership.role)
    .join(User, User.id == AuthToken.user_id)
    .join(Project, Project.id == AuthToken.project_id)
    .outerjoin(
        Workspace,
        and_(Workspace.id == _NAMED_WORKSPACE, Workspace.project_id == AuthToken.project_id),
    )
    .outerjoin(
        Membership,
        and_(Membership.workspace_id == Workspace.id, Membership.user_id == User.id),
    )
    .where(AuthToken.token_hash == bindparam("token_hash"))
)


class IdentityRepository:
    """Lookups that come before a tenant is known, or span one: by name, credential or key."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def project_by_id(self, project_id: uuid.UUID) -> Project | None:
        return await self.session.get(Project, project_id)

    async def any_project(self) -> bool:
        return await self.session.scalar(select(Project.id).limit(1)) is not None

    async def project_by_name(self, name: str) -> Project | None:
        return await self.session.scalar(select(Project).where(Project.name == name))

    async def user_by_id(self, user_id: uuid.UUID) -> User | None:
        return await self.session.get(User, user_id)

    async def token_with_owner(self, token_hash: str) -> tuple[AuthToken, User, Project] | None:
        row = (
            await self.session.execute(
                select(AuthToken, User, Project)
                .join(User, User.id == AuthToken.user_id)
                .join(Project, Project.id == AuthToken.project_id)
                .where(AuthToken.token_hash == token_hash)
            )
        ).first()
        return None if row is None else (row[0], row[1], row[2])

    async def token_with_access(
        self, token_hash: str, workspace_id: uuid.UUID | None
    ) -> tuple[AuthToken, User, Project, Workspace | None, Role | None] | None:
        """As `token_with_owner`, and in the same query the workspace `workspace_id` (the
        user's default workspace when None) if it belongs to the token's project, with the
        user's membership role there: a request's credential and place in one round trip."""
        parameters = {"token_hash": token_hash, "workspace_id": workspace_id}
        row = (await self.session.execute(_TOKEN_WITH_ACCESS, parameters)).first()
        return None if row is None else (row[0], row[1], row[2], row[3], row[4])

    async def access_key_with_owner(
        self, access_key: str
    ) -> tuple[AccessKey, User, Project] | None:
        row = (
            await self.session.execute(
                select(AccessKey, User, Project)
                .join(User, User.id == AccessKey.user_id)
                .join(Project, Project.id == AccessKey.project_id)
                .where(AccessKey.access_key == access_key)
            )
        ).first()
        return None if row is None else (row[0], row[1], row[2])

    async def api_keys_of(self, user_id: uuid.UUID) -> Sequence[AuthToken]:
        return (
            await self.session.scalars(
                select(AuthToken)
                .where(AuthToken.user_id == user_id, AuthToken.kind == TokenKind.api_key)
                .order_by(AuthToken.issued_at)
            )
        ).all()

    async def access_keys_of(self, user_id: uuid.UUID) -> Sequence[AccessKey]:
        return (
            await self.session.scalars(
                select(AccessKey).where(AccessKey.user_id == user_id).order_by(AccessKey.created_at)
            )
        ).all()

    async def revoke_token(self, token_id: uuid.UUID, at: datetime) -> None:
        await self.session.execute(
            update(AuthToken)
            .where(AuthToken.id == token_id, AuthToken.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    async def throttle(self, key: str) -> LoginThrottle | None:
        return await self.session.get(LoginThrottle, key)

    async def count_failure(self, key: str) -> int:
        """Add one failed login to `key` atomically; the new count."""
        insert = insert_for(self.session, LoginThrottle)
        statement = (
            insert.values(key=key, failures=1)
            .on_conflict_do_update(
                index_elements=[LoginThrottle.key],
                set_={"failures": LoginThrottle.failures + 1},
            )
            .returning(LoginThrottle.failures)
        )
        return int((await self.session.execute(statement)).scalar_one())

    async def block_login(self, key: str, until: datetime) -> None:
        await self.session.execute(
            update(LoginThrottle).where(LoginThrottle.key == key).values(blocked_until=until)
        )

    async def clear_throttle(self, key: str) -> None:
        await self.session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))

    async def spend_signature(self, signature_hash: str, expires_at: datetime) -> bool:
        """Record a signed write's signature; False if it was recorded before (a replay). A
        copy racing in another transaction waits for that one, then conflicts or not as it
        commits or rolls back."""
        statement = (
            insert_for(self.session, SpentSignature)
            .values(signature_hash=signature_hash, expires_at=expires_at)
            .on_conflict_do_nothing(index_elements=[SpentSignature.signature_hash])
            .returning(SpentSignature.signature_hash)
        )
        return (await self.session.execute(statement)).scalar_one_or_none() is not None

    async def purge_spent_signatures(self, now: datetime) -> int:
        """Delete the signatures whose date no fresh request can carry any more; how many."""
        result = await self.session.execute(
            delete(SpentSignature).where(SpentSignature.expires_at < now)
        )
        return int(getattr(result, "rowcount", 0) or 0)


class ProjectUsers(ProjectScoped[User]):
    """The users of one project."""

    model = User

    async def by_email(self, email: str) -> User | None:
        """The user whose login name is `email` (any case)."""
        found: User | None = await self.session.scalar(
            self.select().where(User.email == email.lower())
        )
        return found

    async def email_of(self, user_id: uuid.UUID) -> str | None:
        found: str | None = await self.session.scalar(
            self.select(User.email).where(User.id == user_id)
        )
        return found

    async def by_ids(self, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, User]:
        if not ids:
            return {}
        found = await self.scalars_in_chunks(self.select(), User.id, list(ids))
        return {user.id: user for user in found}

    async def named(self, ids: Collection[uuid.UUID], emails: Collection[str]) -> Sequence[User]:
        """The users with one of `ids` or (case-insensitively) one of the lowercase `emails`:
        whom a page of incidents names (openers and editors by id, creators and owners by
        email)."""
        if not ids and not emails:
            return []
        statement = self.select().where(or_(User.id.in_(ids), func.lower(User.email).in_(emails)))
        return (await self.session.scalars(statement)).all()


class ProjectWorkspaces(ProjectScoped[Workspace]):
    """The workspaces of one project."""

    model = Workspace

    async def named(self, name: str) -> Workspace | None:
        found: Workspace | None = await self.session.scalar(
            self.select().where(Workspace.name == name)
        )
        return found


class WorkspaceMembers(WorkspaceScoped[Membership]):
    """The memberships of one workspace: who may act in it, and with what role."""

    model = Membership

    async def of(self, user_id: uuid.UUID) -> Membership | None:
        found: Membership | None = await self.session.scalar(
            self.select().where(Membership.user_id == user_id)
        )
        return found

    async def active_email(self, user_id: uuid.UUID) -> str | None:
        """The email of `user_id` if it is an active member here (whom an incident may be
        assigned to); None otherwise."""
        email: str | None = await self.session.scalar(
            self.select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(User.id == user_id, User.is_active.is_(True))
        )
        return email

    async def users(self) -> Sequence[User]:
        """The members, by email."""
        statement = (
            self.select(User).join(Membership, Membership.user_id == User.id).order_by(User.email)
        )
        return (await self.session.scalars(statement)).all()
