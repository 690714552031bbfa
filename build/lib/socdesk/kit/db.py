"""Engines and sessions for the two supported stores: SQLite (embedded) and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

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


def install_sqlite_pragmas(engine: Engine) -> None:
    event.listen(engine, "connect", _sqlite_pragmas)


def create_engine(database_url: str, *, pool_size: int = 10) -> AsyncEngine:
    """An async engine for the store; SQLite gets its pragmas on every new connection."""
    url = async_url(database_url)
    if url.get_backend_name() == "sqlite":
        engine = create_async_engine(url)
        install_sqlite_pragmas(engine.sync_engine)
        return engine
    return create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's unit of work: committed when the endpoint returns, rolled back if it raises."""
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
