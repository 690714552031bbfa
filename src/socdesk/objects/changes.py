"""THE change path of data objects: every create, change and delete of an object of any class
but Incident goes through here, with its audit events (who, when, request, fields, batch).

Creates are set-based: a batch of 10,000 objects is a few multi-row INSERT statements (COPY on
PostgreSQL) for the objects and as many for their events, never a statement per object."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.classes.fields import LINKED_INCIDENT
from socdesk.classes.registry import INCIDENT, DataClass
from socdesk.kit.changefeed import ChangeKind, ObjectsChanged, publish
from socdesk.kit.clock import format_time, parse_time, utcnow
from socdesk.kit.ids import time_ordered_uuids
from socdesk.kit.logs import current_request_id
from socdesk.kit.sqljson import Dialect, concat, json_constant, json_object, members, text
from socdesk.links.repository import LinkRepository
from socdesk.models import DataObject
from socdesk.objects.documents import normalise_times, promoted_values
from socdesk.objects.new_rows import CREATE_TIME, DOCUMENT, ID, INCIDENT_ID, NewObjectRows, as_dict
from socdesk.objects.origins import DATA_SOURCE
from socdesk.objects.repository import DataObjectEventRepository, DataObjectRepository
from socdesk.workspaces.scope import WorkspaceScope


@dataclass(frozen=True, slots=True)
class Batch:
    """How a write is labelled in its events: seed 003's batch `name` and `type`, and its
    `trigger_flag` (kept for the automation that starts playbooks from it)."""

    name: str | None = None
    type: str | None = None
    trigger_flag: bool = False


@dataclass(frozen=True, slots=True)
class NewObject:
    """A stored new object: what its row holds beyond the completed document, so the caller
    answers with it without reading the row back."""

    id: uuid.UUID
    incident_id: uuid.UUID | None
    create_time: datetime
    update_time: datetime


class ObjectChanges:
    """Writes to the data objects of one workspace, by the scope's user."""

    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.objects = DataObjectRepository(session, scope.workspace_id)
        self.events = DataObjectEventRepository(session, scope.workspace_id)
        self.links = LinkRepository(session, scope.workspace_id)

    def _event(self, action: str, batch: Batch) -> dict[str, Any]:
        user = self.scope.user
        return {
            "action": action,
            "actor_id": user.id,
            "actor_email": user.email,
            "request_id": current_request_id.get(),
            "batch_name": batch.name,
            "batch_type": batch.type,
            "trigger_flag": batch.trigger_flag,
        }

    async def create(
        self,
        data_class: DataClass,
        objects: Sequence[dict[str, Any]],
        batch: Batch,
        origin: str = DATA_SOURCE,
        given_ids: Sequence[uuid.UUID | None] | None = None,
    ) -> list[NewObject]:
        """Store checked objects of `data_class` (their documents are completed in place), with
        a create event each; each new object, in input order.
        `origin` is how they came in (objects/origins.py); `given_ids`, where not None, are the
        ids to use (checked free by the caller: an import's file ids)."""
        ids = time_ordered_uuids(len(objects))
        if given_ids is not None:
            ids = [given or fresh for given, fresh in zip(given_ids, ids, strict=True)]
        builder = self.new_rows(data_class, origin, utcnow())
        build = builder.build
        rows = [build(data, object_id) for data, object_id in zip(objects, ids, strict=True)]
        return await self.store_new(builder, rows, batch)

    def new_rows(self, data_class: DataClass, origin: str, now: datetime) -> NewObjectRows:
        """The builder of new objects' rows (objects/new_rows.py), created at `now`, for
        `store_new`: an import builds each chunk's rows while the previous ones are stored."""
        return NewObjectRows(self.scope, data_class, origin, now)

    async def store_new(
        self, builder: NewObjectRows, rows: Sequence[list[Any]], batch: Batch
    ) -> list[NewObject]:
        """Store the rows `builder` built (checked objects), with a create event each, at the
        builder's time; each new object, in the rows' order."""
        now = builder.now
        # Taken before the write: a bulk write may replace the documents by their text.
        created = [NewObject(row[ID], row[INCIDENT_ID], row[CREATE_TIME], now) for row in rows]
        documents = {row[ID]: row[DOCUMENT] for row in rows}
        event = {"at": now, **self._event("create", batch)}
        # A create event, as an incident's, carries no snapshot: the values are in the object,
        # and each later change records its fields' before and after, so the object as
        # created is its present state with the changes undone. An import stores each
        # document once, not twice.
        if len(rows) == 1:
            # A create one at a time (POST ~/soc/{name}) is the API's busiest write: its two
            # rows go by plain Core INSERTs.
            await self.objects.insert_one(as_dict(rows[0]))
            await self.events.add_one(
                {
                    "id": time_ordered_uuids(1)[0],
                    "class_id": builder.class_id,
                    "object_id": rows[0][ID],
                    "changes": {},
                    "snapshot": None,
                    **event,
                }
            )
        else:
            await self.objects.insert_rows(rows, builder.constants)
            await self.events.add_creates(builder.class_id, [new.id for new in created], event)
        # An object named with its incident is linked to it: the link table is the truth of
        # an incident's objects.
        incident_class = uuid.UUID(INCIDENT.id)
        await self.links.add(
            [
                ((builder.class_id, new.id), (incident_class, new.incident_id))
                for new in created
                if new.incident_id is not None
            ],
            now,
        )
        await self._publish(builder.data_class, ChangeKind.create, list(documents), documents)
        return created

    async def _publish(
        self,
        data_class: DataClass,
        kind: ChangeKind,
        ids: Sequence[uuid.UUID],
        documents: dict[uuid.UUID, Any] | None = None,
    ) -> None:
        changed = ObjectsChanged(self.scope, data_class.id, kind, ids, documents or {})
        await publish(self.session, changed)

    async def change(
        self, data_class: DataClass, row: DataObject, merged: dict[str, Any], batch: Batch
    ) -> None:
        """Replace a locked object's document by `merged` (checked whole), bump its version and
        record the fields that differ."""
        await self.change_many(data_class, [(row, merged)], batch)

    async def change_many(
        self,
        data_class: DataClass,
        changes: Sequence[tuple[DataObject, dict[str, Any]]],
        batch: Batch,
    ) -> None:
        """Replace each locked object's document by its merged one (checked whole), bump their
        versions and record the fields that differ: one flush (the ORM sends the rows' UPDATEs
        as one executemany) and one insert of all the events."""
        now = utcnow()
        befores = [row.data_object for row, _merged in changes]
        events = [self._apply(data_class, row, merged, now, batch) for row, merged in changes]
        await self.session.flush()
        await self._move_incident_links(
            [(row, before, merged) for (row, merged), before in zip(changes, befores, strict=True)],
            now,
        )
        await self.events.add(events)
        documents = {row.id: merged for row, merged in changes}
        await self._publish(data_class, ChangeKind.update, list(documents), documents)

    def _apply(
        self,
        data_class: DataClass,
        row: DataObject,
        merged: dict[str, Any],
        now: datetime,
        batch: Batch,
    ) -> dict[str, Any]:
        """Write `merged` over the row in the session; its update event."""
        normalise_times(data_class, merged)
        before = row.data_object
        merged["id"] = str(row.id)
        if "update_time" in data_class.by_key:
            merged["update_time"] = format_time(now)
        changed = {
            key: {"before": before.get(key), "after": merged.get(key)}
            for key in sorted(set(before) | set(merged))
            if key != "update_time" and before.get(key) != merged.get(key)
        }
        row.data_object = merged
        row.update_time = now
        row.version = row.version + 1
        for column, value in promoted_values(data_class, merged).items():
            setattr(row, column, value)
        if merged.get("create_time"):
            row.create_time = parse_time(merged["create_time"])
        return {
            "id": time_ordered_uuids(1)[0],
            "class_id": uuid.UUID(data_class.id),
            "object_id": row.id,
            "at": now,
            "changes": changed,
            "snapshot": None,
            **self._event("update", batch),
        }

    async def _move_incident_links(
        self, changes: Sequence[tuple[DataObject, dict[str, Any], dict[str, Any]]], now: datetime
    ) -> None:
        """A change of `incident_id` moves the object's link from the incident it named to
        the one it names (the change's event records the field's before and after): one
        statement for the links removed and one for those added."""
        incident_class = uuid.UUID(INCIDENT.id)
        removed, added = [], []
        for row, before, after in changes:
            old, new = before.get(LINKED_INCIDENT.key), after.get(LINKED_INCIDENT.key)
            if old == new:
                continue
            end = (row.class_id, row.id)
            if old:
                removed.append((end, (incident_class, uuid.UUID(old))))
            if new:
                added.append((end, (incident_class, uuid.UUID(new))))
        if removed:
            await self.links.remove(removed)
        if added:
            await self.links.add(added, now)

    async def set_fields(
        self,
        data_class: DataClass,
        ids: Sequence[uuid.UUID],
        values: dict[str, Any],
        batch: Batch,
    ) -> None:
        """Write the same top-level fields (`values`, none null, checked by the caller and
        times in SOCdesk's form) over the locked objects `ids` of the class, set-based: their
        update events (the fields that differ, each `{before, after}`, as `change_many` records
        them) by one INSERT ... SELECT, the documents and promoted columns by one UPDATE (per
        chunk), and when `incident_id` is among them the links moved to that incident."""
        if not ids:
            return
        now = utcnow()
        sql = Dialect(self.session.get_bind().dialect.name)
        values = dict(values)
        if "update_time" in data_class.by_key:
            values["update_time"] = format_time(now)
        document = sql.as_document(DataObject.data_object)
        pairs = []
        for key in sorted(k for k in values if k != "update_time"):
            before = sql.coalesce(sql.member(document, (key,)), text("null"))
            after = json_constant(values[key])
            change = concat(text('{"before":'), before, text(',"after":'), after, text("}"))
            pairs.append((key, change, sql.differs(before, after)))
        event = {"at": now, "snapshot": None, **self._event("update", batch)}
        changes = sql.as_json(json_object(members(pairs)))
        await self.events.add_from_objects(ids, event, {"changes": changes})
        linked = values.get(LINKED_INCIDENT.key)
        incident_class = uuid.UUID(INCIDENT.id)
        if linked is not None:
            elsewhere = await self.objects.linked_elsewhere(ids, uuid.UUID(linked))
            await self.links.remove([((c, o), (incident_class, old)) for c, o, old in elsewhere])
        promoted = promoted_values(data_class, values)
        columns = {
            column: promoted[column]
            for column, parts in data_class.promoted_paths
            if len(parts) == 1 and parts[0] in values
        }
        statement = self.objects.update().values(
            data_object=sql.with_members(DataObject.data_object, values),
            update_time=now,
            version=DataObject.version + 1,
            **columns,
        )
        await self.objects.execute_in_chunks(statement, DataObject.id, ids)
        if linked is not None:
            class_id = uuid.UUID(data_class.id)
            await self.links.add(
                [((class_id, i), (incident_class, uuid.UUID(linked))) for i in ids], now
            )
        await self._publish(data_class, ChangeKind.update, ids)

    async def delete(self, data_class: DataClass, ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        """Delete those of `ids` that are objects of the class here (a delete event each, with
        the object's last state); the ids deleted."""
        found = await self.objects.lock_of_class(uuid.UUID(data_class.id), ids)
        if found:
            # Told before the rows go: a delete rule reads the objects' last state.
            await self._publish(data_class, ChangeKind.delete, found)
            event = {"at": utcnow(), "changes": {}, **self._event("delete", Batch())}
            await self.events.add_deletes(found, event)
            await self.links.remove_touching(found)
            await self.objects.delete_many(found)
        return found
