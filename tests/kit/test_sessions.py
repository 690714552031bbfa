"""The request's session: a read (GET, HEAD, a route marked `without_transaction`) runs outside
any transaction; every other request is one transaction, committed or rolled back whole."""

from __future__ import annotations

import uuid

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.kit.db import SessionDep, add_or_refuse
from socdesk.kit.errors import Conflict
from socdesk.kit.routes import without_transaction
from socdesk.models import Project

# After a first statement, a transaction's start is earlier than its current statement's; in
# autocommit each statement is a transaction of its own.
IN_TRANSACTION = "SELECT transaction_timestamp() < statement_timestamp()"


async def _in_transaction(session: SessionDep) -> dict[str, bool]:
    await session.execute(text("SELECT 1"))
    return {"in_transaction": bool(await session.scalar(text(IN_TRANSACTION)))}


def _add_probes(app: FastAPI) -> None:
    async def probe(session: SessionDep) -> dict[str, bool]:
        return await _in_transaction(session)

    @without_transaction
    async def marked_probe(session: SessionDep) -> dict[str, bool]:
        return await _in_transaction(session)

    app.add_api_route("/probe", probe, methods=["GET", "POST"])
    app.add_api_route("/probe/read", marked_probe, methods=["POST"])


async def test_reads_run_outside_a_transaction_and_writes_inside_one(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL tells whether a statement runs in a transaction")
    _add_probes(app)

    got = (await client.get("/probe")).json()
    posted = (await client.post("/probe")).json()
    marked = (await client.post("/probe/read")).json()

    assert got == {"in_transaction": False}
    assert posted == {"in_transaction": True}
    assert marked == {"in_transaction": False}


async def test_a_savepoint_as_the_first_write_is_undone_with_its_transaction(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # SQLite commits a SAVEPOINT opened outside a transaction when it is released: the driver
    # opens its own transaction only before an INSERT/UPDATE/DELETE, so a request whose first
    # write is `add_or_refuse` kept that row even when the request then failed.
    name = f"savepoint-{uuid.uuid4().hex[:8]}"
    async with sessions() as session:
        await add_or_refuse(session, Project(id=uuid.uuid4(), name=name), Conflict("taken"))
        await session.rollback()

    async with sessions() as session:
        assert await session.scalar(select(Project).where(Project.name == name)) is None
