"""Statements built once and run with parameters, for the hot write paths (a workflow run's
actions: about a third of their CPU was SQLAlchemy building the same statements anew, and
generating their cache keys, on every call).

A statement is built by `Built.get(key, build)` the first time its shape (`key`: the store, the
columns set, the number of values, ...) is asked for, and kept: its values are bound parameters,
sent by the caller each time. The cache keeps the most recently used shapes (an LRU), so a
shape made of something that varies without bound (a caller passing fresh SQL each time) costs
a build, as before, and no memory.

`among_parameter` and `among_value` are `Scoped.among` for such a statement: the id list is a
parameter, not a value built into the statement.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Uuid, any_, bindparam, cast
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import NullType

from socdesk.kit.repository import uuid_array_text

# The bound parameter of the ids a statement built once acts on.
IDS = "among_ids"


class Built:
    """Statements by shape, the `size` most recently used kept."""

    def __init__(self, size: int = 128) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        kept = self._kept
        statement = kept.get(key)
        if statement is None:
            statement = kept[key] = build()
            if len(kept) > self.size:
                kept.popitem(last=False)
        else:
            kept.move_to_end(key)
        return statement


def among_parameter(postgres: bool, column: Any, name: str = IDS) -> ColumnElement[bool]:
    """`column` is one of the ids of parameter `name` (`among_value` gives its value): on
    PostgreSQL one uuid[] parameter sent as text (see `kit/repository.uuid_array`), on SQLite
    an expanding IN."""
    if postgres:
        listed = cast(bindparam(name, type_=NullType()), ARRAY(Uuid()))
        return column == any_(listed)  # type: ignore[no-any-return]
    return column.in_(bindparam(name, expanding=True, type_=column.type))  # type: ignore[no-any-return]


def among_value(postgres: bool, ids: Sequence[Any]) -> Any:
    """The value of an `among_parameter` for `ids`."""
    if postgres:
        return uuid_array_text(ids)
    return list(ids)
