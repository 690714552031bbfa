"""Data objects of one workspace as records: create (one or a batch), read, change, delete,
search and history, for the objects of every class but Incident. Every write goes through the
change path (`changes.py`); this module holds what a request adds: checking objects against
their class and their incident links, ids as text, batch outcomes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.classes.fields import LINKED_INCIDENT
from socdesk.classes.registry import INCIDENT, DataClass
from socdesk.classes.search import ObjectSearch
from socdesk.classes.service import DataClassService
from socdesk.classes.validation import check_data_object, check_data_objects
from socdesk.incidents.repository import IncidentRepository
from socdesk.kit.conditions import SearchBody
from socdesk.kit.errors import ErrorDetail, NotFound, ValidationFailed
from socdesk.models import DataObject, DataObjectEvent
from socdesk.objects.changes import Batch, ObjectChanges
from socdesk.objects.origins import DATA_SOURCE, MANUAL
from socdesk.objects.repository import DataObjectEventRepository, DataObjectRepository
from socdesk.workspaces.scope import WorkspaceScope

# Most objects one batch-create takes (each is checked, then written in a few statements; the
# request body limit, SOCDESK_MAX_BODY_BYTES, bounds their size).
MAX_BATCH = 10_000


@dataclass(frozen=True, slots=True)
class ObjectRecord:
    """A stored object of any class, as every dialect shows one."""

    id: uuid.UUID
    data_class: DataClass
    create_time: datetime
    update_time: datetime
    version: int
    data_object: dict[str, Any]
    # How it came in (objects/origins.py), SecMaster's data `type`.
    origin: str


@dataclass(frozen=True, slots=True)
class Created:
    """A new object's id and the incident it belongs to (seed 003's `event_id`)."""

    id: uuid.UUID
    event_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class ChangeResult:
    done: list[ObjectRecord]
    refused: list[str]


@dataclass(frozen=True, slots=True)
class DeleteResult:
    done: list[uuid.UUID]
    refused: list[str]


def refusal(problems: list[ErrorDetail]) -> ValidationFailed:
    """One 400 listing every problem (each names its field, and its row in a batch)."""
    head = "; ".join(
        (f"row {p.row}: " if p.row is not None else "") + f"{p.field}: {p.message}"
        for p in problems[:5]
    )
    more = f" and {len(problems) - 5} more" if len(problems) > 5 else ""
    message = head + more if len(problems) == 1 else f"{len(problems)} problems: {head}{more}"
    return ValidationFailed(message, details=problems)


def record(row: DataObject, data_class: DataClass) -> ObjectRecord:
    return ObjectRecord(
        row.id,
        data_class,
        row.create_time,
        row.update_time,
        row.version,
        row.data_object,
        row.origin,
    )


class DataObjectService:
    """The data objects of one workspace, for the caller."""

    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.classes = DataClassService(session, scope)
        self.changes = ObjectChanges(session, scope)
        self.objects = DataObjectRepository(session, scope.workspace_id)
        self.events = DataObjectEventRepository(session, scope.workspace_id)
        self.incidents = IncidentRepository(session, scope.workspace_id)

    async def by_route_name(self, name: str) -> DataClass:
        """The class whose objects `~/soc/{name}` serves (its plural route name, any case);
        404 for a name no class of the workspace has (Incident has routes of its own)."""
        data_class = await self.classes.find(name, where="dataclass_name")
        if data_class.route_name.lower() != name.lower() or data_class.id == INCIDENT.id:
            raise NotFound(f"dataclass_name: no data class routed as {name[:100]!r}")
        return data_class

    async def check(
        self, data_class: DataClass, objects: Sequence[Any], *, rows: bool = True
    ) -> None:
        """400 listing every problem of every object (with its list index as `row` when
        `rows`): its fields against the class, and the incident it links to, which must be
        one of this workspace's."""
        if rows:
            problems = check_data_objects(data_class, objects)
        else:
            problems = check_data_object(data_class, objects[0])
        problems += await self._link_problems(objects, rows)
        if problems:
            raise refusal(sorted(problems, key=lambda p: -1 if p.row is None else p.row))

    async def _link_problems(self, objects: Sequence[Any], rows: bool) -> list[ErrorDetail]:
        key = LINKED_INCIDENT.key
        wanted: dict[int, uuid.UUID] = {}
        problems = []
        for index, data in enumerate(objects):
            raw = data.get(key) if type(data) is dict else None
            if type(raw) is not str or not raw:
                continue
            try:
                wanted[index] = uuid.UUID(raw)
            except ValueError:
                problems.append(
                    ErrorDetail(key, "is not an incident id", index if rows else None, raw[:100])
                )
        if not wanted:
            # Most objects name no incident: not even the lookup's statement is built.
            return problems
        known = await self.incidents.existing_ids(list(set(wanted.values())))
        problems += [
            ErrorDetail(
                key,
                "no incident of this workspace has this id",
                index if rows else None,
                str(linked),
            )
            for index, linked in wanted.items()
            if linked not in known
        ]
        return problems

    async def create(self, data_class: DataClass, data: Any, batch: Batch) -> ObjectRecord:
        """A new object of the class; 400 listing every problem of it."""
        await self.check(data_class, [data], rows=False)
        (new,) = await self.changes.create(data_class, [data], batch, MANUAL)
        return ObjectRecord(new.id, data_class, new.create_time, new.update_time, 1, data, MANUAL)

    async def create_many(
        self, data_class: DataClass, objects: Sequence[Any], batch: Batch
    ) -> list[Created]:
        """New objects, all or none: 400 listing every problem of every object (row = its list
        index) and nothing written. Each new id and its incident, in input order."""
        if len(objects) > MAX_BATCH:
            raise ValidationFailed.for_field(
                "data_object", f"a batch has at most {MAX_BATCH} objects", len(objects)
            )
        await self.check(data_class, objects)
        created = await self.changes.create(data_class, objects, batch, DATA_SOURCE)
        return [Created(new.id, new.incident_id) for new in created]

    async def _row(self, data_class: DataClass, object_text: str) -> DataObject:
        object_id = _parse_id(object_text)
        row = await self.objects.one(uuid.UUID(data_class.id), object_id)
        if row is None:
            raise NotFound(f"no {data_class.name} {object_text[:100]!r} in this workspace")
        return row

    async def show(self, data_class: DataClass, object_text: str) -> ObjectRecord:
        """The object; 404 (SecMaster: 400) for an id that names none of the class here."""
        return record(await self._row(data_class, object_text), data_class)

    async def show_many(
        self, data_class: DataClass, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, ObjectRecord]:
        """The objects `ids` of the class here, by id, as stored now (one read per chunk);
        ids that name none are left out."""
        rows = await self.objects.many(uuid.UUID(data_class.id), ids)
        return {row.id: record(row, data_class) for row in rows}

    async def change(
        self, data_class: DataClass, object_text: str, data: Any, batch: Batch
    ) -> ObjectRecord:
        """Write the fields sent over the object's (a field sent as null is removed); the
        result is checked whole, so a change cannot empty a required field."""
        if type(data) is not dict:
            raise ValidationFailed.for_field("data_object", "must be an object")
        row = await self._row(data_class, object_text)
        if not await self.objects.lock_of_class(uuid.UUID(data_class.id), [row.id]):
            raise NotFound(f"{data_class.name} {row.id} was deleted meanwhile")
        # Read again under the lock: a change committed meanwhile is merged, not lost.
        await self.session.refresh(row)
        merged = {**row.data_object, **data}
        merged = {k: v for k, v in merged.items() if v is not None}
        await self.check(data_class, [merged], rows=False)
        await self.changes.change(data_class, row, merged, batch)
        return record(row, data_class)

    async def change_many(
        self, data_class: DataClass, batch_ids: Sequence[Any], data: Any, batch: Batch
    ) -> ChangeResult:
        """Write the same fields over each listed object of the class here (a field sent as
        null is removed), all or none: every result is checked whole, and any problem makes
        one 400 listing them all (row = the object's index among those found) with nothing
        written. Malformed, repeated, unknown and other workspaces' ids are set aside as sent;
        404 when none is left."""
        if type(data) is not dict:
            raise ValidationFailed.for_field("data_object", "must be an object")
        ids, refused = unique_ids(batch_ids)
        class_id = uuid.UUID(data_class.id)
        found = await self.objects.lock_of_class(class_id, ids)
        if not found:
            raise NotFound(f"batch_ids: no {data_class.name} of this workspace has these ids")
        rows = await self.objects.many(class_id, found)
        merged = [
            {k: v for k, v in {**row.data_object, **data}.items() if v is not None} for row in rows
        ]
        await self.check(data_class, merged)
        await self.changes.change_many(data_class, list(zip(rows, merged, strict=True)), batch)
        gone = set(found)
        return ChangeResult(
            [record(row, data_class) for row in rows],
            refused + [str(i) for i in ids if i not in gone],
        )

    async def delete(self, data_class: DataClass, batch_ids: Sequence[Any] | None) -> DeleteResult:
        """Delete the listed objects of the class here; malformed, repeated, unknown and other
        workspaces' ids are set aside as sent."""
        ids, refused = unique_ids(batch_ids or [])
        deleted = await self.changes.delete(data_class, ids)
        gone = set(deleted)
        return DeleteResult(
            [i for i in ids if i in gone], refused + [str(i) for i in ids if i not in gone]
        )

    async def same_class(self, data_class: DataClass, ref: str | None, field: str) -> None:
        """400 naming `field` unless `ref` (a class's id, name, business code or route name; or
        nothing) names `data_class`."""
        if ref is None:
            return
        try:
            named = await self.classes.find(ref, where=field)
        except NotFound:
            named = None
        if named is None or named.id != data_class.id:
            raise ValidationFailed.for_field(field, f"must name the {data_class.name} class", ref)

    async def search(
        self,
        data_class: DataClass,
        body: SearchBody,
        within: ColumnElement[bool] | None = None,
        ids: Sequence[str] | None = None,
    ) -> tuple[list[ObjectRecord], int]:
        """The page of the class's objects the search asks for (among those `within` admits,
        and only the objects `ids`, when given: a malformed id is a 400 naming `ids.N`), and
        how many match."""
        search = ObjectSearch(data_class)
        where = search.where(body)
        if ids is not None:
            wanted = [_parse_listed(raw, f"ids.{index}") for index, raw in enumerate(ids)]
            where = and_(where, DataObject.id.in_(wanted))
        rows, total = await self.objects.offset_page(
            uuid.UUID(data_class.id),
            where if within is None else and_(where, within),
            search.order_by(body),
            body.offset,
            body.limit,
        )
        return [record(row, data_class) for row in rows], total

    async def history(self, data_class: DataClass, object_text: str) -> Sequence[DataObjectEvent]:
        """The object's audit trail, oldest first; readable after it is deleted."""
        events = [
            e
            for e in await self.events.history(_parse_id(object_text))
            if str(e.class_id) == data_class.id
        ]
        if not events:
            raise NotFound(f"no {data_class.name} {object_text[:100]!r} in this workspace")
        return events


def _parse_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except (ValueError, AttributeError, TypeError):
        raise NotFound(f"data_object_id: no data object {text[:100]!r}") from None


def _parse_listed(text: str, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except (ValueError, AttributeError, TypeError):
        raise ValidationFailed.for_field(field, "is not an id", str(text)[:100]) from None


def unique_ids(raw_ids: Sequence[Any]) -> tuple[list[uuid.UUID], list[str]]:
    """The distinct well-formed ids in order, and the others (malformed, repeated) as sent."""
    ids: list[uuid.UUID] = []
    seen: set[uuid.UUID] = set()
    refused: list[str] = []
    for raw in raw_ids:
        try:
            parsed = uuid.UUID(raw) if isinstance(raw, str) else None
        except ValueError:
            parsed = None
        if parsed is None or parsed in seen:
            refused.append(str(raw)[:100])
        else:
            seen.add(parsed)
            ids.append(parsed)
    return ids, refused
