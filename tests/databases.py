"""Throwaway test databases, built once per run by the migrations and copied for each test.

SQLite copies a migrated template file; PostgreSQL clones a migrated template database
(`CREATE DATABASE ... TEMPLATE`). Names are random, so runs never share state, and every
database is dropped when its test (or the run) ends.
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from socdesk.kit.migrate import upgrade

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
POSTGRES_URL_VARIABLE = "SOCDESK_TEST_POSTGRES_URL"


def postgres_required() -> bool:
    """Whether the run must include PostgreSQL (CI sets the URL): then failing to reach it is a
    test failure, not a skip."""
    return bool(os.environ.get(POSTGRES_URL_VARIABLE))


def postgres_admin_url() -> str:
    return os.environ.get(POSTGRES_URL_VARIABLE) or DEFAULT_POSTGRES_URL


def postgres_answers() -> bool:
    url = make_url(postgres_admin_url())
    try:
        with socket.create_connection((url.host or "127.0.0.1", url.port or 5432), timeout=1):
            return True
    except OSError:
        return False


def _libpq_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _random_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


class SqliteDatabases:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.template = directory / "template.db"
        upgrade(self.url_of(self.template))

    @staticmethod
    def url_of(path: Path) -> str:
        return f"sqlite+aiosqlite:///{path}"

    @contextmanager
    def fresh(self) -> Iterator[str]:
        path = self.directory / f"{_random_name('test')}.db"
        shutil.copyfile(self.template, path)
        try:
            yield self.url_of(path)
        finally:
            for leftover in self.directory.glob(f"{path.name}*"):
                leftover.unlink()

    @contextmanager
    def copy_of(self, url: str) -> Iterator[str]:
        """A fresh database holding what the database at `url` holds (it must be closed)."""
        source = Path(make_url(url).database or "")
        path = self.directory / f"{_random_name('copy')}.db"
        shutil.copyfile(source, path)
        wal = source.with_name(source.name + "-wal")
        if wal.exists():  # normally checkpointed away when the last connection closed
            shutil.copyfile(wal, path.with_name(path.name + "-wal"))
        try:
            yield self.url_of(path)
        finally:
            for leftover in self.directory.glob(f"{path.name}*"):
                leftover.unlink()

    def close(self) -> None:
        self.template.unlink(missing_ok=True)


class PostgresDatabases:
    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.template = _random_name("socdesk_template")
        self._execute(f'CREATE DATABASE "{self.template}"')
        upgrade(self.url_of(self.template))

    def url_of(self, name: str) -> str:
        url = make_url(self.admin_url).set(drivername="postgresql+psycopg", database=name)
        return url.render_as_string(hide_password=False)

    def _execute(self, *statements: str) -> None:
        with psycopg.connect(_libpq_dsn(self.admin_url), autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)  # type: ignore[arg-type]

    def _create(self, name: str, template: str) -> None:
        # A test database never outlives a server crash, so its commits need not wait for the
        # disk: on a loaded CI machine those waits stalled requests for seconds.
        self._execute(
            f'CREATE DATABASE "{name}" TEMPLATE "{template}"',
            f'ALTER DATABASE "{name}" SET synchronous_commit = off',
        )

    @contextmanager
    def fresh(self) -> Iterator[str]:
        name = _random_name("socdesk_test")
        self._create(name, self.template)
        try:
            yield self.url_of(name)
        finally:
            self.drop(name)

    @contextmanager
    def copy_of(self, url: str) -> Iterator[str]:
        """A fresh database cloned from the database at `url` (nothing may be connected to it)."""
        name = _random_name("socdesk_copy")
        self._create(name, str(make_url(url).database))
        try:
            yield self.url_of(name)
        finally:
            self.drop(name)

    def drop(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        self.drop(self.template)
