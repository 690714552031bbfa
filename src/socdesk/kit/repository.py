"""The scoped repository base: every query on a tenant's rows is built here, with its filter.

A repository is bound to one tenant (a workspace, or a project for what a project's workspaces
share). It hands out statements that already carry the tenant filter — `select`, `update`,
`delete` — so a query cannot forget it, and it owns what every repository needs once: id lookups
in chunks (SQLite takes at most 32,766 parameters per statement), row locks in id order, and
keyset pages (`kit/keyset.py`). Outside repositories no query names `workspace_id` or
`project_id` in a WHERE (tests/kit/test_scoping.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Delete,
    Select,
    String,
    Update,
    Uuid,
    any_,
    bindparam,
    cast,
    delete,
    false,
    func,
    literal,
    select,
    update,
)
from sqlalchemy import Row as ResultRow
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import NullType

from socdesk.kit.errors import NotFound, some_of
from socdesk.kit.ids import time_ordered_halves
from socdesk.kit.keyset import Keyset, KeysetPage, keyset_page

Row = TypeVar("Row")

# Stay well under SQLite's 32,766 bound parameters per statement.
CHUNK = 5000
# The bound parameter that carries the tenant of a statement built once (`Scoped.rows_where`).
TENANT = "tenant"


def uuid_array_text(ids: Sequence[Any]) -> str:
    """UUIDs as PostgreSQL's text form of a uuid[] (`{hex,hex}`)."""
    return "{" + ",".join(i.hex if isinstance(i, uuid.UUID) else str(i) for i in ids) + "}"


def uuid_array(ids: Sequence[Any]) -> Any:
    """A uuid[] parameter of `ids` for PostgreSQL, sent as one text: psycopg dumps a list of
    UUIDs value by value in Python (~10 us each, 50 ms per 5,000-id chunk). The parameter is
    untyped (`CAST($1 AS uuid[])` makes $1 a uuid[], read once): a text parameter cast to
    uuid[] would be parsed again for every row the condition is tested on."""
    return cast(literal(uuid_array_text(ids), NullType()), ARRAY(Uuid()))


# Where a session keeps the transaction in which it took SQLite's write lock (`held_write_lock`).
_WRITE_LOCKED = "socdesk_sqlite_write_locked"


def held_write_lock(session: AsyncSession) -> None:
    """The session has just written on SQLite: its transaction holds the database's write lock
    until it ends (a rollback to a savepoint keeps it), so `take_write_lock` need not again."""
    session.info[_WRITE_LOCKED] = session.sync_session.get_transaction()


def _holds_write_lock(session: AsyncSession) -> bool:
    transaction = session.sync_session.get_transaction()
    return transaction is not None and session.info.get(_WRITE_LOCKED) is transaction


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Scoped(Generic[Row]):
    """Queries on `model` rows of one tenant: the rows whose `tenant_column` is `tenant_id`."""

    model: ClassVar[type[Any]]
    tenant_column: ClassVar[str]

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID) -> None:
        self.session = session
        self.tenant_id = tenant_id

    @property
    def is_postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def owned(self, model: type[Any] | None = None) -> ColumnElement[bool]:
        """The tenant filter, on `model` (another table of the same tenant) or this one."""
        column: Any = getattr(model or self.model, self.tenant_column)
        return column == self.tenant_id  # type: ignore[no-any-return]

    def among(self, column: Any, ids: Sequence[Any]) -> ColumnElement[bool]:
        """`column` is one of `ids`. On PostgreSQL one array parameter (`= ANY`): an IN list
        of 5,000 parameters costs more to compile, send and parse than the lookup itself."""
        if self.is_postgres:
            if isinstance(column.type, Uuid):
                return column == any_(uuid_array(ids))  # type: ignore[no-any-return]
            return column == any_(literal(list(ids), ARRAY(column.type)))  # type: ignore[no-any-return]
        return column.in_(ids)  # type: ignore[no-any-return]

    def listed_ids(self, ids: Sequence[Any], name: str = "id") -> Any:
        """PostgreSQL: `ids` as a table of one column `name` and their position `n` (from 1),
        by unnest() of one uuid[] parameter. An INSERT ... SELECT over rows just written joins
        it to their table by primary key: one lookup per id whatever the table's statistics,
        where `= ANY` of the ids let a stale plan (an emptier table's, in the middle of an
        import) scan an index of the whole workspace and test each entry against every id."""
        return func.unnest(uuid_array(ids)).table_valued(name, with_ordinality="n").render_derived()

    def new_id_sql(self) -> Any:
        """SQL for a fresh random id per row (SQLite keeps ids as 32 lowercase hex digits)."""
        if self.is_postgres:
            return func.gen_random_uuid()
        return func.lower(func.hex(func.randomblob(16)))

    def ordered_new_ids_sql(self, count: int, order: Any) -> Any:
        """SQL for fresh ids of up to `count` rows of one statement, ascending in `order`: the
        layout of `kit/ids.py` `time_ordered_uuids`, made by the database, so rows written in
        bulk by an INSERT ... SELECT land at the end of the indexes that hold their id."""
        return self.numbered_new_ids_sql(count, func.row_number().over(order_by=order))

    def numbered_new_ids_sql(self, count: int, number: Any) -> Any:
        """SQL for fresh ids of up to `count` rows, ascending in `number` (SQL numbering the
        rows from 1, as `listed_ids`' `n`), in `ordered_new_ids_sql`'s layout."""
        high, low = time_ordered_halves(count)
        if self.is_postgres:
            head = func.lpad(func.to_hex(literal(high, BigInteger())), 16, "0", type_=String())
            return cast(head.concat(func.to_hex(literal(low, BigInteger()) + number)), Uuid())
        # SQLite keeps ids as 32 lowercase hex digits; printf's %x writes a negative 64-bit
        # integer as its two's complement, as to_hex does.
        return func.printf("%016x%016x", high, literal(low, BigInteger()) + number)

    def select(self, *columns: Any) -> Select[Any]:
        """SELECT of `columns` (the whole row when none) from this tenant's rows."""
        return select(*(columns or (self.model,))).where(self.owned())

    async def get(self, row_id: Any) -> Row | None:
        """The row whose id is `row_id`, if it is this tenant's."""
        found: Row | None = await self.session.scalar(self.select().where(self.model.id == row_id))
        return found

    @classmethod
    def rows_where(cls, *criteria: ColumnElement[bool]) -> Select[Any]:
        """A SELECT of the table's columns where `criteria` hold, for any tenant: the tenant is
        the parameter TENANT, which `first_row` and `all_rows` bind. Built once (at import) and
        run by hot reads, it is neither rebuilt nor recompiled per request, and its answers
        are plain rows, not ORM objects."""
        table: Any = cls.model.__table__
        return select(*table.columns).where(
            table.columns[cls.tenant_column] == bindparam(TENANT), *criteria
        )

    async def first_row(self, statement: Select[Any], **parameters: Any) -> ResultRow[Any] | None:
        """The first row of a `rows_where` statement for this tenant."""
        result = await self.session.execute(statement, {TENANT: self.tenant_id, **parameters})
        found: ResultRow[Any] | None = result.first()
        return found

    async def all_rows(self, statement: Select[Any], **parameters: Any) -> list[ResultRow[Any]]:
        """Every row of a `rows_where` statement (or another built once with TENANT) for this
        tenant."""
        result = await self.session.execute(statement, {TENANT: self.tenant_id, **parameters})
        return list(result.all())

    def select_rows(self) -> Select[Any]:
        """SELECT of this tenant's rows as plain rows (the table's columns), not ORM objects."""
        table: Any = self.model.__table__
        return select(*table.columns).where(self.owned())

    def update(self) -> Update:
        return update(self.model).where(self.owned()).execution_options(synchronize_session=False)

    def delete(self) -> Delete:
        return delete(self.model).where(self.owned()).execution_options(synchronize_session=False)

    async def in_chunks(self, statement: Any, column: Any, ids: Sequence[Any]) -> list[Any]:
        """The result rows of `statement` where `column` is one of `ids`, one query per chunk."""
        found: list[Any] = []
        for part in chunks(ids):
            found.extend(await self.session.execute(statement.where(self.among(column, part))))
        return found

    async def scalars_in_chunks(self, statement: Any, column: Any, ids: Sequence[Any]) -> list[Any]:
        """As `in_chunks`, the first column of each row (the model, for `self.select()`)."""
        return [row[0] for row in await self.in_chunks(statement, column, ids)]

    async def execute_in_chunks(self, statement: Any, column: Any, ids: Sequence[Any]) -> None:
        """Run an UPDATE or DELETE for the rows where `column` is one of `ids`, per chunk."""
        for part in chunks(ids):
            await self.session.execute(statement.where(self.among(column, part)))

    async def take_write_lock(self, ids: Sequence[uuid.UUID]) -> None:
        """On SQLite, the database's write lock before rows `ids` are read to be written (a
        no-op on PostgreSQL, whose statements lock rows)."""
        if ids and not self.is_postgres and not _holds_write_lock(self.session):
            # SQLite has no row locks: any write statement takes the database's write lock
            # (waiting for any other writer to commit), so every read after it is current. One
            # that matches no row takes it without touching rows (rewriting a key would make
            # SQLite check every foreign key to it). Once a transaction has it, it keeps it: a
            # run's tasks, one transaction, took it once a task (a statement each).
            await self.session.execute(self.update().where(false()).values(id=self.model.id))
            held_write_lock(self.session)

    async def lock(self, ids: Sequence[uuid.UUID]) -> list[Row]:
        """The rows `ids` (of this tenant), fresh from the database and locked until commit.
        Rows are locked in id order, so two transactions locking overlapping sets queue
        instead of deadlocking."""
        model = self.model
        found: list[Row] = []
        await self.take_write_lock(ids)
        for part in chunks(sorted(ids)):
            rows = await self.session.scalars(
                self.select()
                .where(self.among(model.id, part))
                .order_by(model.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            found.extend(rows)
        return found

    async def lock_ids(self, ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        """`lock` for a set-based write that reads nothing of the rows: the ids of those found,
        locked in id order (no row is loaded)."""
        model = self.model
        found: list[uuid.UUID] = []
        await self.take_write_lock(ids)
        for part in chunks(sorted(ids)):
            statement = (
                self.select(model.id)
                .where(self.among(model.id, part))
                .order_by(model.id)
                .with_for_update()
            )
            found.extend(await self.session.scalars(statement))
        return found

    async def lock_existing_ids(
        self, ids: Sequence[uuid.UUID], what: str = "ids"
    ) -> list[uuid.UUID]:
        """`lock_ids`, with a 404 when one of `ids` was deleted since it was looked up."""
        found = await self.lock_ids(ids)
        self._refuse_gone(ids, set(found), what)
        return found

    async def lock_existing(self, ids: Sequence[uuid.UUID], what: str = "ids") -> list[Row]:
        """`lock`, with a 404 when one of `ids` was deleted since it was looked up."""
        rows = await self.lock(ids)
        self._refuse_gone(ids, {row.id for row in rows}, what)  # type: ignore[attr-defined]
        return rows

    @staticmethod
    def _refuse_gone(ids: Sequence[uuid.UUID], found: set[uuid.UUID], what: str) -> None:
        if len(found) < len(set(ids)):
            gone = [str(i) for i in ids if i not in found]
            raise NotFound(f"{what}: deleted meanwhile: {some_of(gone)}")

    async def page(
        self, statement: Select[Any], keyset: Keyset, limit: int, cursor: str | None
    ) -> KeysetPage[Row]:
        """One page of `statement` (built from `select()`) in `keyset` order."""
        return await keyset_page(self.session, statement, keyset, limit, cursor)


class WorkspaceScoped(Scoped[Row]):
    """Rows owned by one workspace."""

    tenant_column = "workspace_id"


class ProjectScoped(Scoped[Row]):
    """Rows a project's workspaces share (users, sources, risks)."""

    tenant_column = "project_id"
