"""JSON text built by the database, the same on SQLite and PostgreSQL.

Set-based audit rows (`incidents/audit_sql.py`) are written by one `INSERT ... SELECT`: their
JSON is built in SQL, as text, by concatenation of pieces each made by a JSON function of the
store (`to_json` / `json_quote`), so that the keys come out in exactly the order the pieces are
given in. Both stores' object builders would reorder them (jsonb sorts keys by length; SQLite
3.40 has no ORDER BY in aggregates), and the audit's key order is what clients see.

Every function here returns an SQL expression of JSON text, or NULL for SQL NULL (a JSON value
that is absent); `Dialect` picks the store's functions.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Text, bindparam, case, cast, func, literal, null, select
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, aggregate_order_by


def json_constant(value: Any) -> Any:
    """A Python JSON value as JSON text, bound as a parameter (None is NULL)."""
    if value is None:
        return null()
    return literal(json.dumps(value, ensure_ascii=False), Text())


def text(value: str) -> Any:
    return literal(value, Text())


def concat(*parts: Any) -> Any:
    """The parts one after the other; a NULL part counts as empty."""
    joined: Any = None
    for part in parts:
        piece = func.coalesce(part, text(""))
        joined = piece if joined is None else joined.op("||")(piece)
    return joined if joined is not None else text("")


def key_text(key: str) -> str:
    """A member's key and colon, as JSON text."""
    return json.dumps(key, ensure_ascii=False) + ":"


class Dialect:
    """The JSON functions of one store."""

    def __init__(self, name: str) -> None:
        self.postgres = name == "postgresql"

    def scalar(self, value: Any) -> Any:
        """JSON text of an SQL text or number (NULL stays NULL)."""
        if self.postgres:
            return cast(func.to_json(value), Text())
        return func.nullif(func.json_quote(value), text("null"))

    def time(self, value: Any) -> Any:
        """JSON text of a UTC timestamp in SOCdesk's one form (kit/clock.py `format_time`):
        2026-11-24T06:33:00.123Z, the milliseconds cut, not rounded, as Python cuts them."""
        if self.postgres:
            utc = func.timezone(text("UTC"), value)
            return self.scalar(func.to_char(utc, text('YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
        # SQLite keeps the column as text, `YYYY-MM-DD HH:MM:SS.ffffff` in UTC; its own date
        # functions would round the milliseconds.
        formatted = func.substr(value, 1, 10).op("||")(text("T"))
        return self.scalar(formatted.op("||")(func.substr(value, 12, 12)).op("||")(text("Z")))

    def uuid_text(self, value: Any) -> Any:
        """JSON text of a UUID column as `str(uuid)` writes it (dashed, lowercase)."""
        if self.postgres:
            return self.scalar(cast(value, Text()))
        parts = [func.substr(value, start, size) for start, size in UUID_PARTS]
        dashed: Any = parts[0]
        for part in parts[1:]:
            dashed = dashed.op("||")(text("-")).op("||")(part)
        return self.scalar(func.lower(dashed))

    def member(self, json_value: Any, path: tuple[str, ...]) -> Any:
        """JSON text of the value at `path` in an SQL JSON column; NULL where there is none
        or where it is JSON null."""
        if self.postgres:
            inner = json_value
            for step in path:
                inner = inner.op("->")(text(step))
            return cast(func.nullif(inner, cast(text("null"), JSONB)), Text())
        selector = "$" + "".join(f'."{step}"' for step in path)
        inner = json_value.op("->")(text(selector))
        return func.nullif(inner, text("null"))

    def differs(self, before: Any, after: Any) -> Any:
        """Whether two JSON texts are different values (NULL is its own value). PostgreSQL
        compares them as values (1 and 1.0 are one number, as in Python); SQLite compares
        their minified text."""
        if self.postgres:
            return cast(before, JSONB).is_distinct_from(cast(after, JSONB))
        return func.json(before).is_distinct_from(func.json(after))

    def is_object(self, json_value: Any, key: str) -> Any:
        """Whether the member `key` of an SQL JSON column is a JSON object."""
        if self.postgres:
            return func.jsonb_typeof(json_value.op("->")(text(key))) == text("object")
        return func.json_type(json_value, text(f'$."{key}"')) == text("object")

    def document_members(self, document: Any) -> Any:
        """The members of an SQL JSON object column whose value is not null, as text of
        `,"key":value` pieces in the order the store keeps them (the order Python reads them
        in: jsonb's own order on PostgreSQL, the text's on SQLite); NULL for none."""
        if self.postgres:
            each = (
                func.jsonb_each(document)
                .table_valued("key", "value", with_ordinality="position")
                .render_derived()
            )
            piece = text(",").op("||")(self.scalar(each.c.key)).op("||")(text(":"))
            piece = piece.op("||")(cast(each.c.value, Text()))
            joined = func.string_agg(piece, aggregate_order_by(text(""), each.c.position))
            return (
                select(joined)
                .select_from(each)
                .where(func.jsonb_typeof(each.c.value) != text("null"))
                .scalar_subquery()
            )
        # SQLite names a table-valued function's columns itself (no column list after AS).
        each = func.json_each(document).table_valued("key", "fullkey", "type").alias()
        piece = text(",").op("||")(func.json_quote(each.c.key)).op("||")(text(":"))
        # `->` gives the member's JSON text (json_each's value turns true into 1).
        piece = piece.op("||")(document.op("->")(each.c.fullkey))
        joined = func.group_concat(piece, text(""))
        return select(joined).select_from(each).where(each.c.type != text("null")).scalar_subquery()

    @staticmethod
    def coalesce(value: Any, default: Any) -> Any:
        return func.coalesce(value, default)

    @staticmethod
    def as_text(value: Any) -> Any:
        return cast(value, Text())

    @staticmethod
    def concat_text(*parts: Any) -> Any:
        return concat(*parts)

    def id_key(self, incident_id: uuid.UUID) -> str:
        """An id as the store's text of its UUID column (for joining on it)."""
        return str(incident_id) if self.postgres else incident_id.hex

    def id_column_text(self, column: Any) -> Any:
        return cast(column, Text()) if self.postgres else column

    def as_document(self, json_column: Any) -> Any:
        """A JSON column (`json` on PostgreSQL, text on SQLite) as `member` and `with_members`
        take it (PostgreSQL's `jsonb`)."""
        return cast(json_column, JSONB) if self.postgres else json_column

    def with_members(self, json_column: Any, values: dict[str, Any]) -> Any:
        """The JSON object of a JSON column with the top-level members `values` set (added
        after the others, or in their place), as the column's value. None values are not
        allowed (JSON merge would remove them)."""
        assert all(v is not None for v in values.values())
        patch = json_constant(values)
        if self.postgres:
            return cast(cast(json_column, JSONB).op("||")(cast(patch, JSONB)), JSON())
        return func.json_patch(json_column, patch)

    def without_member(self, json_column: Any, key: str, replaced: dict[str, Any]) -> Any:
        """The JSON object of a JSON column without its top-level member `key`, and with the
        members of `replaced` given their values where it has them (not added where it has
        not), as the column's value."""
        if self.postgres:
            document: Any = cast(json_column, JSONB).op("-")(text(key))
            for name, value in replaced.items():
                path = literal([name], ARRAY(Text()))
                document = func.jsonb_set(document, path, cast(json_constant(value), JSONB), False)
            return cast(document, JSON())
        document = func.json_remove(json_column, text(f'$."{key}"'))
        for name, value in replaced.items():
            document = func.json_replace(document, text(f'$."{name}"'), value)
        return document

    def as_json(self, json_text: Any) -> Any:
        """JSON text as the value of a JSON column (SQLite keeps the text as it is)."""
        return cast(json_text, JSON()) if self.postgres else json_text


UUID_PARTS = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))


def members(pairs: Sequence[tuple[str, Any, Any]]) -> Any:
    """Members of a JSON object as text, each `,"key":value`, in the order given: (key, the
    value's JSON text, when) is present where `when` holds (None: always) and its value is
    not NULL."""
    pieces = []
    for key, value, when in pairs:
        piece = text("," + key_text(key)).op("||")(value)
        pieces.append(piece if when is None else case((when, piece), else_=text("")))
    return concat(*pieces)


def json_object(body: Any) -> Any:
    """The JSON object whose members are `body` (text of `,"key":value` pieces, or empty)."""
    return text("{").op("||")(func.substr(body, 2)).op("||")(text("}"))


class RowValues:
    """Per-row values sent as one JSON parameter, `{row id text: {name: text}}`, joined to the
    rows by id (`on`): a few small values per row, one parameter per statement. The table names
    the parameter (`PARAMETER`; `parameters` gives its value), so one is built per store
    (`of`) and the expressions over it can be built once too (incidents/audit_sql.py)."""

    PARAMETER = "row_values"

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.table: Any
        values = bindparam(self.PARAMETER, type_=Text())
        if dialect.postgres:  # hashed for the join
            each = func.json_each(cast(values, JSON()))
            self.table = each.table_valued("key", "value").alias()
        else:
            # SQLite would scan the whole parameter for each row: materialized first, the rows
            # are found through the automatic index SQLite builds on it.
            pairs = func.json_each(values).table_valued("key", "value")
            self.table = select(pairs.c.key, pairs.c.value).cte().prefix_with("MATERIALIZED")

    @staticmethod
    def of(dialect: Dialect) -> RowValues:
        """The store's one `RowValues`."""
        return _ROW_VALUES[dialect.postgres]

    def parameters(self, values: str) -> dict[str, str]:
        """The statement parameters that send `values` (JSON text)."""
        return {self.PARAMETER: values}

    def on(self, id_column: Any) -> Any:
        return self.table.c.key == self.dialect.id_column_text(id_column)

    def text(self, name: str) -> Any:
        """The row's text under `name` (the JSON text of an object there); NULL where it has
        none."""
        if self.dialect.postgres:
            return self.table.c.value.op("->>")(text(name))
        return func.json_extract(self.table.c.value, text(f'$."{name}"'))


_ROW_VALUES = {
    postgres: RowValues(Dialect("postgresql" if postgres else "sqlite"))
    for postgres in (False, True)
}
