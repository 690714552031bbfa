"""The bare FastAPI app `bench/http_load.py` compares SOCdesk with: one route answering ~1 KB of
JSON (`/incident`), and one doing the two reads a SOCdesk GET cannot do without and nothing else
(`/incident/{id}`: the token's row by its hash and the incident's row, through the same engine
and read sessions as SOCdesk, in SQLAlchemy Core, answering the same ~1 KB when both are found):
the floor of the database work through SQLAlchemy. `/incident-raw/{id}` sends the same two
statements, compiled once, straight to the psycopg connection under the session (PostgreSQL
only): what leaving SQLAlchemy's execution path for hot reads would buy. Both need
SOCDESK_DATABASE_URL.

Run as a script it serves that app the way `socdesk serve` serves SOCdesk (same server, same
worker count), so the ratio measures the application and not the server set-up:

    .venv/bin/python bench/http_bare.py --port 8101 --workers 2
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql

from socdesk.iam import secrets
from socdesk.kit.db import create_engine, create_read_sessionmaker
from socdesk.models import AuthToken, Incident

# About 1 KB of JSON, shaped like an incident's data_object.
PAYLOAD: dict[str, Any] = {
    "id": "0b8f1c2e-6d4a-4f8e-9a51-3c2d7e9f1a00",
    "version": "3",
    "title": "Brute force against sshd on host-0042",
    "description": "Seen by the host sensor on host-0042; see network_list for the sources.",
    "severity": "High",
    "handle_status": "Open",
    "incident_type": {"category": "Brute force", "incident_type": "SSH brute force"},
    "data_source": {"source_type": 3, "product_name": "HSS", "product_feature": "login"},
    "owner": "analyst7@soc.example",
    "creator": "bench@socdesk.example",
    "confidence": 80,
    "criticality": 60,
    "first_observed_time": "2026-11-01T10:00:00.000Z+0000",
    "create_time": "2026-11-01T10:05:00.000Z+0000",
    "update_time": "2026-11-01T10:05:00.000Z+0000",
    "network_list": [{"src_ip": f"203.0.113.{n}", "dest_port": "22"} for n in range(8)],
    "domain_id": "6f1d0c2b9a8e4d7c8b6a5f4e3d2c1b0a",
    "workspace_id": "4e9c6b1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d",
}

_TOKEN = select(AuthToken.id, AuthToken.user_id, AuthToken.revoked_at).where(
    AuthToken.token_hash == bindparam("token_hash")
)
_INCIDENT_COLUMNS: Any = Incident.__table__
_INCIDENT = select(*_INCIDENT_COLUMNS.columns).where(
    _INCIDENT_COLUMNS.c.id == bindparam("incident_id")
)


@asynccontextmanager
async def _database(app: FastAPI) -> AsyncIterator[None]:
    url = os.environ.get("SOCDESK_DATABASE_URL")
    if url is None:
        yield
        return
    engine = create_engine(url)
    app.state.read_sessionmaker = create_read_sessionmaker(engine)
    yield
    await engine.dispose()


app = FastAPI(lifespan=_database)


@app.get("/incident")
async def incident() -> dict[str, Any]:
    return PAYLOAD


@app.get("/incident/{incident_id}")
async def incident_row(incident_id: uuid.UUID, request: Request) -> dict[str, Any]:
    token_hash = secrets.hash_bearer_token(request.headers.get("x-auth-token", ""))
    async with request.app.state.read_sessionmaker() as session:
        token = (await session.execute(_TOKEN, {"token_hash": token_hash})).first()
        row = (await session.execute(_INCIDENT, {"incident_id": incident_id})).first()
    return _answer(token, row)


@app.get("/incident-raw/{incident_id}")
async def incident_row_raw(incident_id: uuid.UUID, request: Request) -> dict[str, Any]:
    token_hash = secrets.hash_bearer_token(request.headers.get("x-auth-token", ""))
    async with request.app.state.read_sessionmaker() as session:
        connection = await session.connection()
        raw: Any = (await connection.get_raw_connection()).driver_connection
        token = await (await raw.execute(*_compiled(_TOKEN, token_hash=token_hash))).fetchone()
        cursor = await raw.execute(*_compiled(_INCIDENT, incident_id=incident_id))
        row = await cursor.fetchone()
    return _answer(token, row)


def _answer(token: Any, row: Any) -> dict[str, Any]:
    """The ~1 KB answer of `/incident` when both rows were found: the two reads' figures then
    differ from it by the reads alone, not by turning a row into JSON."""
    if token is None or row is None:
        raise HTTPException(404)
    return PAYLOAD


_SQL: dict[Any, str] = {}


def _compiled(statement: Any, **values: Any) -> tuple[str, dict[str, Any]]:
    """The statement's PostgreSQL text (compiled once) and its parameters."""
    if statement not in _SQL:
        _SQL[statement] = str(statement.compile(dialect=postgresql.dialect()))
    return _SQL[statement], values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    # The workers import this module by name.
    sys.path.insert(0, str(Path(__file__).parent))
    from socdesk.cli.serving import serve

    serve("http_bare:app", args.host, args.port, args.workers, factory=False)


if __name__ == "__main__":
    main()
