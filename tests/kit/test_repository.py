"""The scoped repository base: the tenant filter, locks in id order, keyset pages, cursors."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.kit.errors import NotFound, ValidationFailed
from socdesk.kit.keyset import Keyset, int_value
from socdesk.kit.repository import WorkspaceScoped
from socdesk.models import Incident
from tests.factories import TenantInfo, make_tenant
from tests.secmaster.incidents.factories import seed_incidents


class Incidents(WorkspaceScoped[Incident]):
    model = Incident


BY_NUMBER = Keyset("number", Incident.number, Incident.id, parse=int_value(1, 2**31 - 1))


async def test_every_statement_keeps_to_its_workspace(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    mine = {uuid.UUID(i) for i in await seed_incidents(sessions, tenant, 3)}
    other = await make_tenant(sessions)
    theirs = {uuid.UUID(i) for i in await seed_incidents(sessions, other, 2)}
    async with sessions.begin() as session:
        repo = Incidents(session, tenant.workspace_id)
        assert set((await session.scalars(repo.select(Incident.id))).all()) == mine
        locked = await repo.lock([*theirs, *mine])
        assert [row.id for row in locked] == sorted(mine)
        found = await repo.scalars_in_chunks(repo.select(), Incident.id, [*theirs, *mine])
        assert {row.id for row in found} == mine
        await repo.execute_in_chunks(repo.delete(), Incident.id, list(theirs))
        with pytest.raises(NotFound):
            await repo.lock_existing([*theirs])
    async with sessions.begin() as session:
        still = Incidents(session, other.workspace_id)
        assert set((await session.scalars(still.select(Incident.id))).all()) == theirs


async def test_keyset_pages_walk_every_row_once_in_order(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    await seed_incidents(sessions, tenant, 7)
    for keyset in (
        BY_NUMBER,
        Keyset("-number", Incident.number, Incident.id, True, int_value(1, 99)),
    ):
        seen: list[int] = []
        cursor = None
        async with sessions.begin() as session:
            repo = Incidents(session, tenant.workspace_id)
            while True:
                page = await repo.page(repo.select(), keyset, 3, cursor)
                seen += [row.number for row in page.rows]
                cursor = page.next_cursor
                if cursor is None:
                    break
        assert seen == sorted(seen, reverse=keyset.descending)
        assert sorted(seen) == list(range(1, 8))


async def test_a_cursor_is_refused_by_another_order_and_when_forged(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    await seed_incidents(sessions, tenant, 3)
    async with sessions.begin() as session:
        repo = Incidents(session, tenant.workspace_id)
        page = await repo.page(repo.select(), BY_NUMBER, 1, None)
    assert page.next_cursor is not None
    other = Keyset("created", Incident.create_time, Incident.id)
    for keyset, cursor in ((other, page.next_cursor), (BY_NUMBER, "bm90IGpzb24")):
        with pytest.raises(ValidationFailed) as refused:
            keyset.decode(cursor)
        assert refused.value.details[0].field == "cursor"
    forged = BY_NUMBER.encode(0, uuid.uuid4())  # a number no incident has
    with pytest.raises(ValidationFailed):
        BY_NUMBER.decode(forged)


async def test_get_finds_a_row_of_its_tenant_only(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    (mine,) = [uuid.UUID(i) for i in await seed_incidents(sessions, tenant, 1)]
    other = await make_tenant(sessions)
    (theirs,) = [uuid.UUID(i) for i in await seed_incidents(sessions, other, 1)]
    async with sessions.begin() as session:
        repo = Incidents(session, tenant.workspace_id)
        found = await repo.get(mine)
        assert found is not None
        assert found.id == mine
        assert await repo.get(theirs) is None


async def test_sqlite_write_lock_is_taken_once_per_transaction_and_again_in_the_next(
    sessions: async_sessionmaker[AsyncSession], tenant: TenantInfo
) -> None:
    ids = [uuid.UUID(i) for i in await seed_incidents(sessions, tenant, 2)]
    taken: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("UPDATE incidents SET id=incidents.id"):
            taken.append(statement)

    async with sessions() as session:
        engine = session.bind.sync_engine  # type: ignore[union-attr]
        event.listen(engine, "before_cursor_execute", count)
        try:
            repo = Incidents(session, tenant.workspace_id)
            async with session.begin():
                assert await repo.lock_ids(ids[:1]) == ids[:1]
                assert await repo.lock_ids(ids[1:]) == ids[1:]
                in_first = len(taken)
            async with session.begin():
                assert sorted(await repo.lock_ids(ids)) == sorted(ids)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    sqlite = engine.dialect.name == "sqlite"
    # SQLite keeps the lock to the transaction's end; a new transaction must take it again.
    assert (in_first, len(taken)) == ((1, 2) if sqlite else (0, 0))
