"""Running one unit of work against the store from the command line."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.kit.db import create_engine, create_sessionmaker
from socdesk.kit.errors import ServiceUnavailable
from socdesk.kit.migrate import current_revision, head_revision
from socdesk.settings import Settings

T = TypeVar("T")


def require_current_schema(settings: Settings) -> None:
    """Refuse to touch a store whose schema is missing or behind this release."""
    current, head = current_revision(settings.database_url), head_revision()
    if current != head:
        state = "empty (no schema)" if current is None else f"at revision {current}"
        raise ServiceUnavailable(
            f"the store is {state}, this release needs {head}: run `socdesk db upgrade` "
            "(or `socdesk serve --migrate`)"
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
