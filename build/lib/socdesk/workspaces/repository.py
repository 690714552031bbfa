"""Queries over workspaces and their members."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.models import Membership, User, Workspace


class WorkspaceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _visible(self, project_id: uuid.UUID, member_id: uuid.UUID | None) -> Select[Workspace]:
        query = select(Workspace).where(Workspace.project_id == project_id)
        if member_id is not None:
            query = query.join(
                Membership,
                (Membership.workspace_id == Workspace.id) & (Membership.user_id == member_id),
            )
        return query

    async def page(
        self,
        project_id: uuid.UUID,
        member_id: uuid.UUID | None,
        *,
        name: str | None,
        ids: Sequence[uuid.UUID] | None,
        offset: int,
        limit: int,
    ) -> tuple[Sequence[Workspace], int]:
        """One page of the project's workspaces (only `member_id`'s, when given) and the total."""
        query = self._visible(project_id, member_id)
        if name:
            query = query.where(Workspace.name.contains(name, autoescape=True))
        if ids is not None:
            query = query.where(Workspace.id.in_(ids))
        total = await self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self.session.scalars(
            query.order_by(Workspace.created_at, Workspace.id).offset(offset).limit(limit)
        )
        return rows.all(), int(total or 0)

    async def get(self, project_id: uuid.UUID, workspace_id: uuid.UUID) -> Workspace | None:
        return await self.session.scalar(
            select(Workspace).where(
                Workspace.project_id == project_id, Workspace.id == workspace_id
            )
        )

    async def name_taken(self, project_id: uuid.UUID, name: str) -> bool:
        found = await self.session.scalar(
            select(Workspace.id).where(Workspace.project_id == project_id, Workspace.name == name)
        )
        return found is not None

    async def users_by_id(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, User]:
        if not ids:
            return {}
        rows = await self.session.scalars(select(User).where(User.id.in_(ids)))
        return {user.id: user for user in rows}

    async def members(self, workspace_id: uuid.UUID) -> Sequence[User]:
        return (
            await self.session.scalars(
                select(User)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.workspace_id == workspace_id)
                .order_by(User.email)
            )
        ).all()
