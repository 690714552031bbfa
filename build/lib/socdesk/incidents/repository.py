"""Incident queries. Every method is bound to one workspace: no query can reach another tenant."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    Uuid,
    delete,
    func,
    insert,
    literal,
    null,
    select,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.kit.bulk import bulk_insert
from socdesk.kit.errors import NotFound, some_of
from socdesk.kit.upsert import insert_for
from socdesk.models import Incident, IncidentEvent, WorkspaceCounter

# Stay well under SQLite's 32,766 bound parameters per statement.
CHUNK = 5000


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def select_in_chunks(
    session: AsyncSession, statement: Any, column: Any, ids: Sequence[Any]
) -> list[Any]:
    """The rows of `statement` where `column` is one of `ids`, one query per chunk."""
    found: list[Any] = []
    for part in chunks(ids):
        found.extend(await session.execute(statement.where(column.in_(part))))
    return found


class IncidentRepository:
    def __init__(self, session: AsyncSession, workspace_id: uuid.UUID) -> None:
        self.session = session
        self.workspace_id = workspace_id

    @property
    def _is_postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    async def allocate_numbers(self, count: int) -> range:
        """`count` consecutive incident numbers. The counter row stays locked until commit, so
        concurrent creates queue here and a rollback returns the numbers."""
        statement = (
            insert_for(self.session, WorkspaceCounter)
            .values(workspace_id=self.workspace_id, last_incident_number=count)
            .on_conflict_do_update(
                index_elements=[WorkspaceCounter.workspace_id],
                set_={"last_incident_number": WorkspaceCounter.last_incident_number + count},
            )
            .returning(WorkspaceCounter.last_incident_number)
        )
        last = int((await self.session.execute(statement)).scalar_one())
        return range(last - count + 1, last + 1)

    async def insert(self, rows: Sequence[dict[str, Any]]) -> None:
        await bulk_insert(self.session, Incident, rows)

    async def get(self, incident_id: uuid.UUID) -> Incident | None:
        return await self.session.scalar(
            select(Incident).where(
                Incident.workspace_id == self.workspace_id, Incident.id == incident_id
            )
        )

    async def lock(self, ids: Sequence[uuid.UUID]) -> list[Incident]:
        """The incidents `ids`, fresh from the database and locked until commit (PostgreSQL).
        Rows are locked in id order, so two transactions locking overlapping sets queue
        instead of deadlocking."""
        found: list[Incident] = []
        for part in chunks(sorted(ids)):
            if not self._is_postgres:
                # SQLite has no row locks: a write takes the database's write lock (waiting
                # for any other writer to commit), so every read after it is current.
                await self.session.execute(
                    update(Incident)
                    .where(Incident.workspace_id == self.workspace_id, Incident.id.in_(part))
                    .values(version=Incident.version)
                    .execution_options(synchronize_session=False)
                )
            rows = await self.session.scalars(
                select(Incident)
                .where(Incident.workspace_id == self.workspace_id, Incident.id.in_(part))
                .order_by(Incident.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            found.extend(rows)
        return found

    async def lock_existing(self, ids: Sequence[uuid.UUID]) -> list[Incident]:
        """`lock`, with a 404 when one of `ids` was deleted since it was looked up."""
        rows = await self.lock(ids)
        if len(rows) < len(set(ids)):
            found = {row.id for row in rows}
            gone = [str(i) for i in ids if i not in found]
            raise NotFound(f"ids: deleted meanwhile: {some_of(gone)}")
        return rows

    async def page(
        self,
        where: ColumnElement[bool],
        order: Sequence[ColumnElement[Any]],
        offset: int,
        limit: int,
    ) -> tuple[Sequence[Incident], int]:
        scoped = (Incident.workspace_id == self.workspace_id) & where
        total = await self.session.scalar(select(func.count()).select_from(Incident).where(scoped))
        rows = await self.session.scalars(
            select(Incident).where(scoped).order_by(*order).offset(offset).limit(limit)
        )
        return rows.all(), int(total or 0)

    async def update_one(
        self, incident_id: uuid.UUID, expected_version: int, values: dict[str, Any]
    ) -> bool:
        """Write `values` if the row is still at `expected_version`; False if it moved on."""
        result = await self.session.execute(
            update(Incident)
            .where(
                Incident.workspace_id == self.workspace_id,
                Incident.id == incident_id,
                Incident.version == expected_version,
            )
            .values(version=Incident.version + 1, **values)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    def merged_document(self, patch: dict[str, Any]) -> Any:
        """SQL that replaces the top-level keys of `document` named in `patch`."""
        if not patch:
            return Incident.document
        if self._is_postgres:
            return Incident.document.op("||")(type_coerce(patch, JSONB))
        arguments: list[Any] = []
        for key, value in patch.items():
            arguments += [f'$."{key}"', func.json(type_coerce(value, Incident.document.type))]
        return func.json_set(Incident.document, *arguments)

    def document_with(self, path: Sequence[str], value: Any) -> Any:
        """SQL that sets one nested key of `document` (whose parents exist) to `value`."""
        if self._is_postgres:
            return func.jsonb_set(
                Incident.document, literal(list(path), ARRAY(String())), type_coerce(value, JSONB)
            )
        return func.json_set(Incident.document, "$." + ".".join(f'"{p}"' for p in path), value)

    async def update_many(self, ids: Sequence[uuid.UUID], values: dict[str, Any]) -> None:
        for part in chunks(ids):
            await self.session.execute(
                update(Incident)
                .where(Incident.workspace_id == self.workspace_id, Incident.id.in_(part))
                .values(version=Incident.version + 1, **values)
                .execution_options(synchronize_session=False)
            )

    async def delete(self, ids: Sequence[uuid.UUID]) -> None:
        for part in chunks(ids):
            await self.session.execute(
                delete(Incident)
                .where(Incident.workspace_id == self.workspace_id, Incident.id.in_(part))
                .execution_options(synchronize_session=False)
            )

    async def add_events(self, events: Iterable[dict[str, Any]]) -> None:
        rows = [{"id": uuid.uuid4(), "workspace_id": self.workspace_id, **e} for e in events]
        await bulk_insert(self.session, IncidentEvent, rows)

    async def add_same_event(self, ids: Sequence[uuid.UUID], event: dict[str, Any]) -> None:
        """The same event (no per-row changes or snapshot) for each of `ids`, written by the
        database: one INSERT ... SELECT per chunk, no event row travels from Python."""
        columns = IncidentEvent.__table__.columns
        names = [n for n in event if n != "incident_id"]
        values = [null() if event[n] is None else literal(event[n], columns[n].type) for n in names]
        targets = ["id", "workspace_id", "incident_id", *names]
        for part in chunks(ids):
            if self._is_postgres:
                # unnest() of one array parameter: no lookup in incidents, whose statistics
                # are stale in the middle of a large import.
                listed = (
                    func.unnest(literal(list(part), ARRAY(Uuid())))
                    .table_valued("incident")
                    .render_derived()
                )
                source = select(
                    func.gen_random_uuid(),
                    literal(self.workspace_id, Uuid()),
                    listed.c.incident,
                    *values,
                )
            else:  # SQLite looks each id up by primary key; ids are 32 lowercase hex digits
                source = select(
                    func.lower(func.hex(func.randomblob(16))),
                    Incident.workspace_id,
                    Incident.id,
                    *values,
                ).where(Incident.workspace_id == self.workspace_id, Incident.id.in_(part))
            await self.session.execute(insert(IncidentEvent).from_select(targets, source))

    async def existing_ids(self, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Which of `ids` incidents of this workspace already have."""
        taken: set[uuid.UUID] = set()
        for part in chunks(ids):
            taken.update(
                await self.session.scalars(
                    select(Incident.id).where(
                        Incident.workspace_id == self.workspace_id, Incident.id.in_(part)
                    )
                )
            )
        return taken

    async def history(self, incident_id: uuid.UUID) -> Sequence[IncidentEvent]:
        return (
            await self.session.scalars(
                select(IncidentEvent)
                .where(
                    IncidentEvent.workspace_id == self.workspace_id,
                    IncidentEvent.incident_id == incident_id,
                )
                .order_by(IncidentEvent.at, IncidentEvent.id)
            )
        ).all()
