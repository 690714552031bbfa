"""Incident rules: what a create needs, how a change is applied and audited, batch outcomes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.incidents import mapping
from socdesk.incidents.catalog import (
    INCIDENT_DATACLASS_ID,
    INCIDENT_DATACLASS_NAME,
    REQUIRED_ON_CREATE,
)
from socdesk.incidents.new_rows import NewIncidentRows, as_dict
from socdesk.incidents.record import IncidentObject
from socdesk.incidents.repository import IncidentRepository
from socdesk.incidents.search import SearchBody, order_by, where_clause
from socdesk.kit.clock import format_time, utcnow
from socdesk.kit.errors import Conflict, ErrorDetail, NotFound, ValidationFailed
from socdesk.kit.ids import hex_id
from socdesk.kit.logs import current_request_id
from socdesk.models import Incident, IncidentAction, Status
from socdesk.secmaster.incidents.schemas import (
    BatchOutcome,
    DataclassRef,
    HistoryChange,
    HistoryEvent,
    IncidentDetail,
)
from socdesk.workspaces.scope import WorkspaceScope


def _require(sent: dict[str, Any], *, only_sent: bool = False) -> None:
    """400 naming every mandatory field that is absent, null or empty. On a change
    (`only_sent`), only the mandatory fields the client wrote must not be emptied."""
    keys = None
    if only_sent:
        keys = frozenset(k for k in REQUIRED_ON_CREATE if k.split(".")[0] in sent)
    missing = mapping.missing_required(sent, keys)
    if missing:
        raise ValidationFailed(
            "required fields are missing or empty: "
            + ", ".join(f"data_object.{k}" for k in missing),
            details=[ErrorDetail(f"data_object.{k}", "required") for k in missing],
        )


def parse_incident_id(text: str, field: str = "incident_id") -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except (ValueError, AttributeError, TypeError):
        raise NotFound(f"{field}: no incident {text!r}") from None


class IncidentService:
    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.repo = IncidentRepository(session, scope.workspace_id)
        self.project_hex = hex_id(scope.project.id)

    def detail(self, row: Incident) -> IncidentDetail:
        return IncidentDetail(
            id=str(row.id),
            project_id=self.project_hex,
            workspace_id=str(row.workspace_id),
            create_time=format_time(row.create_time),
            update_time=format_time(row.update_time),
            version=row.version,
            format_version=1,
            dataclass_ref=DataclassRef(id=INCIDENT_DATACLASS_ID, name=INCIDENT_DATACLASS_NAME),
            type=INCIDENT_DATACLASS_NAME,
            data_object=mapping.data_object(row, self.project_hex),
        )

    def audit_event(
        self,
        incident_id: uuid.UUID,
        action: IncidentAction,
        changes: dict[str, Any],
        snapshot: dict[str, Any] | None = None,
        source: str | None = None,
        at: datetime | None = None,
    ) -> dict[str, Any]:
        """An audit row for `incident_id`; `at` is the change's time (now when not given), so
        the event and the incident's update_time can agree."""
        return {
            "incident_id": incident_id,
            "action": action.value,
            "actor_id": self.scope.user.id,
            "actor_email": self.scope.user.email,
            "request_id": current_request_id.get(),
            "at": at or utcnow(),
            "changes": changes,
            "snapshot": snapshot,
            "source": source,
        }

    async def _load(self, incident_id: uuid.UUID) -> Incident:
        row = await self.repo.get(incident_id)
        if row is None:
            raise NotFound(f"no incident {incident_id} in this workspace")
        return row

    async def create(self, data: IncidentObject) -> IncidentDetail:
        """A new incident; every mandatory field must be present and non-empty."""
        (created,) = await self.create_many([data])
        return self.detail(await self._load(created))

    async def create_many(
        self,
        objects: Sequence[IncidentObject],
        *,
        ids: Sequence[uuid.UUID | None] | None = None,
        action: IncidentAction = IncidentAction.create,
        source: str | None = None,
        extra_columns: dict[str, Any] | None = None,
        extra_changes: dict[str, Any] | None = None,
    ) -> list[uuid.UUID]:
        """New incidents in one statement, with their numbers and audit rows; all or none.
        `ids` gives ids chosen by the caller (already checked to be new), None for fresh ones;
        `extra_columns` sets columns no data_object field fills (the register's facts) on every row,
        and `extra_changes` adds them to each create event.
        A create's event lists every field written; an import's names only the file (`source`),
        and the database writes those events itself."""
        now = utcnow()
        numbers = await self.repo.allocate_numbers(len(objects)) if objects else range(0)
        chosen = ids or [None] * len(objects)
        made = [
            self._new_row(data, number, now, given)
            for data, number, given in zip(objects, numbers, chosen, strict=True)
        ]
        rows = [{**row, **extra_columns} if extra_columns else row for row, _ in made]
        await self.repo.insert(rows)
        created: list[uuid.UUID] = [row["id"] for row in rows]
        if source and created:
            # An import's events differ only by incident: the database writes them.
            event = self.audit_event(created[0], action, {}, None, source)
            await self.repo.add_same_event(created, event)
        else:
            await self.repo.add_events(
                self.audit_event(
                    row["id"], action, {**mapping.creation_changes(sent), **(extra_changes or {})}
                )
                for row, sent in made
            )
        return created

    def _new_row(
        self, data: IncidentObject, number: int, now: datetime, given: uuid.UUID | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The row for a new incident (every column named) and the fields the client sent."""
        sent = mapping.sent_fields(data)
        _require(sent)
        row = NewIncidentRows(self.scope, now).build(sent, number, given or uuid.uuid4())
        return as_dict(row), sent

    async def show(self, incident_text: str) -> IncidentDetail:
        return self.detail(await self._load(parse_incident_id(incident_text)))

    async def fresh_detail(self, incident_text: str) -> IncidentDetail:
        """The incident as stored now: after a bulk statement (batch change), whose writes the
        session's copy of the row does not know."""
        row = await self._load(parse_incident_id(incident_text))
        await self.session.refresh(row)
        return self.detail(row)

    def _change_values(self, sent: dict[str, Any], current: Status | None) -> dict[str, Any]:
        values = mapping.column_values(sent, current)
        values["update_time"] = utcnow()
        values["updated_by_id"] = self.scope.user.id
        if "close_time" not in sent and "status" in values:
            values["close_time"] = (
                values["update_time"] if values["status"] is Status.closed else None
            )
        return values

    async def change(self, incident_text: str, data: IncidentObject) -> IncidentDetail:
        """Change the attributes sent, if `version` (when sent) is still current."""
        incident_id = parse_incident_id(incident_text)
        row = await self._load(incident_id)
        sent = mapping.sent_fields(data)
        _require(sent, only_sent=True)
        expected = row.version
        if data.version is not None:
            try:
                expected = int(data.version)
            except ValueError:
                raise ValidationFailed.for_field(
                    "data_object.version", "must be a whole number", data.version
                ) from None
            if expected != row.version:
                raise Conflict(
                    f"version: incident {incident_id} is at version {row.version}, not {expected}"
                    "; read it again and reapply your change"
                )
        before = mapping.data_object(row, self.project_hex)
        values = self._change_values(sent, Status(row.status))
        if row.status == Status.closed and values.get("status") is Status.closed:
            values.pop("close_time", None)  # closing a closed incident keeps its close time
        values["document"] = {**row.document, **mapping.document_values(sent)}
        if not await self.repo.update_one(incident_id, expected, values):
            raise Conflict(f"version: incident {incident_id} changed meanwhile; read it again")
        await self.session.refresh(row)
        detail = self.detail(row)
        changes = mapping.changes_between(before, detail.data_object)
        await self.repo.add_events([self.audit_event(incident_id, IncidentAction.update, changes)])
        return detail

    async def batch_change(self, batch_ids: Sequence[str], data: IncidentObject) -> list[str]:
        """Apply the same change to every listed incident in one statement, or to none: an
        unknown or foreign id fails the whole batch with 400 naming it."""
        ids, rejected = _unique_ids(batch_ids)
        malformed = [raw for raw, why in rejected if why == "malformed"]
        rows = await self.repo.lock(ids)  # the audit reads what it changes
        known = {row.id for row in rows}
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
        _require(sent, only_sent=True)
        values = self._change_values(sent, None)
        if "handle_status" in sent and sent["handle_status"] == "Open":
            # Open reopens blocked and closed incidents and leaves open ones as they are.
            values["status"] = case(
                (Incident.status.in_([Status.blocked, Status.closed]), Status.in_progress.value),
                else_=Incident.status,
            )
        if values.get("status") is Status.closed and "close_time" not in sent:
            values["close_time"] = func.coalesce(Incident.close_time, values["update_time"])
        patch = mapping.document_values(sent)
        values["document"] = self.repo.merged_document(patch)
        await self.repo.update_many(ids, values)
        now = format_time(values["update_time"])
        events = []
        for row in rows:
            before = mapping.data_object(row, self.project_hex)
            after = _applied(before, sent, now)
            events.append(
                self.audit_event(
                    row.id, IncidentAction.update, mapping.changes_between(before, after)
                )
            )
        await self.repo.add_events(events)
        return [str(i) for i in ids]

    async def search(self, body: SearchBody) -> tuple[list[IncidentDetail], int]:
        rows, total = await self.repo.page(
            where_clause(body), order_by(body), body.offset, body.limit
        )
        return [self.detail(row) for row in rows], total

    async def batch_delete(self, batch_ids: Sequence[Any] | None) -> BatchOutcome:
        """Delete the listed incidents of this workspace in one transaction. Malformed, repeated,
        unknown and other workspaces' ids are reported in `error_ids`; the rest are deleted."""
        ids, rejected = _unique_ids(batch_ids or [])
        errors = [raw for raw, _why in rejected]
        rows = await self.repo.lock(ids)  # the snapshots are what it deletes
        found = {row.id: row for row in rows}
        doomed = [i for i in ids if i in found]
        errors += [str(i) for i in ids if i not in found]
        await self.repo.add_events(
            self.audit_event(
                i, IncidentAction.delete, {}, mapping.data_object(found[i], self.project_hex)
            )
            for i in doomed
        )
        await self.repo.delete(doomed)
        return BatchOutcome(success_ids=[str(i) for i in doomed], error_ids=errors)

    async def history(self, incident_text: str) -> list[HistoryEvent]:
        """The incident's audit trail, oldest first; readable after it is deleted."""
        incident_id = parse_incident_id(incident_text)
        events = await self.repo.history(incident_id)
        if not events:
            raise NotFound(f"no incident {incident_id} in this workspace")
        return [
            HistoryEvent(
                id=e.id,
                action=e.action,
                time=format_time(e.at),
                actor_id=e.actor_id,
                actor=e.actor_email,
                request_id=e.request_id,
                source=e.source,
                changes=[
                    HistoryChange(field=k, before=v["before"], after=v["after"])
                    for k, v in e.changes.items()
                ],
                snapshot=e.snapshot,
            )
            for e in events
        ]


def _applied(before: dict[str, Any], sent: dict[str, Any], now: str) -> dict[str, Any]:
    """The data_object a batch change leaves behind, worked out without reading it back."""
    after = {**before, **{k: v for k, v in sent.items() if v is not None}}
    for key in (k for k, v in sent.items() if v is None):
        after.pop(key, None)
    status = sent.get("handle_status")
    if status == "Open":
        after["handle_status"] = "Open"
    if status and "close_time" not in sent:
        if status == "Closed":
            after["close_time"] = before.get("close_time") or now
        else:
            after.pop("close_time", None)
    return after


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
