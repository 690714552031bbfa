"""Incident and audit-event queries, bound to one workspace by the scoped base (kit/repository.py):
no query here can reach another tenant's rows."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Row,
    String,
    Uuid,
    bindparam,
    cast,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from socdesk.kit.bulk import bulk_insert
from socdesk.kit.ids import time_ordered_halves
from socdesk.kit.repository import WorkspaceScoped, chunks
from socdesk.kit.sqljson import RowValues
from socdesk.kit.upsert import insert_for
from socdesk.models import Incident, IncidentEvent, WorkspaceCounter


class IncidentRepository(WorkspaceScoped[Incident]):
    """One workspace's incidents."""

    model = Incident

    async def row(self, incident_id: uuid.UUID) -> Row[Any] | None:
        """The incident as a plain row (its columns): for reads that show it, not change it."""
        return await self.first_row(_INCIDENT_BY_ID, incident_id=incident_id)

    async def row_numbered(self, number: int) -> Row[Any] | None:
        """The incident with `number`, as a plain row (its columns)."""
        return await self.first_row(_INCIDENT_BY_NUMBER, number=number)

    async def rows(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Row[Any]]:
        """The incidents `ids` as stored now, as plain rows (their columns), by id; ids not
        found are left out."""
        found = await self.in_chunks(self.select_rows(), Incident.id, ids)
        return {row.id: row for row in found}

    async def allocate_numbers(self, count: int) -> range:
        """`count` consecutive incident numbers. The counter row stays locked until commit, so
        concurrent creates queue here and a rollback returns the numbers."""
        statement = (
            insert_for(self.session, WorkspaceCounter)
            .values(workspace_id=self.tenant_id, last_incident_number=count)
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

    async def get(self, incident_id: uuid.UUID, *, fresh: bool = False) -> Incident | None:
        """The incident; `fresh` reads it from the database even if the session holds it (as
        it was before a bulk statement)."""
        statement = self.select().where(Incident.id == incident_id)
        if fresh:
            statement = statement.execution_options(populate_existing=True)
        row: Incident | None = await self.session.scalar(statement)
        return row

    async def fresh(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Incident]:
        """The incidents `ids` as stored now (the session may hold them from before a bulk
        UPDATE), by id; ids not found are left out."""
        statement = self.select().execution_options(populate_existing=True)
        return {row.id: row for row in await self.scalars_in_chunks(statement, Incident.id, ids)}

    async def ids_and_numbers(
        self, numbers: Sequence[int], ids: Sequence[uuid.UUID]
    ) -> list[tuple[uuid.UUID, int]]:
        """(id, number) of the incidents that have one of `numbers` or `ids`."""
        found: list[tuple[uuid.UUID, int]] = []
        for part in chunks([*numbers, *ids]):
            part_numbers = [p for p in part if isinstance(p, int)]
            part_ids = [p for p in part if isinstance(p, uuid.UUID)]
            rows = await self.session.execute(
                self.select(Incident.id, Incident.number).where(
                    or_(Incident.number.in_(part_numbers), Incident.id.in_(part_ids))
                )
            )
            found += [(row.id, row.number) for row in rows]
        return found

    async def existing_ids(self, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Which of `ids` incidents of this workspace already have."""
        return set(await self.scalars_in_chunks(self.select(Incident.id), Incident.id, ids))

    async def count(self, where: ColumnElement[bool]) -> int:
        """How many incidents match `where`."""
        total = await self.session.scalar(
            select(func.count()).select_from(Incident).where(self.owned(), where)
        )
        return int(total or 0)

    async def offset_page(
        self,
        where: ColumnElement[bool],
        order: Sequence[ColumnElement[Any]],
        offset: int,
        limit: int,
    ) -> tuple[Sequence[Row[Any]], int]:
        """One page of the incidents matching `where`, by offset, as plain rows (their
        columns), and how many match."""
        total = await self.count(where)
        rows = await self.session.execute(
            self.select_rows().where(where).order_by(*order).offset(offset).limit(limit)
        )
        return rows.all(), total

    async def stream(
        self, where: ColumnElement[bool], order: Sequence[ColumnElement[Any]]
    ) -> AsyncIterator[Incident]:
        """Every incident matching `where`, in `order`, read a thousand at a time."""
        rows = await self.session.stream_scalars(
            self.select().where(where).order_by(*order).execution_options(yield_per=1000)
        )
        async for row in rows:
            yield row

    async def update_many(self, ids: Sequence[uuid.UUID], values: dict[str, Any]) -> None:
        """Write `values` (SQL or plain) on the incidents `ids` and move their version on: one
        UPDATE per chunk."""
        statement = self.update().values(version=Incident.version + 1, **values)
        await self.execute_in_chunks(statement, Incident.id, ids)

    async def delete_ids(self, ids: Sequence[uuid.UUID]) -> None:
        await self.execute_in_chunks(self.delete(), Incident.id, ids)

    def document_sql(
        self, patch: dict[str, Any], paths: Iterable[tuple[tuple[str, str], Any]] = ()
    ) -> Any:
        """SQL for `document` with the top-level keys of `patch` replaced, then each nested key
        of `paths` (whose parent object exists) set; None when it would not change."""
        expression: Any = Incident.document
        if patch:
            if self.is_postgres:
                expression = expression.op("||")(type_coerce(patch, JSONB))
            else:
                arguments: list[Any] = []
                for key, value in patch.items():
                    arguments += [
                        f'$."{key}"',
                        func.json(type_coerce(value, Incident.document.type)),
                    ]
                expression = func.json_set(expression, *arguments)
        for path, value in paths:
            if self.is_postgres:
                expression = func.jsonb_set(
                    expression, literal(list(path), ARRAY(String())), type_coerce(value, JSONB)
                )
            else:
                expression = func.json_set(
                    expression, "$." + ".".join(f'"{p}"' for p in path), value
                )
        return None if expression is Incident.document else expression


def _uuid_array(ids: Sequence[uuid.UUID]) -> str:
    """`ids` as PostgreSQL's text form of a uuid[]."""
    return "{" + ",".join(i.hex for i in ids) + "}"


_INCIDENT_BY_ID = IncidentRepository.rows_where(
    Incident.__table__.columns["id"] == bindparam("incident_id")
)
_INCIDENT_BY_NUMBER = IncidentRepository.rows_where(
    Incident.__table__.columns["number"] == bindparam("number")
)


class EventRepository(WorkspaceScoped[IncidentEvent]):
    """The incidents' audit trail."""

    model = IncidentEvent

    async def add(self, events: Iterable[dict[str, Any]]) -> None:
        rows = [{"id": uuid.uuid4(), "workspace_id": self.tenant_id, **e} for e in events]
        await bulk_insert(self.session, IncidentEvent, rows)

    async def add_same(self, ids: Sequence[uuid.UUID], event: dict[str, Any]) -> None:
        """The same event (no per-row changes or snapshot) for each of `ids`, written by the
        database: one INSERT ... SELECT per chunk, no event row travels from Python."""
        columns = IncidentEvent.__table__.columns
        names = [n for n in event if n != "incident_id"]
        values = [null() if event[n] is None else literal(event[n], columns[n].type) for n in names]
        targets = ["id", "workspace_id", "incident_id", *names]
        for part in chunks(ids):
            if self.is_postgres:
                # unnest() of one array parameter (sent as text: psycopg converts an array of
                # UUIDs value by value in Python): no lookup in incidents, whose statistics are
                # stale in the middle of a large import. Ascending event ids, made here, and
                # the import's ascending incident ids append to the events' indexes.
                listed = (
                    func.unnest(cast(literal(_uuid_array(part), String()), ARRAY(Uuid())))
                    .table_valued("incident", with_ordinality="n")
                    .render_derived()
                )
                high, low = time_ordered_halves(len(part))
                event_id = cast(
                    func.lpad(
                        func.to_hex(literal(high, BigInteger())), 16, "0", type_=String()
                    ).concat(func.to_hex(literal(low, BigInteger()) + listed.c.n)),
                    Uuid(),
                )
                source = select(
                    event_id,
                    literal(self.tenant_id, Uuid()),
                    listed.c.incident,
                    *values,
                )
            else:  # SQLite looks each id up by primary key; ids are 32 lowercase hex digits
                source = select(
                    func.lower(func.hex(func.randomblob(16))),
                    Incident.workspace_id,
                    Incident.id,
                    *values,
                ).where(self.owned(Incident), Incident.id.in_(part))
            await self.session.execute(insert(IncidentEvent).from_select(targets, source))

    async def add_from_incidents(
        self,
        ids: Sequence[uuid.UUID],
        event: Mapping[str, Any],
        derived: Mapping[str, Any],
        joined: RowValues | None = None,
        *,
        lock: bool = False,
    ) -> list[uuid.UUID]:
        """One event for each incident of `ids` (those of this workspace): `event`'s values,
        shared, and `derived`'s, SQL over the incident's row (and `joined`'s values for it), so
        the database builds every event: one INSERT ... SELECT per chunk, nothing read back.

        With `lock`, the same statement locks the incidents, in id order as `Scoped.lock`
        does (one pass over them instead of two); the ids of those found, in id order (else
        none are returned)."""
        columns = IncidentEvent.__table__.columns
        shared = [n for n in event if n != "incident_id" and n not in derived]
        values = [
            null() if event[n] is None else literal(event[n], columns[n].type) for n in shared
        ]
        new_id = self.new_id_sql()
        rows: Any = Incident.__table__
        if joined is not None:
            rows = rows.outerjoin(joined.table, joined.on(Incident.id))
        targets = ["id", "workspace_id", "incident_id", *shared, *derived]
        found: list[uuid.UUID] = []
        if lock:
            await self.take_write_lock(ids)
            ids = sorted(ids)
        for part in chunks(ids):
            source = (
                select(new_id, Incident.workspace_id, Incident.id, *values, *derived.values())
                .select_from(rows)
                .where(self.owned(Incident), self.among(Incident.id, part))
            )
            statement = insert(IncidentEvent)
            if lock:
                source = source.order_by(Incident.id).with_for_update(of=Incident)
                statement = statement.returning(IncidentEvent.incident_id)
            result = await self.session.execute(statement.from_select(targets, source))
            if lock:
                found += sorted(result.scalars())
        return found

    async def history(self, incident_id: uuid.UUID) -> Sequence[IncidentEvent]:
        """The incident's events, oldest first."""
        statement = (
            self.select()
            .where(IncidentEvent.incident_id == incident_id)
            .order_by(IncidentEvent.at, IncidentEvent.id)
        )
        return (await self.session.scalars(statement)).all()
