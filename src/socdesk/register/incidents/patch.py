"""Register PATCH: one change applied to many incidents in a handful of statements, all or none.

The incident rows are locked (in id order) before anything is written, so two PATCHes over
overlapping ids run one after the other for those incidents: each incident ends in a state one
of them wrote, tags and threat objectives included.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, false, func, not_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.incidents import mapping
from socdesk.incidents.repository import chunks
from socdesk.incidents.service import IncidentService
from socdesk.incidents.sources import SourceService
from socdesk.kit.bulk import bulk_insert
from socdesk.kit.clock import format_time, utcnow
from socdesk.kit.errors import ErrorDetail, Problems, ValidationFailed
from socdesk.models import (
    Incident,
    IncidentAction,
    IncidentTag,
    IncidentThreatObjective,
    Membership,
    Status,
    User,
)
from socdesk.register.incidents import ids as incident_ids
from socdesk.register.incidents.rows import SEVERITY_OF, STATUS_OF, RowReader
from socdesk.register.incidents.schemas import (
    NOT_NULLABLE,
    IncidentPatch,
    RegisterStatus,
    TagOperation,
    ThreatObjectiveLink,
)
from socdesk.workspaces.scope import WorkspaceScope

EDITABLE = frozenset(IncidentPatch.model_fields) - {"tag_operation"}
# Register field → incident column, where the value is stored as sent.
PLAIN_COLUMNS = {
    "title": "title",
    "severity_reasoning": "severity_reasoning",
    "occurred_date": "first_observed_time",
    "detected_date": "arrive_time",
    "responded_date": "responded_time",
    "contained_date": "contained_time",
}

# Incident column → the field its audit change is recorded under.
AUDITED_COLUMNS = {
    "title": "title",
    "description": "description",
    "first_observed_time": "first_observed_time",
    "arrive_time": "arrive_time",
    "owner": "owner",
    "responded_time": "responded_date",
    "contained_time": "contained_date",
    "severity_reasoning": "severity_reasoning",
}


def _check_shape(change: IncidentPatch, fields: set[str]) -> None:
    """400 for a change that cannot apply to any incident, before any id is looked up."""
    if not fields:
        raise ValidationFailed(
            "the payload changes nothing: send at least one of " + ", ".join(sorted(EDITABLE))
        )
    problems = Problems()
    cleared = [name for name in NOT_NULLABLE if name in fields and getattr(change, name) is None]
    if cleared:
        problems.failures.append(
            ValidationFailed(
                "every incident has " + ", ".join(cleared) + ": they cannot be null",
                details=[ErrorDetail(name, "cannot be null") for name in cleared],
            )
        )
    if change.tag_operation is not None and "tags" not in fields:
        problems.failures.append(
            ValidationFailed.for_field("tag_operation", "says how to apply tags: send tags too")
        )
    problems.raise_any()


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def link_key(link: ThreatObjectiveLink | IncidentThreatObjective) -> tuple[str, str | None]:
    """A threat objective relation's identity: the objective and its relevance, not the date."""
    relevance = link.relevance
    return str(link.threat_objective), str(relevance) if relevance is not None else None


class RegisterPatch:
    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.incidents = IncidentService(session, scope)
        self.repo = self.incidents.repo
        self.reader = RowReader(session, scope.workspace_id, scope.project.id)

    async def apply(self, id_texts: Sequence[str], change: IncidentPatch) -> list[uuid.UUID]:
        """Apply `change` to the incidents named (INC-00001 or UUID); their UUIDs, in order.
        400 if the change is invalid, 404 if any id is unknown; then nothing is written."""
        fields = change.model_fields_set & EDITABLE
        _check_shape(change, fields)
        now = utcnow()
        values = await self._column_values(change, fields, now)
        ids = await incident_ids.resolve(self.session, self.scope.workspace_id, id_texts)
        before = {row.id: row for row in await self.repo.lock_existing(ids)}
        changes: dict[uuid.UUID, dict[str, Any]] = {
            i: self._column_changes(before[i], change, values) for i in ids
        }
        if "tags" in fields:
            await self.apply_tags(ids, change.tags or [], change.tag_operation, changes)
        if "threat_objectives" in fields:
            await self.apply_objectives(ids, change.threat_objectives or [], now, changes)
        await self.repo.update_many(ids, values)
        await self.repo.add_events(
            self.incidents.audit_event(i, IncidentAction.update, changes[i], at=now) for i in ids
        )
        return ids

    async def _column_values(
        self, change: IncidentPatch, fields: set[str], now: datetime
    ) -> dict[str, Any]:
        """The incident columns the change writes, the same for every incident."""
        values: dict[str, Any] = {
            column: getattr(change, name)
            for name, column in PLAIN_COLUMNS.items()
            if name in fields
        }
        values.update(update_time=now, updated_by_id=self.scope.user.id)
        if "description" in fields:
            values["description"] = change.description or ""
        if change.severity is not None:
            values["severity"] = int(SEVERITY_OF[change.severity])
        if change.status is not None:
            values.update(_status_values(change.status, now))
        problems = Problems()
        if "source" in fields:
            with problems.check():
                source = await self.known_source(change.source)
                values["product_name"] = source
                values["document"] = self.repo.document_with(
                    ("data_source", "product_name"), source
                )
        if "assigned_to" in fields:
            with problems.check():
                values["owner"] = await self.assignee_email(change.assigned_to)
        problems.raise_any()
        return values

    async def known_source(self, name: str | None) -> str:
        """The source's name as the project spells it; "" clears it."""
        if name is None:
            return ""
        source = await SourceService(self.session, self.scope.project.id).named(name)
        if source is None:
            raise ValidationFailed.for_field(
                "source", "is not one of this project's sources (GET /v1/sources)", name
            )
        return source.name

    async def assignee_email(self, user_id: uuid.UUID | None) -> str | None:
        if user_id is None:
            return None
        email = await self.session.scalar(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(
                User.id == user_id,
                User.project_id == self.scope.project.id,
                User.is_active.is_(True),
                Membership.workspace_id == self.scope.workspace_id,
            )
        )
        if email is None:
            raise ValidationFailed.for_field(
                "assigned_to", "is not an active member of this workspace", str(user_id)
            )
        return email

    def _column_changes(
        self, row: Incident, change: IncidentPatch, values: dict[str, Any]
    ) -> dict[str, Any]:
        """The audit changes of one incident, in SecMaster's field names where SecMaster shows
        the fact and in the register's where only the register does."""
        changes: dict[str, Any] = {}

        def note(field: str, old: Any, new: Any) -> None:
            old, new = plain(old), plain(new)
            if old != new:
                changes[field] = {"before": old, "after": new}

        for column, field in AUDITED_COLUMNS.items():
            if column in values:
                note(field, getattr(row, column), values[column])
        if "severity" in values:
            note(
                "severity",
                mapping.NAME_BY_SEVERITY[row.severity],
                mapping.NAME_BY_SEVERITY[values["severity"]],
            )
        if change.status is not None:
            old = Status(row.status)
            new = _status_after(change.status, old)
            note("status", old.value, new.value)
            note("handle_status", mapping.HANDLE_STATUS_OF[old], mapping.HANDLE_STATUS_OF[new])
        if "product_name" in values:
            note("data_source.product_name", row.product_name, values["product_name"])
        return changes

    async def apply_tags(
        self,
        ids: Sequence[uuid.UUID],
        tags: Sequence[str],
        operation: TagOperation | None,
        changes: dict[uuid.UUID, dict[str, Any]],
    ) -> None:
        """Add, remove or replace tags: one DELETE and one INSERT per chunk of incidents."""
        wanted = _unique(tags)
        wanted_set = set(wanted)
        operation = operation or TagOperation.replace_
        current = await self.reader.tags(ids)
        doomed: ColumnElement[bool] | None = None
        if operation is TagOperation.replace_:
            doomed = IncidentTag.content.not_in(wanted) if wanted else true()
        elif operation is TagOperation.remove and wanted:
            doomed = IncidentTag.content.in_(wanted)
        new_rows: list[dict[str, Any]] = []
        for incident_id in ids:
            had = [tag.content for tag in current.get(incident_id, [])]
            had_set = set(had)
            if operation is TagOperation.remove:
                kept = [t for t in had if t not in wanted_set]
            elif operation is TagOperation.add:
                kept = had + [t for t in wanted if t not in had_set]
            else:
                kept = wanted
            new_rows += [self._tag_row(incident_id, t) for t in kept if t not in had_set]
            if had_set != set(kept):
                changes[incident_id]["tags"] = {"before": sorted(had), "after": sorted(kept)}
        if doomed is not None:
            for part in chunks(ids):
                await self.session.execute(
                    delete(IncidentTag).where(
                        IncidentTag.workspace_id == self.scope.workspace_id,
                        IncidentTag.incident_id.in_(part),
                        doomed,
                    )
                )
        await bulk_insert(self.session, IncidentTag, new_rows)

    def _tag_row(self, incident_id: uuid.UUID, content: str) -> dict[str, Any]:
        return {
            "id": uuid.uuid4(),
            "workspace_id": self.scope.workspace_id,
            "incident_id": incident_id,
            "content": content,
            "creator_id": self.scope.user.id,
            "org_id": self.scope.project.id,
        }

    async def apply_objectives(
        self,
        ids: Sequence[uuid.UUID],
        links: Sequence[ThreatObjectiveLink],
        now: datetime,
        changes: dict[uuid.UUID, dict[str, Any]],
    ) -> None:
        """Replace the threat objectives. A relation that is unchanged (same objective and
        relevance) keeps its row and its created_date; the others are deleted or inserted."""
        wanted = {link_key(link) for link in links}
        current = await self.reader.threat_objectives(ids)
        table = IncidentThreatObjective
        unchanged = or_(
            false(),
            *(
                and_(table.threat_objective == o, table.relevance.is_not_distinct_from(r))
                for o, r in wanted
            ),
        )
        for part in chunks(ids):
            await self.session.execute(
                delete(table).where(
                    table.workspace_id == self.scope.workspace_id,
                    table.incident_id.in_(part),
                    not_(unchanged),
                )
            )
        new_rows: list[dict[str, Any]] = []
        for incident_id in ids:
            had = {link_key(link) for link in current.get(incident_id, [])}
            new_rows += [
                {
                    "workspace_id": self.scope.workspace_id,
                    "incident_id": incident_id,
                    "threat_objective": objective,
                    "relevance": relevance,
                    "created_date": now,
                }
                for objective, relevance in sorted(wanted - had)
            ]
            if had != wanted:
                changes[incident_id]["threat_objectives"] = {
                    "before": objective_list(had),
                    "after": objective_list(wanted),
                }
        await bulk_insert(self.session, table, new_rows)


def objective_list(keys: set[tuple[str, str | None]]) -> list[dict[str, str | None]]:
    return [{"threat_objective": o, "relevance": r} for o, r in sorted(keys)]


def _status_after(status: RegisterStatus, current: Status) -> Status:
    """In Progress leaves a blocked incident blocked: the register shows blocked as In
    Progress, so writing what it shows must not unblock it."""
    wanted = STATUS_OF[status]
    return current if wanted is Status.in_progress and current is Status.blocked else wanted


def _status_values(status: RegisterStatus, now: datetime) -> dict[str, Any]:
    wanted = STATUS_OF[status]
    if wanted is Status.closed:
        return {"status": wanted.value, "close_time": func.coalesce(Incident.close_time, now)}
    values: dict[str, Any] = {"status": wanted.value, "close_time": None}
    if wanted is Status.in_progress:
        values["status"] = case(
            (Incident.status == Status.blocked.value, Status.blocked.value),
            else_=Status.in_progress.value,
        )
    return values


def plain(value: Any) -> Any:
    return format_time(value) if isinstance(value, datetime) else value
