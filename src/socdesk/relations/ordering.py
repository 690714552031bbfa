"""Batch-order (SecMaster's create_batch_order_alerts): alerts made into one incident.

The incident is created through the incident change path (incidents/service.py, over
incidents/changes.py) from what the alerts say: the title and type the request gives, the
highest severity among them, the earliest first-observed and the latest last-observed time,
the first alert's data source. The alerts are then closed as converted through the data-object
change path (objects/changes.py `set_fields`, each change audited): handle_status `Closed`,
close_reason `Other`, a close_comment naming the incident, and `incident_id` set to it, which
links them to it. All in the request's one transaction, set-based: a step is one statement
for the whole id list (per chunk of 5,000 ids), never one per alert."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.classes.registry import ALERT
from socdesk.classes.service import DataClassService
from socdesk.classes.values import SEVERITIES
from socdesk.incidents.record import DataSource, IncidentObject
from socdesk.incidents.service import IncidentService
from socdesk.kit.clock import format_time, parse_time, utcnow
from socdesk.kit.errors import ValidationFailed
from socdesk.models import DataObject
from socdesk.objects.changes import Batch, ObjectChanges
from socdesk.objects.repository import DataObjectRepository
from socdesk.objects.service import unique_ids
from socdesk.relations.service import LinkOutcome
from socdesk.workspaces.scope import WorkspaceScope

# The most ids one order may list, whatever SOCDESK_ALERTS_ORDER_MAX_IDS says (its ceiling).
MAX_ORDERED = 100_000
CLOSED = "Closed"


@dataclass(frozen=True, slots=True)
class OrderContent:
    """The incident the alerts become: its title and type (SecMaster's incident_content). A
    type left None is the first alert's `alert_type` (a workflow's batch_order need not name
    one; the route's body always does)."""

    title: str
    category: str | None
    incident_type: str | None


class AlertOrdering:
    """Batch-order in one workspace, by the caller."""

    def __init__(self, session: AsyncSession, scope: WorkspaceScope, max_ids: int = 10_000) -> None:
        self.session = session
        self.scope = scope
        self.max_ids = min(max_ids, MAX_ORDERED)
        self.objects = DataObjectRepository(session, scope.workspace_id)

    async def order(self, raw_ids: Sequence[Any], content: OrderContent) -> LinkOutcome:
        """One incident from the open alerts `raw_ids`, each linked to it and closed; ids that
        are not open alerts of this workspace (malformed, unknown, another's, closed) are
        error ids, and with none left no incident is made."""
        if len(raw_ids) > self.max_ids:
            raise ValidationFailed.for_field(
                "ids", f"at most {self.max_ids} alerts an order", len(raw_ids)
            )
        ids, refused = unique_ids(raw_ids)
        alerts = await self._open_alerts(ids)
        found = {alert_id for alert_id, _document in alerts}
        errors = refused + [str(i) for i in ids if i not in found]
        if not alerts:
            return LinkOutcome([], errors)
        incident_id = await self._incident([document for _id, document in alerts], content)
        alert_class = await DataClassService(self.session, self.scope).find(ALERT.id)
        closed = {
            "handle_status": CLOSED,
            "close_reason": "Other",
            "close_comment": f"Converted to incident {incident_id}",
            "close_time": format_time(utcnow()),
            "incident_id": str(incident_id),
        }
        batch = Batch(name="batch-order", type="Incident")
        await ObjectChanges(self.session, self.scope).set_fields(
            alert_class, sorted(found), closed, batch
        )
        return LinkOutcome([str(i) for i in ids if i in found], errors)

    async def _open_alerts(self, ids: Sequence[uuid.UUID]) -> list[tuple[uuid.UUID, Any]]:
        """(id, document) of the alerts `ids` of this workspace not closed yet, locked, in id
        order: one locking SELECT and one read per chunk."""
        locked = await self.objects.lock_of_class(uuid.UUID(ALERT.id), ids)
        statement = self.objects.select(DataObject.id, DataObject.data_object).where(
            or_(DataObject.status.is_(None), DataObject.status != CLOSED)
        )
        rows = await self.objects.in_chunks(statement, DataObject.id, locked)
        return sorted(((row[0], row[1]) for row in rows), key=lambda row: row[0])

    async def _incident(
        self, documents: Sequence[dict[str, Any]], content: OrderContent
    ) -> uuid.UUID:
        severity = max(
            (str(d["severity"]) for d in documents if d.get("severity") in SEVERITIES),
            key=SEVERITIES.index,
            default="Medium",
        )
        first_seen = [
            parse_time(d["first_observed_time"]) for d in documents if d.get("first_observed_time")
        ]
        last_seen = [
            parse_time(seen)
            for d in documents
            if (seen := d.get("last_observed_time") or d.get("first_observed_time"))
        ]
        titles = "; ".join(str(d.get("title", "")) for d in documents[:20])
        alert_type = documents[0].get("alert_type")
        alert_type = alert_type if isinstance(alert_type, dict) else {}
        data: dict[str, Any] = {
            "title": content.title,
            "description": f"Made from {len(documents)} alerts: {titles}"[:4000],
            "incident_type": {
                "category": content.category or alert_type.get("category"),
                "incident_type": content.incident_type or alert_type.get("alert_type"),
            },
            "severity": severity,
            "handle_status": "Open",
            "data_source": _data_source(documents[0].get("data_source")),
            "first_observed_time": format_time(min(first_seen)) if first_seen else None,
            "last_observed_time": format_time(max(last_seen)) if last_seen else None,
        }
        record = IncidentObject.model_validate({k: v for k, v in data.items() if v is not None})
        (created,) = await IncidentService(self.session, self.scope).create_many(
            [record], whole=False
        )
        return created


def _data_source(raw: Any) -> dict[str, Any] | None:
    """The alert's data source as far as an incident's has the same fields."""
    if not isinstance(raw, dict):
        return None
    return {k: v for k, v in raw.items() if k in DataSource.model_fields}
