"""The request's session: a read (GET, HEAD, a route marked `without_transaction`) runs outside
any transaction; every other request is one transaction, committed or rolled back whole."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from socdesk.kit.db import SessionDep
from socdesk.kit.routes import without_transaction

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
