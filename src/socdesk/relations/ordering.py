"""Batch-order (SecMaster's create_batch_order_alerts): alerts made into one incident.

The incident is created through the incident change path (incidents/service.py, over
incidents/changes.py) from what the alerts say: the title and type the request gives, the
highest severity among them, the earliest first-observed and the latest last-observed time,
the first alert's data source. Each alert is then closed as converted through the data-object
change path (objects/changes.py, so each change is audited): handle_status `Closed`,
close_reason `Other`, a close_comment naming the incident, and `incident_id` set to it, which
links it (relations/). All in the request's one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.classes.registry import ALERT, INCIDENT
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
from socdesk.relations.service import LinkOutcome, LinkService
from socdesk.workspaces.scope import WorkspaceScope

# Each alert is changed through the audited change path, one UPDATE and event each: batch-order
# is an analyst's act on a handful of alerts, not a bulk load.
MAX_ORDERED = 500
CLOSED = "Closed"


@dataclass(frozen=True, slots=True)
class OrderContent:
    """The incident the alerts become: its title and type (SecMaster's incident_content)."""

    title: str
    category: str | None
    incident_type: str | None


class AlertOrdering:
    """Batch-order in one workspace, by the caller."""

    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.objects = DataObjectRepository(session, scope.workspace_id)

    async def order(self, raw_ids: Sequence[Any], content: OrderContent) -> LinkOutcome:
        """One incident from the open alerts `raw_ids`, each linked to it and closed; ids that
        are not open alerts of this workspace (malformed, unknown, another's, closed) are
        error ids, and with none left no incident is made."""
        if len(raw_ids) > MAX_ORDERED:
            raise ValidationFailed.for_field("ids", f"at most {MAX_ORDERED} alerts an order")
        ids, refused = unique_ids(raw_ids)
        alerts = await self._open_alerts(ids)
        found = {row.id for row in alerts}
        errors = refused + [str(i) for i in ids if i not in found]
        if not alerts:
            return LinkOutcome([], errors)
        incident_id = await self._incident(alerts, content)
        alert_class = await DataClassService(self.session, self.scope).find(ALERT.id)
        changes = ObjectChanges(self.session, self.scope)
        now_text = format_time(utcnow())
        batch = Batch(name="batch-order", type="Incident")
        for row in alerts:
            closed = {
                **row.data_object,
                "handle_status": CLOSED,
                "close_reason": "Other",
                "close_comment": f"Converted to incident {incident_id}",
                "close_time": now_text,
                "incident_id": str(incident_id),
            }
            await changes.change(alert_class, row, closed, batch)
        links = LinkService(self.session, self.scope)
        incident_end = (uuid.UUID(INCIDENT.id), incident_id)
        await links.write([(incident_end, (row.class_id, row.id)) for row in alerts])
        return LinkOutcome([str(i) for i in ids if i in found], errors)

    async def _open_alerts(self, ids: Sequence[uuid.UUID]) -> list[DataObject]:
        """The alerts `ids` of this workspace not closed yet, locked and fresh, in id order."""
        locked = await self.objects.lock_of_class(uuid.UUID(ALERT.id), ids)
        rows = await self.objects.scalars_in_chunks(
            self.objects.select().execution_options(populate_existing=True),
            DataObject.id,
            locked,
        )
        return sorted((r for r in rows if r.status != CLOSED), key=lambda r: r.id)

    async def _incident(self, alerts: Sequence[DataObject], content: OrderContent) -> uuid.UUID:
        documents = [row.data_object for row in alerts]
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
        data: dict[str, Any] = {
            "title": content.title,
            "description": f"Made from {len(documents)} alerts: {titles}"[:4000],
            "incident_type": {
                "category": content.category,
                "incident_type": content.incident_type,
            },
            "severity": severity,
            "handle_status": "Open",
            "data_source": _data_source(documents[0].get("data_source")),
            "first_observed_time": format_time(min(first_seen)) if first_seen else None,
            "last_observed_time": format_time(max(last_seen)) if last_seen else None,
        }
        record = IncidentObject.model_validate({k: v for k, v in data.items() if v is not None})
        (created,) = await IncidentService(self.session, self.scope).create_many([record])
        return created


def _data_source(raw: Any) -> dict[str, Any] | None:
    """The alert's data source as far as an incident's has the same fields."""
    if not isinstance(raw, dict):
        return None
    return {k: v for k, v in raw.items() if k in DataSource.model_fields}
