"""Writing many rows at once: COPY on PostgreSQL, one executemany INSERT elsewhere."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec
from psycopg import pq
from psycopg.adapt import PyFormat, Transformer
from psycopg.types.string import BytesBinaryDumper
from sqlalchemy import JSON, insert
from sqlalchemy.ext.asyncio import AsyncSession

# Below this many rows a plain INSERT costs less than setting up a COPY.
COPY_THRESHOLD = 200
# msgspec writes JSON about ten times faster than the json module; the values are plain JSON
# (validated or parsed). A value it refuses goes to the json module, which words the error.
_MSGSPEC_JSON = msgspec.json.Encoder()
_JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def _json_bytes(value: Any) -> bytes:
    try:
        return _MSGSPEC_JSON.encode(value)
    except (TypeError, OverflowError, ValueError):
        return _JSON_ENCODER.encode(value).encode()


def _binary(driver: Any, oid: int, value: Any) -> bytes | None:
    """`value` in the binary form PostgreSQL reads for the type `oid` (as COPY sends it);
    None stays None (NULL)."""
    if value is None:
        return None
    transformer = Transformer(driver)
    transformer.set_dumper_types([oid], pq.Format.BINARY)
    (dumped,) = transformer.dump_sequence([value], [PyFormat.BINARY])
    return None if dumped is None else bytes(dumped)


def _json_text(value: Any) -> Any:
    # COPY's text format takes JSON as its text: one C-speed encode, no adapter per value.
    return None if value is None else _json_bytes(value).decode()


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


# The column types of a table, by database and table: read once per process (a bulk write of
# many chunks would otherwise ask the catalogue once a chunk; migrations run before serving).
_COLUMN_TYPES: dict[tuple[Any, ...], dict[str, tuple[int, str]]] = {}


async def _column_types(driver: Any, table: str) -> dict[str, tuple[int, str]]:
    """Each column's (type oid, type name) of `table`, as the connected database has them."""
    info = driver.info
    key = (info.host, info.port, info.dbname, table)
    found = _COLUMN_TYPES.get(key)
    if found is None:
        async with driver.cursor() as cursor:
            await cursor.execute(
                "SELECT attname, atttypid::int, format_type(atttypid, NULL) FROM pg_attribute"
                " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                (table,),
            )
            found = {name: (oid, kind) for name, oid, kind in await cursor.fetchall()}
        _COLUMN_TYPES[key] = found
    return found


async def insert_rows(
    session: AsyncSession,
    model: Any,
    names: Sequence[str],
    rows: Sequence[list[Any]],
    constants: Mapping[int, Any] | None = None,
) -> None:
    """Insert `rows` (lists in `names` order, plain values; JSON columns take any JSON value)
    into `model`'s table in the session's transaction: a binary COPY on PostgreSQL (a plain
    INSERT below COPY_THRESHOLD rows), one executemany elsewhere. `constants` (by position)
    are the same in every row: converted once. The rows' JSON values may be replaced by their
    text."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        if len(rows) >= COPY_THRESHOLD:
            stream = CopyStream(session, model, names, constants)
            await stream.write(rows)
            await stream.close()
        else:
            named = [dict(zip(names, row, strict=True)) for row in rows]
            await session.execute(insert(model.__table__), named)
        return
    await _executemany(session, model, names, rows, constants or {})


async def _executemany(
    session: AsyncSession,
    model: Any,
    names: Sequence[str],
    rows: Sequence[list[Any]],
    constants: Mapping[int, Any],
) -> None:
    """One executemany of the driver's own values: each column's value converted by the
    column type's own conversion (as SQLAlchemy stores it), JSON encoded by msgspec, the
    constants once, rather than SQLAlchemy's per-row parameter processing (about half the
    CPU of a bulk write)."""
    dialect = session.get_bind().dialect
    columns = model.__table__.columns
    fixed: dict[int, Any] = {}
    converters: list[tuple[int, Any]] = []
    for index, name in enumerate(names):
        column_type = columns[name].type
        if isinstance(column_type, JSON):
            convert: Any = _json_text
        else:
            convert = column_type.dialect_impl(dialect).bind_processor(dialect)
        if index in constants:
            value = constants[index]
            fixed[index] = convert(value) if convert is not None and value is not None else value
        elif convert is not None:
            converters.append((index, convert))
    fixed_items = list(fixed.items())
    values = []
    for row in rows:
        out = list(row)
        for index, value in fixed_items:
            out[index] = value
        for index, convert in converters:
            value = out[index]
            if value is not None:
                out[index] = convert(value)
        values.append(tuple(out))
    quoted = ", ".join(f'"{name}"' for name in names)
    marks = ", ".join("?" for _ in names)
    connection = await session.connection()
    await connection.exec_driver_sql(
        f'INSERT INTO "{model.__tablename__}" ({quoted}) VALUES ({marks})', values
    )


class CopyStream:
    """One binary COPY into `model`'s table, open across many writes, so a long import streams
    its rows to PostgreSQL while it goes on checking the next ones (the server ingests them
    meanwhile). Rows are sequences in `names` order with plain values; JSON columns take any
    JSON value. No other statement may run on the connection until `close()`.

    Binary COPY with declared types converts in psycopg's C code: no text to format and parse
    per value. JSON goes as its text, prefixed for jsonb by the format's version byte."""

    def __init__(
        self,
        session: AsyncSession,
        model: Any,
        names: Sequence[str],
        constants: Mapping[int, Any] | None = None,
    ) -> None:
        self.session = session
        self.model = model
        self.names = list(names)
        # Columns (by position) that hold the same value in every row: converted once, then
        # sent as the bytes they make (the caller's values there are ignored).
        self.constants = dict(constants or {})
        self._stack: contextlib.AsyncExitStack | None = None
        self._copy: Any = None
        self._json: list[tuple[int, bytes]] = []
        self._fixed: list[tuple[int, bytes | None]] = []
        self._oids: list[int] | None = None

    async def _types(self, driver: Any) -> list[int]:
        """The columns' type oids, as the database has them; JSON ones are sent as bytes."""
        found = await _column_types(driver, self.model.__tablename__)
        bytea = driver.adapters.types["bytea"].oid
        oids = []
        self._json = []
        self._fixed = []
        for index, name in enumerate(self.names):
            oid, kind = found[name]
            if index in self.constants:
                # psycopg converts a UUID in Python code, once per value: do it once here.
                self._fixed.append((index, _binary(driver, oid, self.constants[index])))
                oid = bytea
            elif kind in ("json", "jsonb"):
                self._json.append((index, b"\x01" if kind == "jsonb" else b""))
                oid = bytea
            oids.append(oid)
        return oids

    async def open(self) -> None:
        connection = await self.session.connection()
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        if self._oids is None:
            self._oids = await self._types(driver)
        columns = ", ".join(f'"{name}"' for name in self.names)
        stack = contextlib.AsyncExitStack()
        cursor = await stack.enter_async_context(driver.cursor())
        # COPY picks a column's converter by its type: for bytea psycopg's last registered is
        # a Python one (dbapi20's, for its Binary wrapper); this cursor takes the C one.
        cursor.adapters.register_dumper(bytes, BytesBinaryDumper)
        statement = f'COPY "{self.model.__tablename__}" ({columns}) FROM STDIN (FORMAT BINARY)'
        self._copy = await stack.enter_async_context(cursor.copy(statement))
        self._copy.set_types(self._oids)
        self._stack = stack

    async def write(self, rows: Sequence[list[Any]]) -> None:
        """Send `rows` (their JSON values are replaced by their encoded text)."""
        if self._copy is None:
            await self.open()
        copy = self._copy
        fixed, documents = self._fixed, self._json
        for row in rows:
            for index, value in fixed:
                row[index] = value
            for index, prefix in documents:
                value = row[index]
                if value is not None:
                    row[index] = prefix + _json_bytes(value)
            await copy.write_row(row)

    async def close(self) -> None:
        """End the COPY; the rows are then in the transaction like any insert's."""
        stack, self._stack, self._copy = self._stack, None, None
        if stack is not None:
            await stack.aclose()

    async def abort(self, error: BaseException) -> None:
        """End the COPY with a failure, leaving the connection usable for the rollback."""
        stack, self._stack, self._copy = self._stack, None, None
        if stack is not None:
            await stack.__aexit__(type(error), error, error.__traceback__)
