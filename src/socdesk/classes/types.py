"""The types of a data class in a workspace (SecMaster's data-class types): categories and the
sub-categories under them, each with its codes, an on/off switch and a time to close (`sla`).

What a create must carry depends on the class, as SecMaster's CreateDataclassTypeRequestBody
says: Incident and Alert types are a category with a sub-category; Indicator and Vulnerability
types a category; a workspace's own class names its type with `name`, `business_code` and
`level` (1 a category, 2 a sub-category) and repeats its class's business code."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.classes.registry import ALERT, INCIDENT, DataClass
from socdesk.classes.repository import ClassTypeRepository
from socdesk.classes.service import DataClassService
from socdesk.kit.db import add_or_refuse
from socdesk.kit.errors import Conflict, ErrorDetail, NotFound, ValidationFailed, some_of
from socdesk.models import DataClassType
from socdesk.workspaces.scope import WorkspaceScope

PAIRED = frozenset({INCIDENT.id, ALERT.id})


@dataclass(frozen=True, slots=True)
class NewType:
    category: str | None = None
    category_code: str | None = None
    sub_category: str | None = None
    sub_category_code: str | None = None
    name: str | None = None
    business_code: str | None = None
    dataclass_business_code: str | None = None
    description: str = ""
    level: int | None = None
    enabled: bool = True
    sla: int | None = None


@dataclass(frozen=True, slots=True)
class TypeNames:
    """What a type is called, once the class's rule has been applied to a NewType."""

    category: str
    category_code: str
    sub_category: str
    sub_category_code: str
    level: int


@dataclass(frozen=True, slots=True)
class TypeUse:
    """Objects that refer to a type (what SecMaster reports before deleting it)."""

    kind: str  # DATAOBJECT, ALERT_RULE or DPE (a data-processing pipeline), as SecMaster's
    count: int
    objects: Sequence[tuple[str, str]]  # (name, id) of the first few


# Counts the objects that use some types of a class; given by whoever knows the objects.
UsageLookup = Callable[[DataClass, Sequence[DataClassType]], Awaitable[list[TypeUse]]]


def type_names(data_class: DataClass, new: NewType) -> TypeNames:
    """The names of a new type under `data_class`'s rule (400 listing every missing part)."""
    if data_class.is_built_in:
        needed = ["category", "category_code"]
        if data_class.id in PAIRED:
            needed += ["sub_category", "sub_category_code"]
    else:
        needed = ["name", "business_code", "dataclass_business_code", "level"]
    problems = [
        ErrorDetail(key, f"is required for a {data_class.name} type")
        for key in needed
        if getattr(new, key) in (None, "") or not str(getattr(new, key)).strip()
    ]
    if not data_class.is_built_in:
        if new.level not in (None, 1, 2):
            problems.append(
                ErrorDetail("level", "must be 1 (a type) or 2 (a sub-type)", None, new.level)
            )
        code = new.dataclass_business_code
        if code and code != data_class.business_code:
            problems.append(
                ErrorDetail(
                    "dataclass_business_code", f"is not {data_class.business_code}", None, code
                )
            )
    if new.sla is not None and new.sla < 0:
        problems.append(ErrorDetail("sla", "must be 0 or more", None, new.sla))
    if problems:
        raise ValidationFailed.combining(
            [ValidationFailed(f"{p.field}: {p.message}", details=[p]) for p in problems]
        )
    if data_class.is_built_in:
        sub, sub_code = new.sub_category or "", new.sub_category_code or ""
        return TypeNames(
            new.category or "", new.category_code or "", sub, sub_code, 2 if sub_code else 1
        )
    name, code = new.name or "", new.business_code or ""
    if new.level == 1:
        return TypeNames(name, code, "", "", 1)
    return TypeNames(new.category or "", new.category_code or "", name, code, 2)


def _uuid_or_none(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


class DataClassTypes:
    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.classes = DataClassService(session, scope)
        self.types = ClassTypeRepository(session, scope.workspace_id)

    async def counts(self) -> dict[str, int]:
        """How many types each class (by id) has."""
        return {str(k): v for k, v in (await self.types.counts_by_class()).items()}

    async def page(
        self, ref: str, offset: int, limit: int, enabled: bool | None
    ) -> tuple[DataClass, Sequence[DataClassType], int, dict[str, int]]:
        """A page of the class's types, how many there are, and each category's sub-count."""
        data_class = await self.classes.find(ref)
        class_id = uuid.UUID(data_class.id)
        rows, total = await self.types.of_class(class_id, offset, limit, enabled)
        return data_class, rows, total, await self.types.sub_counts(class_id)

    async def create(self, ref: str, new: NewType) -> tuple[DataClass, DataClassType]:
        """Add a type to the class (409 when the class has one with the same codes)."""
        data_class = await self.classes.find(ref)
        names = type_names(data_class, new)
        user = self.scope.user
        row = DataClassType(
            id=uuid.uuid4(),
            workspace_id=self.scope.workspace_id,
            dataclass_id=uuid.UUID(data_class.id),
            category=names.category,
            category_code=names.category_code,
            sub_category=names.sub_category,
            sub_category_code=names.sub_category_code,
            level=names.level,
            description=new.description,
            enabled=new.enabled,
            sla=new.sla,
            creator_id=user.id,
            creator_name=user.email,
        )
        codes = f"{names.category_code}/{names.sub_category_code}".rstrip("/")
        await add_or_refuse(self.session, row, Conflict(f"the class has a type {codes!r}"))
        return data_class, row

    async def _existing(self, data_class: DataClass, raw_ids: Sequence[str]) -> list[DataClassType]:
        """The class's types `raw_ids` names; 400 naming those that name none (a malformed id
        names no type either, as the SecMaster dialect answers any id it cannot find)."""
        ids = list(dict.fromkeys(i for i in map(_uuid_or_none, raw_ids) if i is not None))
        rows = await self.types.of_class_by_ids(uuid.UUID(data_class.id), ids)
        found = {str(row.id) for row in rows}
        missing = [i for i in raw_ids if str(_uuid_or_none(i)) not in found]
        if missing:
            raise NotFound(f"ids: no type of {data_class.name}: {some_of(missing)}")
        return rows

    async def enable(self, ref: str, raw_ids: Sequence[str], enabled: bool) -> list[str]:
        """Switch the types on or off, all or none; their ids."""
        data_class = await self.classes.find(ref)
        rows = await self._existing(data_class, raw_ids)
        ids = [row.id for row in rows]
        await self.types.set_enabled(ids, enabled)
        return [str(i) for i in ids]

    async def delete(
        self, ref: str, raw_ids: Sequence[str], delete: bool, usage: UsageLookup
    ) -> list[TypeUse]:
        """What uses the types; and, when `delete`, delete them (their objects keep the type
        names they hold, as text)."""
        data_class = await self.classes.find(ref)
        rows = await self._existing(data_class, raw_ids)
        uses = await usage(data_class, rows)
        if delete:
            await self.types.delete_ids([row.id for row in rows])
        return uses
