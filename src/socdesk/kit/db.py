"""Engines and sessions for the two supported stores: SQLite (embedded) and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from socdesk.kit.routes import route_without_transaction
from socdesk.kit.sqlite_driver import OneTripDBAPI

ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+psycopg"}
SYNC_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}


def _backend(url: URL) -> str:
    name = url.get_backend_name()
    if name == "postgres":
        return "postgresql"
    if name not in ASYNC_DRIVERS:
        raise ValueError(f"unsupported database {name!r}: use sqlite or postgresql")
    return name


def async_url(database_url: str) -> URL:
    """The URL with the async driver SOCdesk uses, whatever driver the operator wrote."""
    url = make_url(database_url)
    return url.set(drivername=ASYNC_DRIVERS[_backend(url)])


def sync_url(database_url: str) -> URL:
    """The URL with a blocking driver, for migrations and the CLI's schema checks."""
    url = make_url(database_url)
    return url.set(drivername=SYNC_DRIVERS[_backend(url)])


def is_sqlite(database_url: str) -> bool:
    return _backend(make_url(database_url)) == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # WAL lets readers run beside the one writer; busy_timeout makes writers queue instead of
    # failing at once; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _begin_before_savepoint(connection: Connection, _name: str | None) -> None:
    # Python's sqlite3 opens a transaction only before an INSERT, UPDATE or DELETE, and SQLite
    # runs a SAVEPOINT given outside a transaction as a transaction of its own, committed when
    # it is released: a savepoint that was a request's first write (kit/db.add_or_refuse)
    # outlived the request's rollback. Beginning first nests it in the request's transaction.
    if not connection.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
        connection.exec_driver_sql("BEGIN")


def install_sqlite_pragmas(engine: Engine) -> None:
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "savepoint", _begin_before_savepoint)


def create_engine(database_url: str, *, pool_size: int = 10) -> AsyncEngine:
    """An async engine for the store; SQLite gets its pragmas on every new connection."""
    url = async_url(database_url)
    if url.get_backend_name() == "sqlite":
        # A statement in one trip to aiosqlite's thread, not three or four (kit/sqlite_driver.py).
        engine = create_async_engine(url, module=OneTripDBAPI())
        install_sqlite_pragmas(engine.sync_engine)
        return engine
    # No pre-ping: it costs every request a round trip. A connection the server dropped fails
    # the statement that meets it, and SQLAlchemy then discards the whole pool's connections,
    # so after a database restart one request per process sees the error (docs/serving.md).
    return create_async_engine(url, pool_size=pool_size, max_overflow=pool_size)


def create_sessionmaker(
    engine: AsyncEngine, info: dict[str, Any] | None = None
) -> async_sessionmaker[AsyncSession]:
    """`info` starts each session's `info` (kit/changefeed.py: the listeners of its changes)."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False, info=info)


def create_read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for requests that only read: on PostgreSQL their connection is in autocommit,
    so a read costs no BEGIN and no COMMIT round trip (each statement sees the data committed
    when it starts, as in the READ COMMITTED transaction it replaces). SQLite's driver opens a
    transaction only before a write, so its reads already run without one."""
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="AUTOCOMMIT")
    return create_sessionmaker(engine)


# Requests that never write: HTTP says GET and HEAD are safe, and no SOCdesk GET writes.
READ_METHODS = frozenset({"GET", "HEAD"})


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's unit of work: committed when the endpoint returns, rolled back if it raises.
    A GET or HEAD, or a route marked `without_transaction` (a search), reads outside any
    transaction (`create_read_sessionmaker`)."""
    if request.method in READ_METHODS or route_without_transaction(request.scope):
        readers: async_sessionmaker[AsyncSession] = request.app.state.read_sessionmaker
        async with readers() as session:
            yield session
        return
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with sessionmaker() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        await session.commit()


# "function" scope: the commit runs when the endpoint returns, before the response is sent, so a
# client never sees success for a transaction that then fails to commit.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def add_or_refuse(session: AsyncSession, row: Any, refusal: Exception) -> None:
    """Insert `row` in a savepoint; `refusal` if the database rejects it (a unique key already
    taken, also by a concurrent request; a parent row gone). The transaction stays usable."""
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise refusal from None


async def flush_or_refuse(session: AsyncSession, refusal: Exception) -> None:
    """Flush the session's changes in a savepoint; `refusal` if the database rejects them (a
    unique key taken by a rename, also by a concurrent request). The transaction stays usable."""
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise refusal from None
