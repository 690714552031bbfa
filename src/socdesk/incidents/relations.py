"""Tags and threat objectives of incidents: the operations on them and their queries.

An operation applies to many incidents at once, set-based: one read of the current rows, one
DELETE and one INSERT per chunk of incidents. Each returns, per incident, the list before and
after, which the audit diffs.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    cast,
    false,
    insert,
    literal,
    not_,
    null,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.incidents.tag_repository import (
    adding,
    constant_rows,
    contents_parameters,
    removing,
)
from socdesk.kit.built import IDS, among_value
from socdesk.kit.bulk import bulk_insert
from socdesk.kit.repository import TENANT, WorkspaceScoped, chunks
from socdesk.models import Incident, IncidentRisk, IncidentTag, IncidentThreatObjective
from socdesk.workspaces.scope import WorkspaceScope

# A threat objective relation's identity: the objective and its relevance, not its date.
ObjectiveKey = tuple[str, str | None]
# Per incident: (before, after), in the audit's form.
BeforeAfter = dict[uuid.UUID, tuple[Any, Any]]


class TagOperation(StrEnum):
    add = "Add"
    remove = "Remove"
    replace_ = "Replace"  # `replace` is a str method


@dataclass(frozen=True, slots=True)
class TagChange:
    """Add, remove or replace `tags` (each once, in the order given)."""

    operation: TagOperation
    tags: tuple[str, ...]

    @classmethod
    def of(cls, operation: TagOperation, tags: Iterable[str]) -> TagChange:
        return cls(operation, tuple(dict.fromkeys(tags)))

    def applied(self, had: Sequence[str]) -> list[str]:
        """The tags an incident that has `had` ends with."""
        if self.operation is TagOperation.remove:
            return [t for t in had if t not in self.tags]
        if self.operation is TagOperation.add:
            return [*had, *(t for t in self.tags if t not in had)]
        return list(self.tags)


def objective_key(link: Any) -> ObjectiveKey:
    """The identity of a relation (a row, or anything with the objective and relevance)."""
    relevance = link.relevance
    return str(link.threat_objective), str(relevance) if relevance is not None else None


def objective_list(keys: Iterable[ObjectiveKey]) -> list[dict[str, str | None]]:
    """Threat objectives as the audit lists them, in a fixed order."""
    return [{"threat_objective": o, "relevance": r} for o, r in sorted(keys)]


class TagRepository(WorkspaceScoped[IncidentTag]):
    """Tags of one workspace's incidents."""

    model = IncidentTag

    async def of(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[IncidentTag]]:
        """Each incident's tags, by content; incidents without any are left out."""
        statement = self.select().order_by(IncidentTag.content)
        by_incident: dict[uuid.UUID, list[IncidentTag]] = defaultdict(list)
        for tag in await self.scalars_in_chunks(statement, IncidentTag.incident_id, ids):
            by_incident[tag.incident_id].append(tag)
        return by_incident

    async def contents_of(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
        """Each incident's tag texts (no rows loaded); incidents without any are left out."""
        statement = self.select(IncidentTag.incident_id, IncidentTag.content)
        by_incident: dict[uuid.UUID, list[str]] = defaultdict(list)
        for incident_id, content in await self.in_chunks(statement, IncidentTag.incident_id, ids):
            by_incident[incident_id].append(content)
        return by_incident

    async def remove(self, ids: Sequence[uuid.UUID], which: ColumnElement[bool]) -> None:
        await self.execute_in_chunks(self.delete().where(which), IncidentTag.incident_id, ids)

    async def insert(self, rows: Sequence[dict[str, Any]]) -> None:
        await bulk_insert(self.session, IncidentTag, rows)

    async def remove_contents(self, ids: Sequence[uuid.UUID], contents: Sequence[str]) -> None:
        """Take each of `contents` from the incidents `ids`: one DELETE per chunk, built once
        per store and number of tags."""
        postgres = self.is_postgres
        statement = removing(postgres, len(contents))
        values = {TENANT: self.tenant_id, **contents_parameters(contents)}
        for part in chunks(ids):
            await self.session.execute(statement, {**values, IDS: among_value(postgres, part)})

    async def add_to_each(
        self, ids: Sequence[uuid.UUID], tags: Sequence[str], creator_id: uuid.UUID, org_id: Any
    ) -> None:
        """Give each incident of `ids` every one of `tags` it lacks, written by the database:
        one INSERT ... SELECT per chunk (the incidents times the tags, less those it has),
        built once per store and number of tags."""
        if not tags:
            return
        postgres = self.is_postgres
        statement = adding(self.new_id_sql(), postgres, len(tags))
        values = {
            TENANT: self.tenant_id,
            "creator": creator_id,
            "org": org_id,
            **contents_parameters(tags),
        }
        for part in chunks(ids):
            await self.session.execute(statement, {**values, IDS: among_value(postgres, part)})


class ObjectiveRepository(WorkspaceScoped[IncidentThreatObjective]):
    """Threat objectives of one workspace's incidents."""

    model = IncidentThreatObjective

    async def of(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[IncidentThreatObjective]]:
        """Each incident's threat objectives, by objective; incidents without any left out."""
        statement = self.select().order_by(IncidentThreatObjective.threat_objective)
        by_incident: dict[uuid.UUID, list[IncidentThreatObjective]] = defaultdict(list)
        for link in await self.scalars_in_chunks(
            statement, IncidentThreatObjective.incident_id, ids
        ):
            by_incident[link.incident_id].append(link)
        return by_incident

    async def keys_of(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, set[ObjectiveKey]]:
        """Each incident's relations' identities (no rows loaded); those without any left out."""
        table = IncidentThreatObjective
        statement = self.select(table.incident_id, table.threat_objective, table.relevance)
        by_incident: dict[uuid.UUID, set[ObjectiveKey]] = defaultdict(set)
        for incident_id, objective, relevance in await self.in_chunks(
            statement, table.incident_id, ids
        ):
            by_incident[incident_id].add((objective, relevance))
        return by_incident

    async def add_to_each(
        self, ids: Sequence[uuid.UUID], wanted: Collection[ObjectiveKey], now: datetime
    ) -> None:
        """Give each incident of `ids` every relation of `wanted` whose objective it lacks,
        dated `now`, written by the database: one INSERT ... SELECT per chunk."""
        if not wanted:
            return
        table = IncidentThreatObjective
        rows = constant_rows(
            [
                {
                    "threat_objective": literal(o, String()),
                    "relevance": literal(r, String()) if r is not None else null(),
                }
                for o, r in sorted(wanted)
            ]
        )
        has = (
            select(table.incident_id)
            .where(
                self.owned(),
                table.incident_id == Incident.id,
                table.threat_objective == rows.c.threat_objective,
            )
            .exists()
        )
        names = ["workspace_id", "incident_id", "threat_objective", "relevance", "created_date"]
        for part in chunks(ids):
            source = (
                select(
                    Incident.workspace_id,
                    Incident.id,
                    rows.c.threat_objective,
                    cast(rows.c.relevance, String()),
                    literal(now, table.created_date.type),
                )
                .select_from(Incident)
                .join(rows, true())
                .where(self.owned(Incident), self.among(Incident.id, part), ~has)
            )
            await self.session.execute(insert(table).from_select(names, source))

    async def remove_all_but(self, ids: Sequence[uuid.UUID], kept: set[ObjectiveKey]) -> None:
        """Delete the relations of `ids` whose identity is not one of `kept`."""
        table = IncidentThreatObjective
        unchanged = or_(
            false(),
            *(
                and_(table.threat_objective == o, table.relevance.is_not_distinct_from(r))
                for o, r in kept
            ),
        )
        await self.execute_in_chunks(self.delete().where(not_(unchanged)), table.incident_id, ids)

    async def insert(self, rows: Sequence[dict[str, Any]]) -> None:
        await bulk_insert(self.session, IncidentThreatObjective, rows)


class RiskLinkRepository(WorkspaceScoped[IncidentRisk]):
    """Which risks the workspace's incidents are associated with."""

    model = IncidentRisk

    async def ids_of(self, incident_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
        """Each incident's risk ids as sorted strings ([] for none), one query per chunk."""
        found: dict[uuid.UUID, list[str]] = {incident_id: [] for incident_id in incident_ids}
        statement = self.select(IncidentRisk.incident_id, IncidentRisk.risk_id)
        for incident_id, risk_id in await self.in_chunks(
            statement, IncidentRisk.incident_id, list(found)
        ):
            found[incident_id].append(str(risk_id))
        for ids in found.values():
            ids.sort()
        return found

    async def replace(
        self, incident_ids: Sequence[uuid.UUID], risk_ids: Sequence[uuid.UUID]
    ) -> None:
        """Make `risk_ids` the whole set of each incident of `incident_ids`."""
        await self.execute_in_chunks(self.delete(), IncidentRisk.incident_id, incident_ids)
        rows = [
            {"workspace_id": self.tenant_id, "incident_id": incident_id, "risk_id": risk_id}
            for incident_id in incident_ids
            for risk_id in risk_ids
        ]
        await bulk_insert(self.session, IncidentRisk, rows)


class Relations:
    """The tag, threat objective and risk operations of one workspace, by the caller."""

    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.scope = scope
        self.tags = TagRepository(session, scope.workspace_id)
        self.objectives = ObjectiveRepository(session, scope.workspace_id)
        self.risks = RiskLinkRepository(session, scope.workspace_id)

    async def change_tags(
        self,
        ids: Sequence[uuid.UUID],
        change: TagChange,
        current: Mapping[uuid.UUID, Sequence[str]] | None = None,
    ) -> BeforeAfter:
        """Apply `change` to every incident of `ids`; each one's sorted tags before and after.
        The tags are read once (unless the caller has, `current`) and written by the database
        (a DELETE and an INSERT ... SELECT per chunk); only the lists the audit shows are
        worked out here."""
        if current is None:
            current = await self.tags.contents_of(ids)
        wanted = list(change.tags)
        outcome: BeforeAfter = {}
        for incident_id in ids:
            had = current.get(incident_id, [])
            outcome[incident_id] = (sorted(had), sorted(change.applied(had)))
        if change.operation is TagOperation.replace_:
            await self.tags.remove(ids, IncidentTag.content.not_in(wanted) if wanted else true())
        elif change.operation is TagOperation.remove and wanted:
            await self.tags.remove_contents(ids, wanted)
        if change.operation is not TagOperation.remove:
            await self.tags.add_to_each(ids, wanted, self.scope.user.id, self.scope.project.id)
        return outcome

    def _tag_row(self, incident_id: uuid.UUID, content: str) -> dict[str, Any]:
        return {
            "id": uuid.uuid4(),
            "workspace_id": self.scope.workspace_id,
            "incident_id": incident_id,
            "content": content,
            "creator_id": self.scope.user.id,
            "org_id": self.scope.project.id,
        }

    async def add_to_new(
        self,
        links: Sequence[tuple[uuid.UUID, Sequence[str], Collection[ObjectiveKey]]],
        now: datetime,
    ) -> None:
        """Tags and threat objectives of new incidents, which have none yet: one INSERT each."""
        tag_rows = [self._tag_row(i, tag) for i, tags, _ in links for tag in tags]
        objective_rows = [
            self._objective_row(i, key, now) for i, _, keys in links for key in sorted(keys)
        ]
        await self.tags.insert(tag_rows)
        await self.objectives.insert(objective_rows)

    def _objective_row(
        self, incident_id: uuid.UUID, key: ObjectiveKey, now: datetime
    ) -> dict[str, Any]:
        objective, relevance = key
        return {
            "workspace_id": self.scope.workspace_id,
            "incident_id": incident_id,
            "threat_objective": objective,
            "relevance": relevance,
            "created_date": now,
        }

    async def replace_objectives(
        self, ids: Sequence[uuid.UUID], wanted: set[ObjectiveKey], now: datetime
    ) -> BeforeAfter:
        """Make `wanted` every incident's threat objectives. A relation that is unchanged
        keeps its row and its created_date; the others are deleted or inserted (dated `now`)."""
        current = await self.objectives.keys_of(ids)
        await self.objectives.remove_all_but(ids, wanted)
        await self.objectives.add_to_each(ids, wanted, now)
        after = objective_list(wanted)
        return {
            incident_id: (objective_list(current.get(incident_id, ())), after)
            for incident_id in ids
        }

    async def replace_risks(
        self, ids: Sequence[uuid.UUID], risk_ids: Sequence[uuid.UUID]
    ) -> BeforeAfter:
        """Make `risk_ids` every incident's whole set of risks; each one's sorted risk ids
        before and after."""
        current = await self.risks.ids_of(ids)
        await self.risks.replace(ids, risk_ids)
        after = sorted(str(risk_id) for risk_id in risk_ids)
        return {incident_id: (current[incident_id], after) for incident_id in ids}
