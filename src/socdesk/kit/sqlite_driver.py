"""SQLite's async driver with a statement in one trip to its thread.

aiosqlite runs each sqlite3 call on a thread of its own; each call is a trip there and back (a
queue, a wake-up, a future resolved on the event loop). SQLAlchemy's adapter makes three or
four of them per statement: the cursor made, the statement run, its rows fetched, the cursor
closed. Here a statement is one trip: one function does all four on the thread and hands back
the rows with what the cursor said (description, rowcount, lastrowid). A create of one object
sends three statements and a commit: eleven trips before, four now. Server-side cursors (an
export's stream) keep SQLAlchemy's own adapter, whose rows come a batch a trip.
"""

from __future__ import annotations

import collections
import sqlite3
from dataclasses import dataclass
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT


@dataclass(slots=True)
class _Finished:
    """What a cursor said about the statement it ran, once it is closed."""

    description: Any = None
    rowcount: int = -1
    lastrowid: int | None = None
    arraysize: int = 1


def _run(
    connection: sqlite3.Connection, operation: str, parameters: Any, many: bool
) -> tuple[_Finished, list[Any] | None]:
    """On aiosqlite's thread: the statement run on a cursor of its own, its rows, the cursor
    closed."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else None
        return _Finished(cursor.description, cursor.rowcount, cursor.lastrowid), rows
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """SQLAlchemy's aiosqlite cursor, each statement one call on the driver's thread."""

    __slots__ = ()

    def __init__(self, adapt_connection: Any) -> None:
        # No aiosqlite cursor: each statement makes and closes its own on the thread.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = _Finished()  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        await self._in_one_trip(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        await self._in_one_trip(operation, seq_of_parameters, many=True)

    async def _in_one_trip(self, operation: Any, parameters: Any, many: bool) -> None:
        driver: Any = self._connection  # an aiosqlite.Connection: its queue to its thread
        async with self._adapt_connection._execute_mutex:
            finished, rows = await driver._execute(_run, driver._conn, operation, parameters, many)
        self._cursor = finished
        self._rows = collections.deque(rows or ())

    async def _async_soft_close(self) -> None:
        return  # nothing is open between statements

    def close(self) -> None:
        self._rows.clear()


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneTripCursor


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module SQLAlchemy's aiosqlite dialect is given (`create_async_engine(module=)`)
    so that its connections make OneTripCursors."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted._connection)
