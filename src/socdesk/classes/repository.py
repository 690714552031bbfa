"""Queries on a workspace's own classes, the fields it added and its class types."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func

from socdesk.kit.repository import WorkspaceScoped
from socdesk.models import CustomDataClass, DataClassField, DataClassType


class CustomClassRepository(WorkspaceScoped[CustomDataClass]):
    model = CustomDataClass

    async def all(self) -> Sequence[CustomDataClass]:
        """Every class of the workspace, oldest first (a workspace defines a handful)."""
        rows = await self.session.scalars(
            self.select().order_by(CustomDataClass.created_at, CustomDataClass.id)
        )
        return rows.all()


class ClassFieldRepository(WorkspaceScoped[DataClassField]):
    model = DataClassField

    async def all(self) -> Sequence[DataClassField]:
        """Every field the workspace added, per class in the order they were added."""
        rows = await self.session.scalars(
            self.select().order_by(DataClassField.dataclass_id, DataClassField.position)
        )
        return rows.all()

    async def next_position(self, dataclass_id: uuid.UUID) -> int:
        last = await self.session.scalar(
            self.select(func.max(DataClassField.position)).where(
                DataClassField.dataclass_id == dataclass_id
            )
        )
        return 0 if last is None else last + 1


class ClassTypeRepository(WorkspaceScoped[DataClassType]):
    model = DataClassType

    async def of_class(
        self, dataclass_id: uuid.UUID, offset: int, limit: int, enabled: bool | None = None
    ) -> tuple[Sequence[DataClassType], int]:
        """A page of the class's types (categories before their sub-categories, by code) and
        how many there are."""
        statement = self.select().where(DataClassType.dataclass_id == dataclass_id)
        if enabled is not None:
            statement = statement.where(DataClassType.enabled == enabled)
        total = await self.session.scalar(statement.with_only_columns(func.count()).order_by(None))
        rows = await self.session.scalars(
            statement.order_by(
                DataClassType.category_code,
                DataClassType.level,
                DataClassType.sub_category_code,
                DataClassType.id,
            )
            .offset(offset)
            .limit(limit)
        )
        return rows.all(), total or 0

    async def of_class_by_ids(
        self, dataclass_id: uuid.UUID, ids: Sequence[uuid.UUID]
    ) -> list[DataClassType]:
        statement = self.select().where(DataClassType.dataclass_id == dataclass_id)
        rows: list[DataClassType] = await self.scalars_in_chunks(statement, DataClassType.id, ids)
        return rows

    async def counts_by_class(self) -> dict[uuid.UUID, int]:
        """How many types each class has in the workspace."""
        rows = await self.session.execute(
            self.select(DataClassType.dataclass_id, func.count()).group_by(
                DataClassType.dataclass_id
            )
        )
        return dict(rows.all())

    async def sub_counts(self, dataclass_id: uuid.UUID) -> dict[str, int]:
        """How many sub-categories each category code of the class has."""
        rows = await self.session.execute(
            self.select(DataClassType.category_code, func.count())
            .where(DataClassType.dataclass_id == dataclass_id, DataClassType.level == 2)
            .group_by(DataClassType.category_code)
        )
        return dict(rows.all())

    async def set_enabled(self, ids: Sequence[uuid.UUID], enabled: bool) -> None:
        await self.execute_in_chunks(self.update().values(enabled=enabled), DataClassType.id, ids)

    async def delete_ids(self, ids: Sequence[uuid.UUID]) -> None:
        await self.execute_in_chunks(self.delete(), DataClassType.id, ids)
