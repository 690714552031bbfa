"""The audit trail's view of an incident, the diff between two views, and the event rows.

Every event's `changes` is computed one way: the view of the incident before the write and the
view after it, diffed by `changes_between` (a create diffs from nothing; a change views only
the attributes that differ, `state_changes`). Both dialects' writes
read the same: SecMaster field names for the facts SecMaster shows, a nested object's fields one
by one (`data_source.product_name`), register names for the rest (`status` as the canonical
value, `severity_reasoning`, `responded_date`, `contained_date`, `tags`, `threat_objectives`,
`risk_associations`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from socdesk.incidents import mapping
from socdesk.kit.clock import format_time, utcnow
from socdesk.kit.logs import current_request_id
from socdesk.models import IncidentAction
from socdesk.workspaces.scope import WorkspaceScope

# Register facts SecMaster does not show: column → the field the audit names it.
REGISTER_FACTS = {
    "severity_reasoning": "severity_reasoning",
    "responded_time": "responded_date",
    "contained_time": "contained_date",
}
# What a view reads of an incident: its document and these columns (what an after-state holds).
VIEWED_COLUMNS = (*mapping.SCALAR_COLUMNS, "severity", "status", *REGISTER_FACTS)
VIEWED = ("document", *VIEWED_COLUMNS)


def state_of(row: Any) -> SimpleNamespace:
    """The incident's viewed attributes, read once into a plain object (the views and the
    after-state then read them without the ORM's attribute machinery)."""
    return SimpleNamespace(**{name: getattr(row, name) for name in VIEWED})


def plain(value: Any) -> Any:
    """A value as the audit stores it (JSON): times in SOCdesk's one form."""
    return format_time(value) if isinstance(value, datetime) else value


def attribute_view(name: str, value: Any) -> dict[str, Any]:
    """The audit fields that one viewed attribute of an incident stands for; none for an empty
    one. Two attributes never share a field, so a view is the union of its attributes'."""
    if name == "document":
        view: dict[str, Any] = {}
        for key, inner in value.items():
            if type(inner) is dict:
                for child, leaf in inner.items():
                    view[f"{key}.{child}"] = leaf
            elif inner is not None:
                view[key] = inner
        return view
    if value is None:
        return {}
    if name == "severity":
        return {"severity": mapping.NAME_BY_SEVERITY[value]}
    if name == "status":
        return {"status": str(value), "handle_status": mapping.HANDLE_STATUS_OF[value]}
    return {REGISTER_FACTS.get(name, name): plain(value)}


def audit_view(state: Any, related: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The incident `state` (an Incident, or anything with its `VIEWED` attributes) as its
    audit trail names it; `related` adds the tags, threat objectives or risks a write touched."""
    view: dict[str, Any] = {}
    for name in VIEWED:
        view.update(attribute_view(name, getattr(state, name)))
    if related:
        view.update(related)
    return view


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """{field: {before, after}} for each field whose value differs, by field name."""
    return {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def state_changes(
    before: Any, after: Any, related: Mapping[str, tuple[Any, Any]] | None = None
) -> dict[str, Any]:
    """`changes_between` the views of two states of an incident (and of `related`: each
    relation's (before, after)), viewing only the attributes that differ: a write touches a
    few of them, and an unchanged attribute's fields cannot differ."""
    changes: dict[str, Any] = {}
    for name in VIEWED:
        old, new = getattr(before, name), getattr(after, name)
        if old is not new and old != new:
            changes.update(changes_between(attribute_view(name, old), attribute_view(name, new)))
    for key, (old, new) in (related or {}).items():
        if old != new:
            changes[key] = {"before": old, "after": new}
    return dict(sorted(changes.items()))


def creation_changes(view: Mapping[str, Any]) -> dict[str, Any]:
    """A create's changes: every field written, from nothing (an empty list is nothing)."""
    return changes_between({}, {k: v for k, v in view.items() if v is not None and v != []})


def event_row(
    scope: WorkspaceScope,
    incident_id: uuid.UUID,
    action: IncidentAction,
    changes: dict[str, Any],
    *,
    snapshot: dict[str, Any] | None = None,
    source: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """An audit row for `incident_id` by the caller, in the request; `at` is the write's time
    (now when not given), so the event and the incident's update_time agree."""
    return {
        "incident_id": incident_id,
        "action": action.value,
        "actor_id": scope.user.id,
        "actor_email": scope.user.email,
        "request_id": current_request_id.get(),
        "at": at or utcnow(),
        "changes": changes,
        "snapshot": snapshot,
        "source": source,
    }
