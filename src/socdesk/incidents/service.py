"""Incidents as records (the canonical `data_object` form): create, read, change, delete, search
and history. Every write goes through the change path (`changes.py`); this module holds what a
record-shaped request adds: ids as text, the version a change expects, batch outcomes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, and_
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.incidents import added_fields, mapping
from socdesk.incidents.changes import IncidentChanges
from socdesk.incidents.event_repository import EventRepository
from socdesk.incidents.record import IncidentObject
from socdesk.incidents.repository import IncidentRepository
from socdesk.incidents.search import SearchBody, order_by, where_clause
from socdesk.incidents.writes import IncidentChange, NewIncident
from socdesk.kit.errors import Conflict, ErrorDetail, NotFound, ValidationFailed
from socdesk.models import Incident, IncidentEvent
from socdesk.workspaces.scope import WorkspaceScope


def parse_incident_id(text: str, field: str = "incident_id") -> uuid.UUID:
    """The incident id `text` names; 404 for one that cannot name an incident."""
    try:
        return uuid.UUID(text)
    except (ValueError, AttributeError, TypeError):
        raise NotFound(f"{field}: no incident {text!r}") from None


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What a batch did: the ids it acted on, and those it set aside (as sent)."""

    done: list[uuid.UUID]
    refused: list[str]


class IncidentService:
    """Incidents of one workspace as records, for the caller."""

    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.changes = IncidentChanges(session, scope)
        self.incidents = IncidentRepository(session, scope.workspace_id)
        self.events = EventRepository(session, scope.workspace_id)

    async def _load(self, incident_id: uuid.UUID, *, fresh: bool = False) -> Incident:
        row = await self.incidents.get(incident_id, fresh=fresh)
        if row is None:
            raise _no_incident(incident_id)
        return row

    async def create(self, data: IncidentObject) -> Incident:
        """A new incident; every mandatory field must be present and non-empty."""
        (created,) = await self.create_many([data])
        return await self._load(created)

    async def create_many(
        self, objects: Sequence[IncidentObject], *, whole: bool = True
    ) -> list[uuid.UUID]:
        """New incidents in one statement, with their numbers and audit rows; all or none.
        `whole`: as `IncidentChanges.create` takes it (an incident made from alerts is not)."""
        news = [NewIncident(mapping.sent_fields(o)) for o in objects]
        return await self.changes.create(news, whole=whole)

    async def show(self, incident_text: str) -> Row[Any]:
        """The incident's columns; NotFound for an id that names none here."""
        incident_id = parse_incident_id(incident_text)
        row = await self.incidents.row(incident_id)
        if row is None:
            raise _no_incident(incident_id)
        return row

    async def show_many(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Row[Any]]:
        """The incidents `ids` here, as plain rows by id (one read per chunk); ids that name
        none are left out."""
        return await self.incidents.rows(ids)

    async def fresh(self, incident_text: str) -> Incident:
        """The incident as stored now: after a bulk statement (batch change), whose writes the
        session's copy of the row does not know."""
        return await self._load(parse_incident_id(incident_text), fresh=True)

    async def change(self, incident_text: str, data: IncidentObject) -> Incident:
        """Change the attributes sent, if `version` (when sent) is still current."""
        incident_id = parse_incident_id(incident_text)
        rows = await self.changes.lock([incident_id])
        if not rows:
            raise _no_incident(incident_id)
        (row,) = rows
        sent = _sent(data)
        if data.version is not None:
            _check_version(row, data.version)
        await self.changes.apply(
            [row.id], await self.changes.prepare(IncidentChange.of_record(sent))
        )
        await self.session.refresh(row)
        return row

    async def change_unanswered(self, incident_text: str, data: IncidentObject) -> None:
        """`change` for a caller that wants no answer (a workflow action): with no `version` to
        check, the row is locked but neither loaded nor read again after (two statements and
        an ORM row fewer; three, when the statement writing its event locks it)."""
        if data.version is not None:
            await self.change(incident_text, data)
            return
        incident_id = parse_incident_id(incident_text)
        writes = await self.changes.prepare(IncidentChange.of_record(_sent(data)))
        if not await self.changes.lock_and_apply([incident_id], writes):
            raise _no_incident(incident_id)

    async def batch_change(self, batch_ids: Sequence[str], data: IncidentObject) -> list[str]:
        """Apply the same change to every listed incident in one statement, or to none: an
        unknown or foreign id fails the whole batch with 400 naming it."""
        ids, rejected = _unique_ids(batch_ids)
        malformed = [raw for raw, why in rejected if why == "malformed"]
        locked = await self.changes.lock_ids(ids)
        known = set(locked)
        unknown = malformed + [str(i) for i in ids if i not in known]
        if unknown:
            raise ValidationFailed(
                f"batch_ids: {len(unknown)} ids are not incidents of this workspace: "
                + ", ".join(unknown[:10]),
                details=[
                    ErrorDetail("batch_ids", "not an incident here", value=i) for i in unknown
                ],
            )
        sent = mapping.sent_fields(data)
        mapping.refuse_missing(sent, only_sent=True)
        await self.changes.apply(locked, await self.changes.prepare(IncidentChange.of_record(sent)))
        return [str(i) for i in ids]

    async def search(
        self, body: SearchBody, within: ColumnElement[bool] | None = None
    ) -> tuple[Sequence[Row[Any]], int]:
        """The page of incidents the search asks for (their columns; among those `within`
        admits, when given), and how many match."""
        added = await added_fields.added_class(self.session, self.scope)
        where = where_clause(body, added)
        return await self.incidents.offset_page(
            where if within is None else and_(where, within),
            order_by(body, added),
            body.offset,
            body.limit,
        )

    async def batch_delete(self, batch_ids: Sequence[Any] | None) -> BatchResult:
        """Delete the listed incidents of this workspace in one transaction. Malformed, repeated,
        unknown and other workspaces' ids are set aside; the rest are deleted."""
        ids, rejected = _unique_ids(batch_ids or [])
        deleted = await self.changes.delete(ids)
        gone = set(deleted)
        refused = [raw for raw, _why in rejected] + [str(i) for i in ids if i not in gone]
        return BatchResult(deleted, refused)

    async def history(self, incident_text: str) -> Sequence[IncidentEvent]:
        """The incident's audit trail, oldest first; readable after it is deleted."""
        incident_id = parse_incident_id(incident_text)
        events = await self.events.history(incident_id)
        if not events:
            raise _no_incident(incident_id)
        return events


def _no_incident(incident_id: uuid.UUID) -> NotFound:
    return NotFound(f"no incident {incident_id} in this workspace")


def _sent(data: IncidentObject) -> dict[str, Any]:
    """The fields the change sent; 400 for a required one sent empty."""
    sent = mapping.sent_fields(data)
    mapping.refuse_missing(sent, only_sent=True)
    return sent


def _check_version(row: Incident, version: str | int) -> None:
    """409 unless `version` (as the client sent it) is the incident's version."""
    try:
        expected = int(version)
    except ValueError:
        raise ValidationFailed.for_field(
            "data_object.version", "must be a whole number", version
        ) from None
    if expected != row.version:
        raise Conflict(
            f"version: incident {row.id} is at version {row.version}, not {expected}"
            "; read it again and reapply your change"
        )


def _unique_ids(raw_ids: Sequence[Any]) -> tuple[list[uuid.UUID], list[tuple[str, str]]]:
    """The distinct well-formed ids in order, and the others as given, in order, each with why
    it was set aside: "malformed" or "repeated"."""
    ids: list[uuid.UUID] = []
    seen: set[uuid.UUID] = set()
    rejected: list[tuple[str, str]] = []
    for raw in raw_ids:
        try:
            parsed = uuid.UUID(raw) if isinstance(raw, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            rejected.append((str(raw), "malformed"))
        elif parsed in seen:
            rejected.append((str(raw), "repeated"))
        else:
            seen.add(parsed)
            ids.append(parsed)
    return ids, rejected
