"""SQLite's driver with a statement in one trip to aiosqlite's thread (kit/sqlite_driver.py):
what each statement answers is what SQLAlchemy's own adapter answers, in one trip."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from socdesk.kit.db import create_engine


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    made = create_engine(f"sqlite+aiosqlite:///{tmp_path}/driver.db")
    async with made.begin() as connection:
        await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
    yield made
    await made.dispose()


async def test_each_statement_answers_as_the_driver_does(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        inserted = await connection.execute(text("INSERT INTO t (v) VALUES ('a')"))
        await connection.execute(text("INSERT INTO t (v) VALUES (:v)"), [{"v": "b"}, {"v": "c"}])
        returned = await connection.execute(text("INSERT INTO t (v) VALUES ('d') RETURNING id, v"))
        returned_rows = returned.all()
        updated = await connection.execute(text("UPDATE t SET v = v || '!' WHERE id > 1"))
        rows = (await connection.execute(text("SELECT id, v FROM t ORDER BY id"))).all()
    assert (inserted.lastrowid, inserted.rowcount) == (1, 1)
    assert returned_rows == [(4, "d")]
    assert updated.rowcount == 3
    assert rows == [(1, "a"), (2, "b!"), (3, "c!"), (4, "d!")]


async def test_a_failed_statement_raises_and_its_transaction_writes_nothing(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("INSERT INTO t (v) VALUES ('x')"))
        with pytest.raises(IntegrityError, match="UNIQUE"):
            await connection.execute(text("INSERT INTO t (v) VALUES ('x')"))
        await connection.rollback()
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar() == 0
        # A streamed result (an export's server-side cursor) still reads every row.
        await connection.execute(text("INSERT INTO t (v) VALUES ('y'), ('z')"))
        streamed = await connection.stream(text("SELECT v FROM t ORDER BY v"))
        assert [row.v async for row in streamed] == ["y", "z"]


async def test_a_statement_is_one_trip_to_the_drivers_thread(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    trips: list[Any] = []
    to_thread = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(fn)
        return await to_thread(self, fn, *args, **kwargs)

    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))  # the connection made, its pragmas set
        monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
        await connection.execute(text("INSERT INTO t (v) VALUES ('a')"))
        found = (await connection.execute(text("SELECT v FROM t"))).all()
        statements_trips = len(trips)
    assert found == [("a",)]
    assert statements_trips == 2  # SQLAlchemy's adapter made 7: cursor, execute, fetch, close
