"""Running one unit of work against the store from the command line.

Only `socdesk db upgrade` and `socdesk demo` may create a store. Every other command first
checks that the store it was given exists and is current, and otherwise refuses, naming the store
it looked for: SQLite would otherwise create an empty file wherever the command happened to run.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.kit.db import create_engine, create_sessionmaker, is_sqlite
from socdesk.kit.errors import ServiceUnavailable
from socdesk.kit.migrate import current_revision, head_revision, upgrade
from socdesk.settings import Settings

T = TypeVar("T")


def command(words: str) -> str:
    """`socdesk WORDS` as the user can run it: by the path socdesk was started from (such as
    .venv/bin/socdesk), which works whether or not the virtualenv is on PATH."""
    program = sys.argv[0] if sys.argv else ""
    prefix = program if Path(program).name == "socdesk" and os.sep in program else "socdesk"
    return f"`{prefix} {words}`"


def _create_hint() -> str:
    return (
        f"create it with {command('db upgrade')} (an empty store) or {command('demo')} "
        "(a demo tenant)"
    )


def masked_url(database_url: str) -> str:
    """The URL as the operator wrote it, with any password shown as ***."""
    try:
        return make_url(database_url).render_as_string(hide_password=True)
    except ValueError:
        return "(an unreadable URL)"


def sqlite_file(database_url: str) -> Path | None:
    """The absolute path of an SQLite store's file; None for other stores, in-memory ones and
    `file:` URIs (whose meaning SQLite decides)."""
    url = make_url(database_url)
    if (
        not is_sqlite(database_url)
        or url.query.get("uri")
        or url.database in (None, "", ":memory:")
    ):
        return None
    return Path(url.database).absolute()


def _setting() -> str:
    given = os.environ.get("SOCDESK_DATABASE_URL")
    if given is None:
        default = Settings.model_fields["database_url"].default
        return f"SOCDESK_DATABASE_URL is not set: the default {default} is used, in {Path.cwd()}"
    return f"SOCDESK_DATABASE_URL={masked_url(given)}"


def _store(url: str) -> str:
    """The store as the operator should recognise it: an SQLite file's absolute path, or the URL
    with its password masked."""
    try:
        path = sqlite_file(url)
    except (ValueError, SQLAlchemyError) as error:
        raise ServiceUnavailable(f"{_setting()} is not a store SOCdesk can use: {error}") from None
    return str(path) if path is not None else masked_url(url)


def _cannot_open(url: str, error: SQLAlchemyError) -> ServiceUnavailable:
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    return ServiceUnavailable(
        f"cannot open the store {_store(url)} ({_setting()}): {reason}. Check the URL, that the "
        f"server answers and that the database (or the file's directory) exists; "
        f"{command('db upgrade')} then creates the schema"
    )


def migrate(settings: Settings) -> None:
    """Apply every pending migration, creating an SQLite store that is not there yet (only
    `db upgrade`, `demo` and `serve --migrate` do this)."""
    _store(settings.database_url)  # refuses a URL that names no usable store
    try:
        upgrade(settings.database_url)
    except SQLAlchemyError as error:
        raise _cannot_open(settings.database_url, error) from None


def require_current_schema(settings: Settings) -> None:
    """Refuse to touch a store that does not exist, cannot be opened, or whose schema is missing
    or behind this release; never create one."""
    url = settings.database_url
    store = _store(url)
    path = sqlite_file(url)
    if path is not None and not path.exists():
        raise ServiceUnavailable(
            f"no store at {path} ({_setting()}); nothing was created. Run this where the store "
            f"is, point SOCDESK_DATABASE_URL at it, or {_create_hint()}"
        )
    try:
        current = current_revision(url)
    except SQLAlchemyError as error:
        raise _cannot_open(url, error) from None
    head = head_revision()
    if current != head:
        state = "empty (no schema)" if current is None else f"at revision {current}"
        raise ServiceUnavailable(
            f"the store {store} is {state}, this release needs {head}: run "
            f"{command('db upgrade')} (or {command('serve --migrate')})"
        )


def in_transaction(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction, committed if it returns and rolled back if it raises."""
    require_current_schema(settings)

    async def run() -> T:
        engine = create_engine(settings.database_url, pool_size=1)
        try:
            async with create_sessionmaker(engine).begin() as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(run())
