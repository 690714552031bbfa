"""The data classes of a workspace: the built-in ones with the fields it added, and its own.

Every reader (the data-class routes; next, data-object validation, search and transfer) gets a
class as one `DataClass` value, whichever kind it is."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.classes.definitions import NewClass, NewField, check_new_class, check_new_fields
from socdesk.classes.fields import ClassField, FieldType
from socdesk.classes.registry import BUILT_IN_CLASSES, SYSTEM_FIELDS, DataClass
from socdesk.classes.repository import ClassFieldRepository, CustomClassRepository
from socdesk.kit.db import add_or_refuse
from socdesk.kit.errors import Conflict, ErrorDetail, NotFound, ValidationFailed
from socdesk.models import CustomDataClass, DataClassField
from socdesk.workspaces.config_memo import recall
from socdesk.workspaces.scope import WorkspaceScope


def _refusal(problems: list[ErrorDetail]) -> ValidationFailed:
    return ValidationFailed.combining(
        [ValidationFailed(f"{p.field}: {p.message}", details=[p]) for p in problems]
    )


def added_field(row: DataClassField | Row[Any]) -> ClassField:
    """A field the workspace added (its ORM row or a plain one), as the registry holds
    fields."""
    return ClassField(
        row.field_key,
        row.name,
        FieldType(row.field_type),
        row.description,
        row.required,
        tuple(row.enum_values),
        searchable=row.searchable,
        is_built_in=False,
        creator_id=str(row.creator_id or ""),
        creator_name=row.creator_name,
        create_time=row.created_at,
    )


def custom_class(row: CustomDataClass, fields: Sequence[ClassField]) -> DataClass:
    return DataClass(
        id=str(row.id),
        name=row.name,
        business_code=row.business_code,
        route_name=row.route_name,
        description=row.description,
        fields=SYSTEM_FIELDS + tuple(fields),
        is_built_in=False,
        creator_id=str(row.creator_id or ""),
        creator_name=row.creator_name,
        create_time=row.created_at,
        update_time=row.updated_at,
    )


class DataClassService:
    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.custom = CustomClassRepository(session, scope.workspace_id)
        self.fields = ClassFieldRepository(session, scope.workspace_id)

    async def classes(self) -> list[DataClass]:
        """Every class the workspace has: the built-in ones first, then its own by age."""
        return list(await recall(self.session, self.scope.workspace, "classes", self._classes))

    async def _classes(self) -> tuple[DataClass, ...]:
        added: dict[uuid.UUID, list[ClassField]] = {}
        for row in await self.fields.all():
            added.setdefault(row.dataclass_id, []).append(added_field(row))
        built_in = [c.with_fields(added.get(uuid.UUID(c.id), ())) for c in BUILT_IN_CLASSES]
        own = [custom_class(row, added.get(row.id, ())) for row in await self.custom.all()]
        return (*built_in, *own)

    async def find(self, ref: str, where: str = "dataclass_id") -> DataClass:
        """The class `ref` names (its id, name, business code or route name, a class of the
        workspace's own its id's bare hex too; any case)."""
        wanted = ref.lower()
        for data_class in await self.classes():
            names = data_class.names()
            if not data_class.is_built_in:
                names += (uuid.UUID(data_class.id).hex,)
            if wanted in (n.lower() for n in names):
                return data_class
        raise NotFound(f"{where}: no data class {ref[:100]!r}")

    async def create(self, new: NewClass) -> DataClass:
        """Define a class of the workspace's own with its fields (400 listing every problem of
        the definition; 409 when the workspace has a class of one of its names)."""
        draft = DataClass("", new.name, new.business_code, "", "", SYSTEM_FIELDS, False)
        problems = check_new_class(new) + check_new_fields(draft, new.fields)
        if problems:
            raise _refusal(problems)
        route_name = new.chosen_route_name
        for row in await self.custom.all():
            for taken in (row.name, row.business_code, row.route_name):
                if taken.lower() in (new.name.lower(), new.business_code.lower(), route_name):
                    raise Conflict(f"the workspace has a data class named {taken!r}")
        user = self.scope.user
        row = CustomDataClass(
            id=uuid.uuid4(),
            workspace_id=self.scope.workspace_id,
            name=new.name,
            business_code=new.business_code,
            route_name=route_name,
            description=new.description,
            creator_id=user.id,
            creator_name=user.email,
        )
        await add_or_refuse(
            self.session, row, Conflict("the workspace has a data class of one of these names")
        )
        await self._insert_fields(row.id, new.fields, 0)
        return await self.find(str(row.id))

    async def add_fields(self, ref: str, fields: Sequence[NewField]) -> DataClass:
        """Add fields to a class (built in or the workspace's); the class with them."""
        data_class = await self.find(ref)
        problems = check_new_fields(data_class, fields)
        if problems:
            raise _refusal(problems)
        class_id = uuid.UUID(data_class.id)
        await self._insert_fields(class_id, fields, await self.fields.next_position(class_id))
        return await self.find(data_class.id)

    async def _insert_fields(
        self, class_id: uuid.UUID, fields: Sequence[NewField], first: int
    ) -> None:
        user = self.scope.user
        rows = [
            DataClassField(
                id=uuid.uuid4(),
                workspace_id=self.scope.workspace_id,
                dataclass_id=class_id,
                position=first + index,
                field_key=spec.field_key,
                name=spec.name,
                field_type=spec.as_field().field_type.value,
                description=spec.description,
                required=spec.required,
                searchable=spec.searchable,
                enum_values=list(spec.enum_values),
                creator_id=user.id,
                creator_name=user.email,
            )
            for index, spec in enumerate(fields)
        ]
        try:
            # A concurrent request adding the same key meets the unique key here.
            async with self.session.begin_nested():
                self.session.add_all(rows)
        except IntegrityError:
            raise Conflict("the class has one of these fields already") from None
