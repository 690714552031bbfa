"""Writing many rows at once: COPY on PostgreSQL, one executemany INSERT elsewhere."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

# Below this many rows a plain INSERT costs less than setting up a COPY.
COPY_THRESHOLD = 200


def _copy_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict | list):
        return Jsonb(value)
    return value


async def bulk_insert(session: AsyncSession, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (all with the same keys) into `model`'s table in the session's transaction."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql" or len(rows) < COPY_THRESHOLD:
        await session.execute(insert(model), list(rows))
        return
    names = list(rows[0])
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    columns = ", ".join(f'"{name}"' for name in names)
    async with driver.cursor() as cursor:
        async with cursor.copy(f'COPY "{model.__tablename__}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                await copy.write_row([_copy_value(row[name]) for name in names])
