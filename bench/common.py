"""Shared set-up for the benchmarks: a throwaway migrated store and a logged-in API client."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import psycopg
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from socdesk.app import create_app
from socdesk.iam.accounts import AccountService
from socdesk.kit.migrate import upgrade
from socdesk.settings import Environment, Settings

POSTGRES_ADMIN_URL = os.environ.get(
    "SOCDESK_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PASSWORD = "bench-password"
SECRET_KEY = "bench-secret-key-0123456789"


@dataclass
class Bench:
    app: FastAPI
    client: httpx.AsyncClient
    url: str
    workspace_path: str


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@asynccontextmanager
async def database(backend: str) -> AsyncIterator[str]:
    """A fresh migrated database on `backend`, dropped afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            url = f"sqlite+aiosqlite:///{directory}/bench.db"
            upgrade(url)
            yield url
        return
    name = f"socdesk_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_libpq(POSTGRES_ADMIN_URL), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(_libpq(POSTGRES_ADMIN_URL), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


@asynccontextmanager
async def bench_app(url: str) -> AsyncIterator[Bench]:
    """The app on `url` with one tenant, and a client logged in as its administrator."""
    settings = Settings(
        environment=Environment.test,
        database_url=url,
        secret_key=SECRET_KEY,
        log_level="WARNING",
        import_max_rows=1_000_000,
        import_max_bytes=1 << 30,
    )
    app = create_app(settings)
    async with app.state.sessionmaker.begin() as session:
        tenant = await AccountService(session).bootstrap(
            "bench", "main", "bench@socdesk.example", PASSWORD
        )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=None) as c:
        login = await c.post(
            "/v3/auth/tokens",
            json={
                "auth": {
                    "identity": {
                        "methods": ["password"],
                        "password": {
                            "user": {
                                "name": "bench@socdesk.example",
                                "password": PASSWORD,
                                "domain": {"name": "bench"},
                            }
                        },
                    }
                }
            },
        )
        c.headers["X-Auth-Token"] = login.headers["X-Subject-Token"]
        path = f"/v1/{tenant.project.id.hex}/workspaces/{tenant.workspace.id}"
        try:
            yield Bench(app, c, url, path)
        finally:
            await app.state.engine.dispose()


def backends(choice: str) -> list[str]:
    return ["sqlite", "postgresql"] if choice == "both" else [choice]
