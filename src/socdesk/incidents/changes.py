"""The one change path of incidents: every write to an incident goes through here.

Both dialects' creates, changes and deletes, imports, risk associations and (next) workflow
actions: the rows are locked in id order, the status and close-time rules (`rules.py`) decide
what is written, the version moves on, tags, threat objectives and risks change set-based, and
one audit event per incident records the diff between its view before and after (`audit.py`).
A change is one UPDATE per chunk of incidents however many they are; the after-state the audit
reads is worked out in Python from the same `Writes` the UPDATE is built from
(tests/incidents/test_changes.py holds the two to agree).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.classes.registry import INCIDENT
from socdesk.iam.repository import WorkspaceMembers
from socdesk.incidents import added_fields, mapping
from socdesk.incidents.audit import (
    audit_view,
    creation_changes,
    event_row,
    state_changes,
    state_of,
)
from socdesk.incidents.audit_sql import AuditSql, related_members
from socdesk.incidents.event_repository import EventRepository
from socdesk.incidents.new_rows import NewIncidentRows, as_dict
from socdesk.incidents.relations import (
    ObjectiveKey,
    Relations,
    TagChange,
    TagOperation,
    objective_list,
)
from socdesk.incidents.repository import IncidentRepository
from socdesk.incidents.sources import SourceService
from socdesk.incidents.tag_repository import changing_one
from socdesk.incidents.writes import (
    FACT_COLUMNS,
    SOURCE_PATH,
    UNSET,
    IncidentChange,
    NewIncident,
    Unset,
    Writes,
)
from socdesk.kit.changefeed import ChangeKind, ObjectsChanged, publish
from socdesk.kit.clock import utcnow
from socdesk.kit.errors import Problems, ValidationFailed
from socdesk.kit.gc_pause import gc_paused
from socdesk.kit.ids import hex_id
from socdesk.kit.logs import current_request_id
from socdesk.kit.repository import TENANT
from socdesk.kit.sqljson import Dialect, RowValues
from socdesk.links.references import IncidentReferences
from socdesk.links.repository import LinkRepository
from socdesk.models import Incident, IncidentAction
from socdesk.workspaces.scope import WorkspaceScope


class IncidentChanges:
    """Every write to the incidents of one workspace, by the caller."""

    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.incidents = IncidentRepository(session, scope.workspace_id)
        self.events = EventRepository(session, scope.workspace_id)
        self.relations = Relations(session, scope)
        self.members = WorkspaceMembers(session, scope.workspace_id)

    # --- creating ------------------------------------------------------------------------------

    async def numbers(self, count: int) -> range:
        """`count` new incident numbers; the workspace's counter stays locked until commit."""
        return await self.incidents.allocate_numbers(count)

    def new_rows(self, now: datetime) -> NewIncidentRows:
        """The builder of new incidents' rows, created at `now` by the caller."""
        return NewIncidentRows(self.scope, now)

    async def insert_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        """Store rows `new_rows` built (numbered by `numbers`), in one statement."""
        await self.incidents.insert(rows)

    async def existing_ids(self, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Which of `ids` are taken: a new incident's id must be new in its workspace."""
        return await self.incidents.existing_ids(ids)

    async def create(
        self, incidents: Sequence[NewIncident], *, whole: bool = False
    ) -> list[uuid.UUID]:
        """New incidents in one statement, with their numbers, relations and one create event
        each (every fact written, from nothing); all or none. Their ids, in order. `whole`:
        the records are a client's whole data_objects, which must carry the fields the
        workspace added as required (a register create or an incident made from alerts carries
        SecMaster's own fields only)."""
        for new in incidents:
            mapping.refuse_missing(dict(new.record))
        if not incidents:
            return []
        await added_fields.refuse_unfit(
            self.session, self.scope, [new.record for new in incidents], partial=not whole
        )
        now = utcnow()
        numbers = await self.numbers(len(incidents))
        builder = self.new_rows(now)
        rows: list[dict[str, Any]] = []
        related: list[dict[str, Any]] = []
        links: list[tuple[uuid.UUID, Sequence[str], Collection[ObjectiveKey]]] = []
        for new, number in zip(incidents, numbers, strict=True):
            row = as_dict(builder.build(dict(new.record), number, uuid.uuid4(), new.status))
            row.update({column: new.facts.get(column) for column in FACT_COLUMNS})
            rows.append(row)
            tags = TagChange.of(TagOperation.add, new.tags).tags
            objectives = set(new.objectives)
            related.append({"tags": sorted(tags), "threat_objectives": objective_list(objectives)})
            if tags or objectives:
                links.append((row["id"], tags, objectives))
        await self.insert_rows(rows)
        await self.relations.add_to_new(links, now)
        await self.events.add(
            event_row(
                self.scope,
                row["id"],
                IncidentAction.create,
                creation_changes(audit_view(SimpleNamespace(**row), extra)),
                at=now,
            )
            for row, extra in zip(rows, related, strict=True)
        )
        ids = [row["id"] for row in rows]
        await self.published(ChangeKind.create, ids)
        return ids

    async def published(self, kind: ChangeKind, ids: Sequence[uuid.UUID]) -> None:
        """Tell the change feed (kit/changefeed.py) what this write did to which incidents."""
        await publish(self.session, ObjectsChanged(self.scope, INCIDENT.id, kind, ids))

    def import_event(self, source: str) -> dict[str, Any]:
        """The one event every incident of an import gets: its file, no per-field changes."""
        return event_row(self.scope, uuid.uuid4(), IncidentAction.import_, {}, source=source)

    async def add_import_events(self, ids: Sequence[uuid.UUID], event: dict[str, Any]) -> None:
        """`event` (`import_event`) for each of `ids`, written by the database."""
        await self.events.add_same(ids, event)

    # --- changing ------------------------------------------------------------------------------

    async def prepare(self, change: IncidentChange) -> Writes:
        """Resolve the change's references (source, assignee) and check the values of fields
        the workspace added: 400 naming each problem, before any incident is touched."""
        await added_fields.refuse_unfit(self.session, self.scope, [change.document], partial=True)
        columns = {**change.columns, **await self.resolved(change.source, change.assignee)}
        paths: tuple[tuple[tuple[str, str], Any], ...] = ()
        if change.source is not UNSET:
            paths = ((SOURCE_PATH, columns["product_name"]),)
        objectives = change.objectives
        return Writes(
            columns=columns,
            document=dict(change.document),
            paths=paths,
            status=change.status,
            tags=change.tags,
            objectives=frozenset(objectives) if objectives is not None else None,
            risks=tuple(dict.fromkeys(change.risks)) if change.risks is not None else None,
        )

    async def resolved(
        self,
        source: str | None | Unset = UNSET,
        assignee: uuid.UUID | None | Unset = UNSET,
    ) -> dict[str, Any]:
        """The columns a source name and an assignee stand for (`product_name`, `owner`; those
        given): 400 naming each that is not one of the project's sources, or not an active
        member of the workspace."""
        columns: dict[str, Any] = {}
        problems = Problems()
        if source is not UNSET:
            with problems.check():
                columns["product_name"] = await self._known_source(source)
        if assignee is not UNSET:
            with problems.check():
                columns["owner"] = await self._assignee_email(assignee)
        problems.raise_any()
        return columns

    async def _known_source(self, name: str | None) -> str:
        """The source's name as the project spells it; "" clears it."""
        if name is None:
            return ""
        source = await SourceService(self.session, self.scope.project.id).named(name)
        if source is None:
            raise ValidationFailed.for_field(
                "source", "is not one of this project's sources (GET /v1/sources)", name
            )
        return source.name

    async def _assignee_email(self, user_id: uuid.UUID | None) -> str | None:
        if user_id is None:
            return None
        email = await self.members.active_email(user_id)
        if email is None:
            raise ValidationFailed.for_field(
                "assigned_to", "is not an active member of this workspace", str(user_id)
            )
        return email

    async def lock(self, ids: Sequence[uuid.UUID]) -> list[Incident]:
        """The incidents `ids` (those of this workspace), fresh and locked until commit, in id
        order: concurrent writes over overlapping incidents queue instead of deadlocking."""
        return await self.incidents.lock(ids)

    async def lock_existing(self, ids: Sequence[uuid.UUID]) -> list[Incident]:
        """`lock`, with a 404 when one of `ids` was deleted since it was looked up."""
        return await self.incidents.lock_existing(ids)

    async def lock_ids(self, ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        """`lock` for a write that needs no row in Python (`apply`, `delete`): the ids found."""
        return await self.incidents.lock_ids(ids)

    async def lock_existing_ids(self, ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        """`lock_ids`, with a 404 when one of `ids` was deleted since it was looked up."""
        return await self.incidents.lock_existing_ids(ids)

    @property
    def _sql(self) -> Dialect:
        return Dialect(self.session.get_bind().dialect.name)

    async def apply(self, ids: Sequence[uuid.UUID], writes: Writes) -> None:
        """Write `writes` on the locked incidents `ids`: the relations set-based, one update
        event each (built by the database from the rows, `audit_sql.py`), then one UPDATE per
        chunk (version, update time and editor move on)."""
        now = utcnow()
        user_id = self.scope.user.id
        related = await self._change_relations(ids, writes, now)
        if AuditSql.can_build(writes):
            await self._audit_in_sql(ids, writes, now, related)
        else:
            await self._audit_in_python(ids, writes, now, related)
        await self.incidents.update_many(ids, writes.sql_values(self.incidents, now, user_id))
        await self.published(ChangeKind.update, ids)

    async def lock_and_apply(self, ids: Sequence[uuid.UUID], writes: Writes) -> list[uuid.UUID]:
        """`lock_ids` then `apply` (for a caller that needs neither the rows nor a 404): the
        ids found. A change of columns and document alone whose audit the database builds
        (`AuditSql.can_build`) is one statement fewer: the statement that writes the update
        events locks the rows, in id order, and says which are here (as `delete`'s does)."""
        plain = writes.tags is None and writes.objectives is None and writes.risks is None
        if not plain or not AuditSql.can_build(writes):
            found = await self.lock_ids(ids)
            if found:
                await self.apply(found, writes)
            return found
        now = utcnow()
        changes = AuditSql(self._sql).update_changes(writes, now, None)
        event = event_row(self.scope, uuid.uuid4(), IncidentAction.update, {}, at=now)
        found = await self.events.add_from_incidents(ids, event, {"changes": changes}, lock=True)
        if found:
            values = writes.sql_values(self.incidents, now, self.scope.user.id)
            await self.incidents.update_many(found, values)
            await self.published(ChangeKind.update, found)
        return found

    async def change_tags_of(self, incident_id: uuid.UUID, change: TagChange) -> bool:
        """Apply `change` to one incident's tags alone (a workflow's tag actions), as `lock_ids`
        and `apply` would: an addition or removal on PostgreSQL in one statement
        (`tag_repository.changing_one`), otherwise in three instead of five (the UPDATE that
        moves the version on locks the row and answers its tags before, then the tags are
        written and the update event built by the database: a change of relations alone reads
        nothing of the row but its id, so the event may follow the UPDATE). False if it is no
        incident here (nothing written)."""
        now = utcnow()
        if self.incidents.is_postgres and change.operation is not TagOperation.replace_:
            found = await self.session.scalar(
                changing_one(change.operation is TagOperation.remove),
                {
                    TENANT: self.scope.workspace_id,
                    "incident_id": incident_id,
                    "now": now,
                    "editor": self.scope.user.id,
                    "actor_email": self.scope.user.email,
                    "request_id": current_request_id.get(),
                    "org": self.scope.project.id,
                    "wanted": list(change.tags),
                },
            )
            if found is None:
                return False
        else:
            had = await self.incidents.bump_one(incident_id, now, self.scope.user.id)
            if had is None:
                return False
            writes = await self.prepare(IncidentChange(tags=change))
            pair = (await self.relations.change_tags([incident_id], change, {incident_id: had}))[
                incident_id
            ]
            await self._audit_in_sql([incident_id], writes, now, {incident_id: {"tags": pair}})
        await self.published(ChangeKind.update, [incident_id])
        return True

    async def _audit_in_sql(
        self,
        ids: Sequence[uuid.UUID],
        writes: Writes,
        now: datetime,
        related: dict[uuid.UUID, dict[str, tuple[Any, Any]]],
    ) -> None:
        """The update events, each built from its row before the UPDATE: no state, view or
        diff in Python, only the relations' (before, after) sent as one parameter."""
        sql = self._sql
        joined = RowValues.of(sql) if related else None
        changes = AuditSql(sql).update_changes(writes, now, joined)
        event = event_row(self.scope, uuid.uuid4(), IncidentAction.update, {}, at=now)
        values = joined.parameters(related_members(related, sql)) if joined is not None else {}
        await self.events.add_from_incidents(ids, event, {"changes": changes}, joined, values)

    async def _audit_in_python(
        self,
        ids: Sequence[uuid.UUID],
        writes: Writes,
        now: datetime,
        related: dict[uuid.UUID, dict[str, tuple[Any, Any]]],
    ) -> None:
        """The update events worked out in Python from each row's state and `writes.after`:
        for a change whose audit fields differ by row (`AuditSql.can_build`)."""
        rows = await self.incidents.fresh(ids)
        events = []
        with gc_paused():  # thousands of short-lived states and views: no cycles to find
            for incident_id in ids:
                state = state_of(rows[incident_id])
                changes = state_changes(state, writes.after(state, now), related.get(incident_id))
                events.append(
                    event_row(self.scope, incident_id, IncidentAction.update, changes, at=now)
                )
            await self.events.add(events)

    async def _change_relations(
        self, ids: Sequence[uuid.UUID], writes: Writes, now: datetime
    ) -> dict[uuid.UUID, dict[str, tuple[Any, Any]]]:
        """Change the relations `writes` names; per incident, each one's (before, after)."""
        related: dict[uuid.UUID, dict[str, tuple[Any, Any]]] = defaultdict(dict)
        if writes.tags is not None:
            for incident_id, pair in (await self.relations.change_tags(ids, writes.tags)).items():
                related[incident_id]["tags"] = pair
        if writes.objectives is not None:
            replaced = await self.relations.replace_objectives(ids, set(writes.objectives), now)
            for incident_id, pair in replaced.items():
                related[incident_id]["threat_objectives"] = pair
        if writes.risks is not None:
            for incident_id, pair in (
                await self.relations.replace_risks(ids, writes.risks)
            ).items():
                related[incident_id]["risk_associations"] = pair
        return related

    async def change(self, ids: Sequence[uuid.UUID], change: IncidentChange) -> None:
        """Apply `change` to the incidents `ids`, all or none: 400 for a reference that is not
        one, 404 if one of them is gone."""
        writes = await self.prepare(change)
        await self.apply(await self.lock_existing_ids(ids), writes)

    # --- deleting ------------------------------------------------------------------------------

    async def delete(self, ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        """Delete those of `ids` that are incidents here, each with a delete event keeping its
        last state (its `data_object`, built by the database); the ids deleted, in order."""
        snapshot = AuditSql(self._sql).snapshot(
            hex_id(self.scope.project.id), self.scope.workspace_id
        )
        event = event_row(self.scope, uuid.uuid4(), IncidentAction.delete, {})
        # The statement that writes the events locks the rows (in id order) and says which
        # of `ids` are incidents here: one pass over them before the DELETE.
        found = await self.events.add_from_incidents(ids, event, {"snapshot": snapshot}, lock=True)
        # Told before the rows go: a delete rule reads the incidents' last state.
        await self.published(ChangeKind.delete, found)
        # Their links to alerts, indicators, ... go with them, and the objects naming them by
        # `incident_id` name them no more (set-based, per chunk).
        await LinkRepository(self.session, self.scope.workspace_id).remove_touching(found)
        user = self.scope.user
        references = IncidentReferences(self.session, self.scope.workspace_id)
        await references.forget(found, user.id, user.email)
        await self.incidents.delete_ids(found)
        kept = set(found)
        return [incident_id for incident_id in ids if incident_id in kept]
