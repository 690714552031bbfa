"""Fixtures: every test gets its own migrated database, on SQLite and on PostgreSQL."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.app import create_app
from socdesk.settings import Environment, Settings
from tests.databases import (
    PostgresDatabases,
    SqliteDatabases,
    postgres_admin_url,
    postgres_answers,
    postgres_required,
)
from tests.factories import TenantInfo, login, make_access_key, make_tenant
from tests.sdk import sdk_client

TEST_SECRET = "test-secret-key-not-for-production"
# How long a test waits for a live server's answer. Only a hang should trip it: on a loaded CI
# machine PostgreSQL's disk can stall one request for several seconds (httpx's default is 5 s).
LIVE_TIMEOUT = 60.0


@pytest.fixture(scope="session")
def sqlite_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteDatabases]:
    databases = SqliteDatabases(tmp_path_factory.mktemp("sqlite"))
    yield databases
    databases.close()


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    if not postgres_required() and not postgres_answers():
        pytest.skip("no PostgreSQL: set SOCDESK_TEST_POSTGRES_URL or run one on 127.0.0.1:5432")
    # When the URL is set, a server that cannot be reached fails here instead of skipping.
    databases = PostgresDatabases(postgres_admin_url())
    yield databases
    databases.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh migrated database on each backend."""
    if request.param == "sqlite":
        databases: SqliteDatabases | PostgresDatabases = request.getfixturevalue("sqlite_databases")
    else:
        databases = request.getfixturevalue("postgres_databases")
    with databases.fresh() as url:
        yield url


def settings_for(database_url: str, **overrides: Any) -> Settings:
    """The suite's settings for `database_url`; a module that needs other limits (an
    allow-list, an attachment size) gives them as `overrides`."""
    values: dict[str, Any] = {
        "environment": Environment.test,
        "database_url": database_url,
        "secret_key": TEST_SECRET,
        "db_pool_size": 2,
        "log_level": "WARNING",
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    yield application
    await application.state.engine.dispose()


@pytest.fixture
def sessions(app: FastAPI) -> async_sessionmaker[AsyncSession]:
    """Sessions on the app's own database, for arranging data and checking outcomes."""
    sessionmaker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    return sessionmaker


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An anonymous client speaking HTTP to the app in-process."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as anonymous:
        yield anonymous


@pytest.fixture
async def tenant(sessions: async_sessionmaker[AsyncSession]) -> TenantInfo:
    return await make_tenant(sessions)


@pytest.fixture
async def admin_client(
    app: FastAPI, client: httpx.AsyncClient, tenant: TenantInfo
) -> AsyncIterator[httpx.AsyncClient]:
    """A client logged in (through POST /v3/auth/tokens) as the tenant's administrator."""
    token = await login(client, tenant.admin_email, tenant.project_name)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers={"X-Auth-Token": token}
    ) as logged_in:
        yield logged_in


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def live_server(settings: Settings) -> Iterator[str]:
    """A real uvicorn server on a free port, for clients that need real HTTP (the SDK)."""
    with serving(settings) as url:
        yield url


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """Serve an app built from `settings` with uvicorn on a free port; its base URL."""
    application = create_app(settings)
    config = uvicorn.Config(application, host="127.0.0.1", port=_free_port(), log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("live server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def tmp_workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@dataclass
class AdminSdk:
    """The official SecMaster SDK signed with the tenant admin's AK/SK, and the path
    parameters of the tenant's workspace (`**where`)."""

    client: Any
    where: dict[str, str]


@pytest.fixture
async def admin_sdk(
    live_server: str,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: TenantInfo,
) -> AdminSdk:
    ak, sk = await make_access_key(sessions, settings, tenant, tenant.admin_email)
    client = sdk_client(live_server, ak, sk, tenant.project_hex)
    return AdminSdk(
        client, {"project_id": tenant.project_hex, "workspace_id": str(tenant.workspace_id)}
    )
