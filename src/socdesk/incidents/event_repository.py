"""Queries on the incidents' audit trail (their events): built by the database from the
incident rows, per chunk, and read back as an incident's history."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    Uuid,
    bindparam,
    func,
    insert,
    literal,
    null,
    select,
)

from socdesk.kit.built import IDS, Built, among_parameter, among_value
from socdesk.kit.bulk import bulk_insert
from socdesk.kit.repository import (
    TENANT,
    WorkspaceScoped,
    chunks,
)
from socdesk.kit.sqljson import RowValues
from socdesk.models import (
    Incident,
    IncidentAction,
    IncidentEvent,
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
                # The ids as a table (kit/repository.py `listed_ids`): no lookup in incidents,
                # whose statistics are stale in the middle of a large import. Ascending event
                # ids, made here, and the import's ascending incident ids append to the
                # events' indexes.
                listed = self.listed_ids(part, "incident")
                source = select(
                    self.numbered_new_ids_sql(len(part), listed.c.n),
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
        parameters: Mapping[str, Any] | None = None,
        *,
        lock: bool = False,
    ) -> list[uuid.UUID]:
        """One event for each incident of `ids` (those of this workspace): `event`'s values,
        shared, and `derived`'s, SQL over the incident's row (and `joined`'s values for it, sent
        as `parameters`), so
        the database builds every event: one INSERT ... SELECT per chunk, nothing read back.

        With `lock`, the same statement locks the incidents, in id order as `Scoped.lock`
        does (one pass over them instead of two); the ids of those found, in id order (else
        none are returned)."""
        postgres = self.is_postgres
        shared = tuple(n for n in event if n != "incident_id" and n not in derived)
        # The statement's shape: the event's values are parameters, so one is built per
        # store, columns, derived SQL (kept alive by the statement, so its id stays its own)
        # and lock, and the update events of a run's actions reuse it.
        shape = (
            postgres,
            tuple((n, event[n] is None) for n in shared),
            tuple((n, id(v)) for n, v in derived.items()),
            id(joined),
            lock,
        )
        statement = _FROM_INCIDENTS.get(
            shape, lambda: _from_incidents(self, event, shared, derived, joined, lock)
        )
        values: dict[str, Any] = {f"event_{n}": event[n] for n in shared if event[n] is not None}
        values.update(parameters or {})
        values[TENANT] = self.tenant_id
        found: list[uuid.UUID] = []
        if lock:
            await self.take_write_lock(ids)
            ids = sorted(ids)
        for part in chunks(ids):
            result = await self.session.execute(
                statement, {**values, IDS: among_value(postgres, part)}
            )
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

    async def last_state(self, incident_id: uuid.UUID) -> dict[str, Any] | None:
        """The incident's data as it was deleted (its delete event's snapshot, SecMaster's
        data_object); None when it was never deleted here."""
        snapshot: dict[str, Any] | None = await self.session.scalar(
            self.select(IncidentEvent.snapshot)
            .where(
                IncidentEvent.incident_id == incident_id,
                IncidentEvent.action == IncidentAction.delete.value,
            )
            .order_by(IncidentEvent.at.desc())
            .limit(1)
        )
        return snapshot


_FROM_INCIDENTS = Built()


def _from_incidents(
    repository: EventRepository,
    event: Mapping[str, Any],
    shared: Sequence[str],
    derived: Mapping[str, Any],
    joined: RowValues | None,
    lock: bool,
) -> Any:
    """`add_from_incidents`' INSERT ... SELECT, its values, tenant and ids parameters."""
    events: Any = IncidentEvent.__table__  # a Table (the declarative base types a FromClause)
    columns = events.columns
    values = [
        null() if event[n] is None else bindparam(f"event_{n}", type_=columns[n].type)
        for n in shared
    ]
    rows: Any = Incident.__table__
    if joined is not None:
        rows = rows.outerjoin(joined.table, joined.on(Incident.id))
    targets = ["id", "workspace_id", "incident_id", *shared, *derived]
    source = (
        select(
            repository.new_id_sql(), Incident.workspace_id, Incident.id, *values, *derived.values()
        )
        .select_from(rows)
        .where(
            Incident.workspace_id == bindparam(TENANT),
            among_parameter(repository.is_postgres, Incident.id),
        )
    )
    # The table's INSERT, not the ORM's: given parameters, the ORM's would be a bulk insert of
    # rows.
    statement = insert(events)
    if lock:
        source = source.order_by(Incident.id).with_for_update(of=Incident)
        statement = statement.returning(events.c.incident_id)
    return statement.from_select(targets, source)
