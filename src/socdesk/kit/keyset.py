"""Keyset pagination with one cursor codec: every listing that pages by cursor uses this.

A page is read as "rows after the last one shown" in a fixed order of (sort column, unique id),
so it costs the same however deep it is: the (tenant, column, id) index answers the row
comparison directly. The cursor is opaque to clients: URL-safe base64 of the JSON list
`[ordering, last value, last id]`, where `ordering` names the sort it was made for, so a cursor
from another listing or sort is refused (400 naming `cursor`), never misread.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, literal, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.kit.clock import parse_time
from socdesk.kit.errors import ValidationFailed

Row = TypeVar("Row")


def int_value(lowest: int, highest: int) -> Callable[[Any], int]:
    """A parser for a cursor's whole number in [lowest, highest]."""

    def parse(value: Any) -> int:
        if type(value) is not int or not lowest <= value <= highest:
            raise ValueError("not a whole number in range")
        return value

    return parse


@dataclass(frozen=True, slots=True)
class Keyset:
    """An order to page in: `column`, then the unique `tiebreak` column (the row's id).
    `name` goes into the cursor; `parse` turns a cursor's value back into a column value
    (ValueError for anything this order would not have written)."""

    name: str
    column: Any
    tiebreak: Any
    descending: bool = False
    parse: Callable[[Any], Any] = parse_time

    def order_by(self) -> tuple[Any, Any]:
        if self.descending:
            return self.column.desc(), self.tiebreak.desc()
        return self.column, self.tiebreak

    def after(self, value: Any, last_id: uuid.UUID) -> Any:
        """The rows that come after (value, last_id) in this order, as one row comparison."""
        position = tuple_(literal(value, self.column.type), literal(last_id, self.tiebreak.type))
        current = tuple_(self.column, self.tiebreak)
        return current < position if self.descending else current > position

    def encode(self, value: Any, last_id: uuid.UUID) -> str:
        if isinstance(value, datetime):
            value = value.isoformat()
        text = json.dumps([self.name, value, str(last_id)], separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple[Any, uuid.UUID]:
        """The last row's value and id; 400 naming `cursor` for a cursor this order did not
        hand out."""
        try:
            parts = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            if not isinstance(parts, list) or len(parts) != 3 or parts[0] != self.name:
                raise ValueError("another listing's cursor")
            _name, value, last_id = parts
            if not isinstance(last_id, str):
                raise ValueError("not an id")
            return self.parse(value), uuid.UUID(last_id)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise bad_cursor(cursor) from None


def bad_cursor(text: str) -> ValidationFailed:
    return ValidationFailed.for_field("cursor", "is not a cursor this listing gave out", text[:100])


@dataclass(frozen=True, slots=True)
class KeysetPage(Generic[Row]):
    rows: Sequence[Row]
    next_cursor: str | None


def page_statement(
    statement: Select[Any], keyset: Keyset, limit: int, cursor: str | None
) -> Select[Any]:
    """What `keyset_page` runs: `statement`'s rows after `cursor` in `keyset` order, one more
    than `limit` (to tell whether another page follows). 400 naming `cursor` for a bad one."""
    if cursor:
        statement = statement.where(keyset.after(*keyset.decode(cursor)))
    return statement.order_by(*keyset.order_by()).limit(limit + 1)


async def keyset_page(
    session: AsyncSession, statement: Select[Any], keyset: Keyset, limit: int, cursor: str | None
) -> KeysetPage[Any]:
    """The page of `statement`'s rows (entities) after `cursor`, in `keyset` order, and the
    cursor of the next page (None on the last)."""
    rows = (await session.scalars(page_statement(statement, keyset, limit, cursor))).all()
    if len(rows) <= limit:
        return KeysetPage(rows, None)
    shown = rows[:limit]
    last = shown[-1]
    value = getattr(last, keyset.column.key)
    return KeysetPage(shown, keyset.encode(value, getattr(last, keyset.tiebreak.key)))
