"""Links between the data objects of one workspace: THE path of every link write (the relation
routes, batch-order, an object created with an `incident_id`), with their audit events.

A link joins two objects of any classes, incidents included, and reads alike from both sides.
Each end of a link written or removed gets an event in its own trail: an incident's in
incident_events, any other object's in data_object_events (action `link` / `unlink`, the other
end under `changes.relations`)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.classes.registry import INCIDENT, DataClass
from socdesk.classes.service import DataClassService
from socdesk.incidents.audit import event_row
from socdesk.incidents.event_repository import EventRepository
from socdesk.incidents.repository import IncidentRepository
from socdesk.kit.clock import utcnow
from socdesk.kit.conditions import SearchBody
from socdesk.kit.errors import NotFound, ValidationFailed
from socdesk.kit.ids import time_ordered_uuids
from socdesk.kit.logs import current_request_id
from socdesk.links.repository import End, LinkRepository, ordered
from socdesk.models import DataObject, Incident, IncidentAction
from socdesk.objects.panel import DataPanel
from socdesk.objects.repository import DataObjectEventRepository, DataObjectRepository
from socdesk.objects.service import ObjectRecord, unique_ids
from socdesk.workspaces.scope import WorkspaceScope

# Most links one request writes (batch-create links every object to every related one).
MAX_LINKS = 10_000


@dataclass(frozen=True, slots=True)
class LinkOutcome:
    """The ids a request named that were linked (or unlinked), and the others as sent."""

    success_ids: list[str]
    error_ids: list[str]


class LinkService:
    """Links between the objects of one workspace, by the caller."""

    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.classes = DataClassService(session, scope)
        self.links = LinkRepository(session, scope.workspace_id)
        self.objects = DataObjectRepository(session, scope.workspace_id)
        self.incidents = IncidentRepository(session, scope.workspace_id)
        self.object_events = DataObjectEventRepository(session, scope.workspace_id)
        self.incident_events = EventRepository(session, scope.workspace_id)

    async def data_class(self, name: str, field: str) -> DataClass:
        """The class a relation route names (its route name, name, business code or id),
        Incident included; 404 naming `field` for none of the workspace's."""
        return await self.classes.find(name, where=field)

    async def existing(self, data_class: DataClass, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Which of `ids` are objects of the class in this workspace."""
        if data_class.id == INCIDENT.id:
            return await self.incidents.existing_ids(ids)
        found = await self.objects.scalars_in_chunks(
            self.objects.select(DataObject.id).where(
                self.objects.of_class(uuid.UUID(data_class.id))
            ),
            DataObject.id,
            ids,
        )
        return set(found)

    async def one(self, data_class: DataClass, object_text: str) -> uuid.UUID:
        """The id of the object `object_text` of the class here; 404 otherwise."""
        object_id = _parse(object_text)
        if object_id is None or not await self.existing(data_class, [object_id]):
            raise NotFound(
                f"data_object_id: no {data_class.name} {object_text[:100]!r} in this workspace"
            )
        return object_id

    async def _known(
        self, data_class: DataClass, raw_ids: Sequence[Any] | None
    ) -> tuple[list[uuid.UUID], list[str]]:
        ids, refused = unique_ids(raw_ids or [])
        found = await self.existing(data_class, ids)
        return [i for i in ids if i in found], refused + [str(i) for i in ids if i not in found]

    async def link(
        self, data_class: DataClass, object_text: str, related: DataClass, raw_ids: Sequence[Any]
    ) -> LinkOutcome:
        """Link the object to each of the related class's objects `raw_ids`; malformed,
        unknown and other workspaces' ids are set aside as sent."""
        object_id = await self.one(data_class, object_text)
        ids, refused = await self._known(related, raw_ids)
        end = (uuid.UUID(data_class.id), object_id)
        pairs = [(end, (uuid.UUID(related.id), i)) for i in ids if i != object_id]
        await self.write(pairs)
        return LinkOutcome([str(i) for i in ids if i != object_id], refused)

    async def unlink(
        self, data_class: DataClass, object_text: str, related: DataClass, raw_ids: Sequence[Any]
    ) -> LinkOutcome:
        """Remove the object's links to the related objects `raw_ids`; ids not linked to it
        are set aside as sent."""
        object_id = await self.one(data_class, object_text)
        ids, refused = unique_ids(raw_ids or [])
        end = (uuid.UUID(data_class.id), object_id)
        related_class = uuid.UUID(related.id)
        pairs = [(end, (related_class, i)) for i in ids]
        removed = await self.links.remove(pairs)
        done = [i for i in ids if tuple(e[1] for e in ordered(end, (related_class, i))) in removed]
        await self._audit(
            [(end, (related_class, i)) for i in done], IncidentAction.unlink, "unlink"
        )
        gone = set(done)
        return LinkOutcome([str(i) for i in done], refused + [str(i) for i in ids if i not in gone])

    async def batch_link(
        self,
        data_class: DataClass,
        related: DataClass,
        raw_ids: Sequence[Any] | None,
        raw_related: Sequence[Any] | None,
    ) -> LinkOutcome:
        """Link every object `raw_ids` of the class to every related object `raw_related`; the
        objects linked are the success ids, every id that is not an object here an error id."""
        ids, refused = await self._known(data_class, raw_ids)
        related_ids, related_refused = await self._known(related, raw_related)
        if len(ids) * len(related_ids) > MAX_LINKS:
            raise ValidationFailed.for_field(
                "related_dataobject_ids", f"a request writes at most {MAX_LINKS} links"
            )
        class_id, related_class = uuid.UUID(data_class.id), uuid.UUID(related.id)
        pairs = [((class_id, a), (related_class, b)) for a in ids for b in related_ids if a != b]
        await self.write(pairs)
        linked = [str(a) for a in ids if related_ids and any(a != b for b in related_ids)]
        unlinked = [str(a) for a in ids if str(a) not in set(linked)]
        return LinkOutcome(linked, refused + unlinked + related_refused)

    async def write(self, pairs: Sequence[tuple[End, End]]) -> None:
        """Link each pair of existing objects of this workspace (a pair already linked stays),
        with an event on both ends."""
        if pairs:
            added = await self.links.add(pairs, utcnow())
            new = [(a, b) for a, b in pairs if tuple(e[1] for e in ordered(a, b)) in added]
            await self._audit(new, IncidentAction.link, "link")

    async def _audit(
        self, pairs: Sequence[tuple[End, End]], incident_action: IncidentAction, action: str
    ) -> None:
        """One event per end involved, listing the other ends (one bulk INSERT per trail)."""
        others: dict[End, list[End]] = defaultdict(list)
        for a, b in pairs:
            others[a].append(b)
            others[b].append(a)
        if not others:
            return
        now = utcnow()
        incident_class = uuid.UUID(INCIDENT.id)
        incident_rows, object_rows = [], []
        for (class_id, object_id), ends in others.items():
            changes = {"relations": {"before": None, "after": [str(e[1]) for e in ends]}}
            if action == "unlink":
                changes = {"relations": {"before": [str(e[1]) for e in ends], "after": None}}
            if class_id == incident_class:
                incident_rows.append(
                    event_row(self.scope, object_id, incident_action, changes, at=now)
                )
            else:
                object_rows.append((class_id, object_id, changes))
        await self.incident_events.add(incident_rows)
        user = self.scope.user
        ids = time_ordered_uuids(len(object_rows))
        await self.object_events.add(
            [
                {
                    "id": event_id,
                    "class_id": class_id,
                    "object_id": object_id,
                    "action": action,
                    "actor_id": user.id,
                    "actor_email": user.email,
                    "request_id": current_request_id.get(),
                    "batch_name": None,
                    "batch_type": None,
                    "trigger_flag": False,
                    "at": now,
                    "changes": changes,
                    "snapshot": None,
                }
                for event_id, (class_id, object_id, changes) in zip(ids, object_rows, strict=True)
            ]
        )

    async def related_page(
        self, data_class: DataClass, object_text: str, related: DataClass, body: SearchBody
    ) -> tuple[list[ObjectRecord], int]:
        """The page of the related class's objects linked to the object, the search's
        conditions applied, and how many match."""
        object_id = await self.one(data_class, object_text)
        linked = self.links.linked_ids((uuid.UUID(data_class.id), object_id), uuid.UUID(related.id))
        column: Any = Incident.id if related.id == INCIDENT.id else DataObject.id
        within: ColumnElement[bool] = column.in_(linked)
        return await DataPanel(self.session, self.scope).search(related, body, within)


def _parse(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except (ValueError, AttributeError, TypeError):
        return None
