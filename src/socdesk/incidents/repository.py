"""Incident and audit-event queries, bound to one workspace by the scoped base (kit/repository.py):
no query here can reach another tenant's rows."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Row,
    String,
    Uuid,
    any_,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, aggregate_order_by
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.types import NullType

from socdesk.kit.built import IDS, Built, among_parameter, among_value
from socdesk.kit.bulk import bulk_insert
from socdesk.kit.repository import (
    TENANT,
    WorkspaceScoped,
    chunks,
    held_write_lock,
    uuid_array_text,
)
from socdesk.kit.upsert import insert_for
from socdesk.models import (
    Incident,
    IncidentComment,
    IncidentRisk,
    IncidentTag,
    IncidentThreatObjective,
    User,
    WorkspaceCounter,
)


class IncidentRepository(WorkspaceScoped[Incident]):
    """One workspace's incidents."""

    model = Incident

    async def row(self, incident_id: uuid.UUID) -> Row[Any] | None:
        """The incident as a plain row (its columns): for reads that show it, not change it."""
        return await self.first_row(_INCIDENT_BY_ID, incident_id=incident_id)

    async def row_numbered(self, number: int) -> Row[Any] | None:
        """The incident with `number`, as a plain row (its columns)."""
        return await self.first_row(_INCIDENT_BY_NUMBER, number=number)

    async def rows(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Row[Any]]:
        """The incidents `ids` as stored now, as plain rows (their columns), by id; ids not
        found are left out."""
        found = await self.in_chunks(self.select_rows(), Incident.id, ids)
        return {row.id: row for row in found}

    async def allocate_numbers(self, count: int) -> range:
        """`count` consecutive incident numbers. The counter row stays locked until commit, so
        concurrent creates queue here and a rollback returns the numbers."""
        statement = (
            insert_for(self.session, WorkspaceCounter)
            .values(workspace_id=self.tenant_id, last_incident_number=count)
            .on_conflict_do_update(
                index_elements=[WorkspaceCounter.workspace_id],
                set_={"last_incident_number": WorkspaceCounter.last_incident_number + count},
            )
            .returning(WorkspaceCounter.last_incident_number)
        )
        last = int((await self.session.execute(statement)).scalar_one())
        return range(last - count + 1, last + 1)

    async def insert(self, rows: Sequence[dict[str, Any]]) -> None:
        await bulk_insert(self.session, Incident, rows)

    async def get(self, incident_id: uuid.UUID, *, fresh: bool = False) -> Incident | None:
        """The incident; `fresh` reads it from the database even if the session holds it (as
        it was before a bulk statement)."""
        statement = self.select().where(Incident.id == incident_id)
        if fresh:
            statement = statement.execution_options(populate_existing=True)
        row: Incident | None = await self.session.scalar(statement)
        return row

    async def fresh(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Incident]:
        """The incidents `ids` as stored now (the session may hold them from before a bulk
        UPDATE), by id; ids not found are left out."""
        statement = self.select().execution_options(populate_existing=True)
        return {row.id: row for row in await self.scalars_in_chunks(statement, Incident.id, ids)}

    async def ids_and_numbers(
        self, numbers: Sequence[int], ids: Sequence[uuid.UUID]
    ) -> list[tuple[uuid.UUID, int]]:
        """(id, number) of the incidents that have one of `numbers` or `ids`."""
        found: list[tuple[uuid.UUID, int]] = []
        for part in chunks([*numbers, *ids]):
            part_numbers = [p for p in part if isinstance(p, int)]
            part_ids = [p for p in part if isinstance(p, uuid.UUID)]
            rows = await self.session.execute(
                self.select(Incident.id, Incident.number).where(
                    or_(Incident.number.in_(part_numbers), Incident.id.in_(part_ids))
                )
            )
            found += [(row.id, row.number) for row in rows]
        return found

    async def existing_ids(self, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Which of `ids` incidents of this workspace already have."""
        return set(await self.scalars_in_chunks(self.select(Incident.id), Incident.id, ids))

    async def count(self, where: ColumnElement[bool]) -> int:
        """How many incidents match `where`."""
        total = await self.session.scalar(
            select(func.count()).select_from(Incident).where(self.owned(), where)
        )
        return int(total or 0)

    async def offset_page(
        self,
        where: ColumnElement[bool],
        order: Sequence[ColumnElement[Any]],
        offset: int,
        limit: int,
    ) -> tuple[Sequence[Row[Any]], int]:
        """One page of the incidents matching `where`, by offset, as plain rows (their
        columns), and how many match."""
        total = await self.count(where)
        rows = await self.session.execute(
            self.select_rows().where(where).order_by(*order).offset(offset).limit(limit)
        )
        return rows.all(), total

    async def stream(
        self, where: ColumnElement[bool], order: Sequence[ColumnElement[Any]]
    ) -> AsyncIterator[Incident]:
        """Every incident matching `where`, in `order`, read a thousand at a time."""
        rows = await self.session.stream_scalars(
            self.select().where(where).order_by(*order).execution_options(yield_per=1000)
        )
        async for row in rows:
            yield row

    async def update_many(self, ids: Sequence[uuid.UUID], values: dict[str, Any]) -> None:
        """Write `values` (SQL or plain) on the incidents `ids` and move their version on: one
        UPDATE per chunk."""
        if any(isinstance(value, ClauseElement) for value in values.values()):
            statement = self.update().values(version=Incident.version + 1, **values)
            await self.execute_in_chunks(statement, Incident.id, ids)
            return
        # Plain values (a workflow's set_severity, ...): the statement is built once per store
        # and columns, the values its parameters.
        postgres = self.is_postgres
        names = tuple(values)
        statement = _UPDATES.get((postgres, names), lambda: _updating(postgres, names))
        parameters = {TENANT: self.tenant_id, **{f"set_{n}": v for n, v in values.items()}}
        for part in chunks(ids):
            await self.session.execute(statement, {**parameters, IDS: among_value(postgres, part)})

    async def bump_one(
        self, incident_id: uuid.UUID, now: Any, user_id: uuid.UUID
    ) -> list[str] | None:
        """Lock one incident and move its version, update time and editor on, in ONE UPDATE
        (built once per store) that answers its tags as they were; None if it is no incident
        here. A single row: there is no lock order to keep. On SQLite the UPDATE takes the
        database's write lock (`take_write_lock` need not again)."""
        statement = _BUMP_ANSWERING_TAGS[self.is_postgres]
        result = await self.session.execute(
            statement,
            {TENANT: self.tenant_id, "incident_id": incident_id, "now": now, "editor": user_id},
        )
        found = result.first()
        if not self.is_postgres:
            held_write_lock(self.session)
        if found is None:
            return None
        tags = found[1]
        if not self.is_postgres:
            tags = json.loads(tags) if tags else []
        return list(tags or [])

    async def delete_ids(self, ids: Sequence[uuid.UUID]) -> None:
        await self.execute_in_chunks(self.delete(), Incident.id, ids)

    def document_sql(
        self, patch: dict[str, Any], paths: Iterable[tuple[tuple[str, str], Any]] = ()
    ) -> Any:
        """SQL for `document` with the top-level keys of `patch` replaced, then each nested key
        of `paths` (whose parent object exists) set; None when it would not change."""
        expression: Any = Incident.document
        if patch:
            if self.is_postgres:
                expression = expression.op("||")(type_coerce(patch, JSONB))
            else:
                arguments: list[Any] = []
                for key, value in patch.items():
                    arguments += [
                        f'$."{key}"',
                        func.json(type_coerce(value, Incident.document.type)),
                    ]
                expression = func.json_set(expression, *arguments)
        for path, value in paths:
            if self.is_postgres:
                expression = func.jsonb_set(
                    expression, literal(list(path), ARRAY(String())), type_coerce(value, JSONB)
                )
            else:
                expression = func.json_set(
                    expression, "$." + ".".join(f'"{p}"' for p in path), value
                )
        return None if expression is Incident.document else expression


_INCIDENT_BY_ID = IncidentRepository.rows_where(
    Incident.__table__.columns["id"] == bindparam("incident_id")
)
_INCIDENT_BY_NUMBER = IncidentRepository.rows_where(
    Incident.__table__.columns["number"] == bindparam("number")
)


_UPDATES = Built()


def _updating(postgres: bool, names: Sequence[str]) -> Any:
    """`IncidentRepository.update_many`'s UPDATE of plain values for columns `names`."""
    incidents: Any = Incident.__table__
    columns = incidents.c
    return (
        incidents.update()
        .where(columns.workspace_id == bindparam(TENANT), among_parameter(postgres, columns.id))
        .values(
            version=columns.version + 1,
            **{n: bindparam(f"set_{n}", type_=columns[n].type) for n in names},
        )
    )


def _bump_answering_tags(postgres: bool) -> Any:
    """`IncidentRepository.bump_one`'s statement for a store."""
    incidents: Any = Incident.__table__
    tags: Any = IncidentTag.__table__
    contents = func.array_agg(tags.c.content) if postgres else func.json_group_array(tags.c.content)
    # Named with their table: SQLAlchemy writes RETURNING's columns unqualified on SQLite,
    # where inside the subquery they would be incident_tags' own.
    had = (
        select(contents)
        .where(
            tags.c.workspace_id == literal_column("incidents.workspace_id"),
            tags.c.incident_id == literal_column("incidents.id"),
        )
        .scalar_subquery()
    )
    return (
        incidents.update()
        .where(
            incidents.c.workspace_id == bindparam(TENANT),
            incidents.c.id == bindparam("incident_id"),
        )
        .values(
            version=incidents.c.version + 1,
            update_time=bindparam("now", type_=incidents.c.update_time.type),
            updated_by_id=bindparam("editor", type_=incidents.c.updated_by_id.type),
        )
        .returning(incidents.c.id, had)
    )


_BUMP_ANSWERING_TAGS = {postgres: _bump_answering_tags(postgres) for postgres in (False, True)}


# What a row view of an incident shows (the register's rows): a few of its columns (not its
# document), the users it names, and its tags, threat objectives, risks and comment count.
SHOWN_COLUMNS = (
    "id",
    "number",
    "title",
    "description",
    "severity",
    "severity_reasoning",
    "status",
    "product_name",
    "owner",
    "creator",
    "opened_by_id",
    "updated_by_id",
    "first_observed_time",
    "arrive_time",
    "responded_time",
    "contained_time",
    "create_time",
    "update_time",
)
# The users a row names, each joined under its prefix: by the email of its creator and owner,
# by the id of whoever opened and last changed it.
SHOWN_USERS = ("creator", "owner", "opener", "editor")
USER_COLUMNS = ("id", "email", "first_name", "last_name", "avatar_hash")
SHOWN_LISTS = ("tags", "threat_objectives", "risks", "comment_count")
# The columns of a shown row, in order (its readers may take them by position).
SHOWN_KEYS = (
    *SHOWN_COLUMNS,
    *(f"{prefix}_{name}" for prefix in SHOWN_USERS for name in USER_COLUMNS),
    *SHOWN_LISTS,
)


class ShownIncidents:
    """Incidents with what a row view shows of them, each read by ONE statement per chunk
    (or one for one incident): the related lists are aggregated as JSON by the database, so a
    row costs no query of its own. The statements are built once per store and kept."""

    def __init__(self, incidents: IncidentRepository) -> None:
        self.incidents = incidents
        self.postgres = incidents.is_postgres

    async def one(self, named: int | uuid.UUID) -> Row[Any] | None:
        """The incident numbered `named` (an int) or with that id, shown; None if none."""
        key = "number" if isinstance(named, int) else "id"
        statement = shown_statement(self.postgres, key)
        return await self.incidents.first_row(statement, key=named)

    async def many(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Row[Any]]:
        """The incidents `ids`, shown, by id; ids not found are left out."""
        statement = shown_statement(self.postgres, "ids")
        found: dict[uuid.UUID, Row[Any]] = {}
        for part in chunks(ids):
            key = uuid_array_text(part) if self.postgres else list(part)
            result = await self.incidents.session.execute(
                statement, {TENANT: self.incidents.tenant_id, "key": key}
            )
            found.update((row.id, row) for row in result)
        return found


_SHOWN_STATEMENTS: dict[tuple[bool, str], Any] = {}


def shown_statement(postgres: bool, key: str) -> Any:
    """The statement of `ShownIncidents` for a store, finding incidents by `key`: "number",
    "id" (one parameter `key`) or "ids" (a list `key`)."""
    cached = _SHOWN_STATEMENTS.get((postgres, key))
    if cached is not None:
        return cached
    incidents: Any = Incident.__table__
    if key == "ids":
        criterion = (
            # The ids as one untyped text (kit/repository.py `uuid_array` says why).
            incidents.c.id == any_(cast(bindparam("key", type_=NullType()), ARRAY(Uuid())))
            if postgres
            else incidents.c.id.in_(bindparam("key", expanding=True))
        )
    else:
        criterion = incidents.c[key] == bindparam("key")
    joined = incidents
    user_columns: list[Any] = []
    for prefix in SHOWN_USERS:
        user: Any = User.__table__.alias(prefix)
        joined = joined.outerjoin(user, _user_join(incidents, user, prefix))
        user_columns += [user.c[name].label(f"{prefix}_{name}") for name in USER_COLUMNS]
    aggregates = _RelatedAggregates(postgres, incidents)
    statement = (
        IncidentRepository.rows_where(criterion)
        .with_only_columns(
            *(incidents.c[name] for name in SHOWN_COLUMNS),
            *user_columns,
            *(aggregates.of(name).label(name) for name in SHOWN_LISTS),
        )
        .select_from(joined)
    )
    _SHOWN_STATEMENTS[(postgres, key)] = statement
    return statement


def _user_join(incidents: Any, user: Any, prefix: str) -> Any:
    """The user of `prefix` among the incident's project's users."""
    same_project = user.c.project_id == incidents.c.project_id
    if prefix in ("creator", "owner"):
        # Emails are compared without case, as logins are (iam/repository.py).
        return same_project & (func.lower(user.c.email) == func.lower(incidents.c[prefix]))
    column = "opened_by_id" if prefix == "opener" else "updated_by_id"
    return same_project & (user.c.id == incidents.c[column])


class _RelatedAggregates:
    """Correlated subqueries giving an incident's related rows as one JSON array each (of
    arrays of their values, or of the value when there is one). PostgreSQL orders inside the
    aggregate; SQLite (3.40 has no ORDER BY in aggregates) leaves the order to the reader."""

    def __init__(self, postgres: bool, incidents: Any) -> None:
        self.postgres = postgres
        self.incidents = incidents

    def of(self, name: str) -> Any:
        """The subquery of one of SHOWN_LISTS."""
        built = {
            "tags": self.tags,
            "threat_objectives": self.objectives,
            "risks": self.risks,
            "comment_count": self.comment_count,
        }
        return built[name]()

    def _related(self, model: Any) -> list[Any]:
        table = model.__table__
        return [
            table.c.workspace_id == self.incidents.c.workspace_id,
            table.c.incident_id == self.incidents.c.id,
        ]

    def _array(self, model: Any, values: Sequence[Any], order: Any) -> Any:
        if self.postgres:
            each = func.json_build_array(*values) if len(values) > 1 else values[0]
            aggregate = func.json_agg(aggregate_order_by(each, order))
        else:
            each = func.json_array(*values) if len(values) > 1 else values[0]
            aggregate = func.json_group_array(each)
        subquery = select(aggregate).where(*self._related(model)).scalar_subquery()
        return type_coerce(subquery, JSON())

    def tags(self) -> Any:
        tags: Any = IncidentTag.__table__
        values = [tags.c.content, tags.c.creator_id, tags.c.id, tags.c.org_id]
        return self._array(IncidentTag, values, tags.c.content)

    def objectives(self) -> Any:
        links: Any = IncidentThreatObjective.__table__
        values = [links.c.threat_objective, links.c.relevance, self._time(links.c.created_date)]
        return self._array(IncidentThreatObjective, values, links.c.threat_objective)

    def risks(self) -> Any:
        risks: Any = IncidentRisk.__table__
        return self._array(IncidentRisk, [risks.c.risk_id], risks.c.risk_id)

    def comment_count(self) -> Any:
        return select(func.count()).where(*self._related(IncidentComment)).scalar_subquery()

    def _time(self, column: Any) -> Any:
        """A UTC timestamp as ISO text with microseconds (`datetime.fromisoformat` reads it);
        SQLite keeps it as such text already."""
        if self.postgres:
            utc = func.timezone(literal("UTC", String()), column)
            return func.to_char(utc, literal('YYYY-MM-DD"T"HH24:MI:SS.US', String()))
        return column
