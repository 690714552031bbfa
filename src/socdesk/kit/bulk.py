"""Writing many rows at once: COPY on PostgreSQL, one executemany INSERT elsewhere."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, insert
from sqlalchemy.ext.asyncio import AsyncSession

# Below this many rows a plain INSERT costs less than setting up a COPY.
COPY_THRESHOLD = 200


def _json_text(value: Any) -> Any:
    # COPY's text format takes JSON as its text: one C-speed dumps, no adapter per value.
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _is_json(model: Any, name: str) -> bool:
    return isinstance(model.__table__.columns[name].type, JSON)


async def bulk_insert(session: AsyncSession, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (all with the same keys) into `model`'s table in the session's transaction.
    Values must be plain (no enums): COPY passes them to the driver as they are."""
    if not rows:
        return
    if any(row.keys() != rows[0].keys() for row in rows):
        # Both paths take the column list from the first row: other keys would lose data.
        raise ValueError("bulk_insert needs every row to name the same columns")
    if session.get_bind().dialect.name != "postgresql" or len(rows) < COPY_THRESHOLD:
        await session.execute(insert(model), list(rows))
        return
    names = list(rows[0])
    json_names = [n for n in names if _is_json(model, n)]
    plain_names = [n for n in names if not _is_json(model, n)]
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    columns = ", ".join(f'"{name}"' for name in plain_names + json_names)
    async with driver.cursor() as cursor:
        async with cursor.copy(f'COPY "{model.__tablename__}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                values = [row[name] for name in plain_names]
                values += [_json_text(row[name]) for name in json_names]
                await copy.write_row(values)
