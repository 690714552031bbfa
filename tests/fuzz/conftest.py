"""Fixtures for the fuzzer: one seeded store per backend, and a fresh copy of it, served by a
real uvicorn server, for every operation (so a DELETE in one operation's run cannot starve
another operation of the objects it needs)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests

from socdesk.settings import Environment, Settings
from tests.conftest import TEST_SECRET, serving
from tests.databases import PostgresDatabases, SqliteDatabases
from tests.fuzz.seed import Seed, seed_store
from tests.fuzz.targets import ACTIVE, Target


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail an operation's test after all its examples ran, listing every distinct failure
    with its reproduction (the test records failures instead of stopping at the first)."""
    yield
    target = getattr(item, "funcargs", {}).get("fuzz_target")
    if isinstance(target, Target) and target.findings:
        config = getattr(getattr(item, "module", None), "CONFIG", None)
        replay = f"\nReplay this run with SOCDESK_FUZZ_SEED={config.seed}" if config else ""
        pytest.fail(target.report() + replay, pytrace=False)


def fuzz_settings(database_url: str) -> Settings:
    return Settings(
        environment=Environment.test,
        database_url=database_url,
        secret_key=TEST_SECRET,
        db_pool_size=2,
        # Server errors are logged with their traceback: that is the fuzzer's evidence.
        log_level="ERROR",
    )


@dataclass
class SeededStore:
    databases: SqliteDatabases | PostgresDatabases
    url: str
    seed: Seed


BACKEND_FIXTURES = {"sqlite": "sqlite_databases", "postgresql": "postgres_databases"}


@pytest.fixture(scope="session", params=list(BACKEND_FIXTURES))
def seeded_store(request: pytest.FixtureRequest) -> Iterator[SeededStore]:
    """A migrated store on one backend holding the seed tenant; built once per run."""
    databases: SqliteDatabases | PostgresDatabases = request.getfixturevalue(
        BACKEND_FIXTURES[request.param]
    )
    with databases.fresh() as url:
        seed = asyncio.run(seed_store(fuzz_settings(url)))
        yield SeededStore(databases, url, seed)


@pytest.fixture
def fuzz_target(seeded_store: SeededStore) -> Iterator[Target]:
    """A copy of the seeded store behind a live server, for one operation's examples."""
    with (
        seeded_store.databases.copy_of(seeded_store.url) as url,
        serving(fuzz_settings(url)) as base_url,
        requests.Session() as http,
    ):
        target = Target(base_url, seeded_store.seed, http)
        ACTIVE.target = target
        try:
            yield target
        finally:
            ACTIVE.target = None
