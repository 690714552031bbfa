"""The project's users as incidents name them: assignees, openers, editors, comment authors."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import func, or_

from socdesk.kit.repository import ProjectScoped
from socdesk.models import Membership, User


class PeopleRepository(ProjectScoped[User]):
    """The users of one project."""

    model = User

    async def active_member_email(self, user_id: uuid.UUID, workspace_id: uuid.UUID) -> str | None:
        """The email of `user_id` if it is an active member of the workspace; None otherwise."""
        email: str | None = await self.session.scalar(
            self.select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(
                User.id == user_id,
                User.is_active.is_(True),
                Membership.workspace_id == workspace_id,
            )
        )
        return email

    async def by_ids(self, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, User]:
        if not ids:
            return {}
        users = await self.session.scalars(self.select().where(User.id.in_(ids)))
        return {user.id: user for user in users}

    async def named(self, ids: Collection[uuid.UUID], emails: Collection[str]) -> Sequence[User]:
        """The users with one of `ids` or (case-insensitively) one of the lowercase `emails`."""
        if not ids and not emails:
            return []
        statement = self.select().where(or_(User.id.in_(ids), func.lower(User.email).in_(emails)))
        return (await self.session.scalars(statement)).all()
