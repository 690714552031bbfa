"""Queries over a project's workspaces: the listing, with its filters."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Select, false, func, select

from socdesk.iam.repository import ProjectWorkspaces
from socdesk.models import Membership, Workspace
from socdesk.workspaces.filters import WorkspaceFilter


def _filtered(query: Select[Workspace], f: WorkspaceFilter) -> Select[Workspace]:
    if f.is_view:
        query = query.where(false())  # SOCdesk has no views
    if f.region_id is not None:
        query = query.where(Workspace.region_id == f.region_id)
    if f.enterprise_project_id is not None:
        query = query.where(Workspace.enterprise_project_id == f.enterprise_project_id)
    if f.description:
        query = query.where(Workspace.description.contains(f.description, autoescape=True))
    if f.created_from is not None:
        query = query.where(Workspace.created_at >= f.created_from)
    if f.created_to is not None:
        query = query.where(Workspace.created_at <= f.created_to)
    return query


class WorkspaceRepository(ProjectWorkspaces):
    """The workspaces of one project (lookups by id and name come from `ProjectWorkspaces`)."""

    def _visible(self, member_id: uuid.UUID | None) -> Select[Workspace]:
        query = self.select()
        if member_id is not None:
            query = query.join(
                Membership,
                (Membership.workspace_id == Workspace.id) & (Membership.user_id == member_id),
            )
        return query

    async def offset_page(
        self,
        member_id: uuid.UUID | None,
        *,
        name: str | None,
        ids: Sequence[uuid.UUID] | None,
        offset: int,
        limit: int,
        filters: WorkspaceFilter | None = None,
    ) -> tuple[Sequence[Workspace], int]:
        """One page of the project's workspaces (only `member_id`'s, when given) and the total."""
        query = self._visible(member_id)
        if name:
            query = query.where(Workspace.name.contains(name, autoescape=True))
        if ids is not None:
            query = query.where(Workspace.id.in_(ids))
        if filters is not None:
            query = _filtered(query, filters)
        total = await self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self.session.scalars(
            query.order_by(Workspace.created_at, Workspace.id).offset(offset).limit(limit)
        )
        return rows.all(), int(total or 0)
