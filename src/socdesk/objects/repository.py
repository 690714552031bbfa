"""Data-object and data-object-event queries, bound to one workspace by the scoped base
(kit/repository.py): no query here can reach another tenant's rows."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Insert,
    Table,
    Uuid,
    func,
    insert,
    literal,
    null,
    select,
    true,
)

from socdesk.kit.bulk import bulk_insert, insert_rows
from socdesk.kit.repository import WorkspaceScoped, chunks
from socdesk.models import DataObject, DataObjectEvent
from socdesk.objects.new_rows import ROW_COLUMNS


class DataObjectRepository(WorkspaceScoped[DataObject]):
    """One workspace's data objects, of one class (`class_id`)."""

    model = DataObject

    def of_class(self, class_id: uuid.UUID) -> ColumnElement[bool]:
        return DataObject.class_id == class_id

    async def one(self, class_id: uuid.UUID, object_id: uuid.UUID) -> DataObject | None:
        """The object `object_id` of the class, if this workspace has it."""
        found: DataObject | None = await self.session.scalar(
            self.select().where(self.of_class(class_id), DataObject.id == object_id)
        )
        return found

    async def many(self, class_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> list[DataObject]:
        """The objects `ids` of the class here, in id order, read afresh (a caller that locked
        them sees every change committed before its lock)."""
        found: list[DataObject] = []
        for part in chunks(sorted(ids)):
            statement = (
                self.select()
                .where(self.of_class(class_id), self.among(DataObject.id, part))
                .order_by(DataObject.id)
                .execution_options(populate_existing=True)
            )
            found.extend(await self.session.scalars(statement))
        return found

    async def existing_ids(self, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Which of `ids` objects of this workspace (of any class) already have."""
        return set(await self.scalars_in_chunks(self.select(DataObject.id), DataObject.id, ids))

    async def taken_anywhere(self, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Which of `ids` any object holds, in any workspace: an object's id is unique in the
        whole store (its primary key). Only the ids come back, never a row of another tenant:
        an importer gives such a row a new id rather than tell it the id is taken."""
        found: set[uuid.UUID] = set()
        for part in chunks(ids):
            found.update(
                await self.session.scalars(select(DataObject.id).where(DataObject.id.in_(part)))
            )
        return found

    async def count(self, class_id: uuid.UUID, where: ColumnElement[bool]) -> int:
        """How many objects of the class here match `where`."""
        total = await self.session.scalar(
            select(func.count())
            .select_from(DataObject)
            .where(self.owned(), self.of_class(class_id), where)
        )
        return int(total or 0)

    async def stream(
        self, class_id: uuid.UUID, where: ColumnElement[bool], order: Sequence[ColumnElement[Any]]
    ) -> AsyncIterator[DataObject]:
        """Every object of the class here matching `where`, in `order`, a thousand at a time."""
        rows = await self.session.stream_scalars(
            self.select()
            .where(self.of_class(class_id), where)
            .order_by(*order)
            .execution_options(yield_per=1000)
        )
        async for row in rows:
            yield row

    async def insert_rows(self, rows: Sequence[list[Any]], constants: dict[int, Any]) -> None:
        """New objects, as `objects/new_rows.py` lays them out (binary COPY on PostgreSQL,
        one executemany on SQLite); their documents may be replaced by their JSON text."""
        await insert_rows(self.session, DataObject, ROW_COLUMNS, rows, constants)

    async def insert_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """New objects (column dicts with the same keys): COPY on PostgreSQL, multi-row INSERT
        statements on SQLite."""
        await bulk_insert(self.session, DataObject, rows)

    async def insert_one(self, row: dict[str, Any]) -> None:
        """One new object (a column dict), by a Core INSERT: a one-at-a-time create's write,
        which the ORM's bulk insert (`insert_many` below COPY's threshold) costs twice the
        CPU of."""
        await self.session.execute(_INSERT_OBJECT, row)

    async def lock_of_class(self, class_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        """Those of `ids` that are objects of the class here, locked in id order."""
        found: list[uuid.UUID] = []
        await self.take_write_lock(ids)
        for part in chunks(sorted(ids)):
            statement = (
                self.select(DataObject.id)
                .where(self.of_class(class_id), self.among(DataObject.id, part))
                .order_by(DataObject.id)
                .with_for_update()
            )
            found.extend(await self.session.scalars(statement))
        return found

    async def linked_elsewhere(
        self, ids: Sequence[uuid.UUID], incident_id: uuid.UUID
    ) -> list[tuple[uuid.UUID, uuid.UUID, uuid.UUID]]:
        """(class, object, incident) of those of `ids` whose `incident_id` names another
        incident than `incident_id`."""
        statement = self.select(DataObject.id, DataObject.class_id, DataObject.incident_id).where(
            DataObject.incident_id.is_not(None), DataObject.incident_id != incident_id
        )
        rows = await self.in_chunks(statement, DataObject.id, ids)
        return [(class_id, object_id, linked) for object_id, class_id, linked in rows]

    async def delete_many(self, ids: Sequence[uuid.UUID]) -> None:
        await self.execute_in_chunks(self.delete(), DataObject.id, ids)

    async def offset_page(
        self,
        class_id: uuid.UUID,
        where: ColumnElement[bool],
        order: Sequence[ColumnElement[Any]],
        offset: int,
        limit: int,
    ) -> tuple[Sequence[DataObject], int]:
        """One page of the class's objects matching `where`, by offset, and how many match."""
        criteria = (self.owned(), self.of_class(class_id), where)
        total = await self.session.scalar(
            select(func.count()).select_from(DataObject).where(*criteria)
        )
        rows = await self.session.scalars(
            select(DataObject).where(*criteria).order_by(*order).offset(offset).limit(limit)
        )
        return rows.all(), int(total or 0)


class DataObjectEventRepository(WorkspaceScoped[DataObjectEvent]):
    """The data objects' audit trail."""

    model = DataObjectEvent

    async def add(self, events: Sequence[dict[str, Any]]) -> None:
        """Event rows (column dicts with the same keys, workspace left out)."""
        await bulk_insert(
            self.session, DataObjectEvent, [{"workspace_id": self.tenant_id, **e} for e in events]
        )

    async def add_one(self, event: dict[str, Any]) -> None:
        """One event row (workspace left out), by a Core INSERT (as `insert_one`)."""
        await self.session.execute(_INSERT_EVENT, {"workspace_id": self.tenant_id, **event})

    async def add_creates(
        self, class_id: uuid.UUID, ids: Sequence[uuid.UUID], event: dict[str, Any]
    ) -> None:
        """A create event for each of `ids` (objects of the class `class_id` this workspace
        just wrote), as an incident's create event is: who, when, which request and batch; the
        values are in the object, and each later change records its fields' before and after.
        One INSERT ... SELECT per chunk, no event row travelling from Python."""
        event = {**event, "changes": {}, "snapshot": None}
        if not self.is_postgres:  # SQLite looks each id up by primary key
            await self.add_from_objects(ids, event, {})
            return
        event["class_id"] = class_id
        columns = DataObjectEvent.__table__.columns
        names = list(event)
        values = [null() if event[n] is None else literal(event[n], columns[n].type) for n in names]
        targets = ["id", "workspace_id", "object_id", *names]
        for part in chunks(ids):
            # The ids as a table (`listed_ids`): no lookup in the objects just written.
            listed = self.listed_ids(part, "object")
            source = select(
                self.numbered_new_ids_sql(len(part), listed.c.n),
                literal(self.tenant_id, Uuid()),
                listed.c.object,
                *values,
            )
            await self.session.execute(insert(DataObjectEvent).from_select(targets, source))

    async def add_deletes(self, ids: Sequence[uuid.UUID], event: dict[str, Any]) -> None:
        """A delete event for each of `ids` (objects of this workspace, still there), with the
        object's last state as its snapshot: written by the database, one INSERT ... SELECT per
        chunk, no object travels to Python."""
        await self.add_from_objects(ids, event, {"snapshot": DataObject.data_object})

    async def add_from_objects(
        self, ids: Sequence[uuid.UUID], event: dict[str, Any], derived: dict[str, Any]
    ) -> None:
        """An event for each of `ids` (objects of this workspace): `event`'s values, shared,
        and `derived`'s, SQL over the object's row; one INSERT ... SELECT per chunk, the event
        ids ascending in the order of `ids`.

        On PostgreSQL the ids are a table (`listed_ids`), each looked up by primary key.
        Selected by `id = ANY(ids)`, a plan made on the statistics of an emptier table (in the
        middle of an import) read the workspace's whole severity index and tested each entry
        against every id of the chunk: time that grew with every chunk written before
        (docs/benchmarks.md, alert import)."""
        columns = DataObjectEvent.__table__.columns
        names = list(event)
        values = [null() if event[n] is None else literal(event[n], columns[n].type) for n in names]
        objects = DataObjectRepository(self.session, self.tenant_id)
        targets = ["id", "workspace_id", "class_id", "object_id", *derived, *names]
        for part in chunks(ids):
            shown = (DataObject.workspace_id, DataObject.class_id, DataObject.id)
            if self.is_postgres:
                listed = self.listed_ids(part, "object")
                # Each id's row by its own lookup (LATERAL, kept apart by LIMIT 1 so the
                # planner cannot fold it into a join): on an emptier table's statistics it
                # would hash the workspace's every row instead.
                found = (
                    objects.select(*shown, *(v.label(n) for n, v in derived.items()))
                    .where(DataObject.id == listed.c.object)
                    .limit(1)
                    .lateral()
                )
                source = select(
                    self.numbered_new_ids_sql(len(part), listed.c.n),
                    *(found.c[c.key] for c in shown),
                    *(found.c[n] for n in derived),
                    *values,
                ).select_from(listed.join(found, true()))
            else:  # SQLite looks each id up by primary key
                source = objects.select(
                    self.ordered_new_ids_sql(len(part), DataObject.id),
                    *shown,
                    *derived.values(),
                    *values,
                ).where(objects.among(DataObject.id, part))
            await self.session.execute(insert(DataObjectEvent).from_select(targets, source))

    async def history(self, object_id: uuid.UUID) -> Sequence[DataObjectEvent]:
        """The object's events, oldest first."""
        rows = await self.session.scalars(
            self.select()
            .where(DataObjectEvent.object_id == object_id)
            .order_by(DataObjectEvent.at, DataObjectEvent.id)
        )
        return rows.all()

    async def last_state(self, object_id: uuid.UUID) -> dict[str, Any] | None:
        """The object's data as it was deleted (its delete event's snapshot); None when it
        was never deleted here."""
        snapshot: dict[str, Any] | None = await self.session.scalar(
            self.select(DataObjectEvent.snapshot)
            .where(DataObjectEvent.object_id == object_id, DataObjectEvent.action == "delete")
            .order_by(DataObjectEvent.at.desc())
            .limit(1)
        )
        return snapshot


def _core_insert(model: Any) -> Insert:
    # Of the table, not the mapped class: the session runs it as Core, no ORM bulk insert.
    table: Table = model.__table__
    return insert(table)


_INSERT_OBJECT = _core_insert(DataObject)
_INSERT_EVENT = _core_insert(DataObjectEvent)
