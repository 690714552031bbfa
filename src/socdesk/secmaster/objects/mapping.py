"""From the domain's data objects to SecMaster's response bodies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from socdesk.kit.clock import format_time
from socdesk.kit.ids import hex_id
from socdesk.models import DataObjectEvent
from socdesk.objects.service import Created, ObjectRecord
from socdesk.secmaster.incidents.mapping import history_event
from socdesk.secmaster.incidents.schemas import DataclassRef, HistoryEvent
from socdesk.secmaster.objects.schemas import ObjectDetail
from socdesk.workspaces.scope import WorkspaceScope


def detail(record: ObjectRecord, scope: WorkspaceScope) -> ObjectDetail:
    return ObjectDetail(**detail_fields(record, scope))


def detail_fields(record: ObjectRecord, scope: WorkspaceScope) -> dict[str, Any]:
    """ObjectDetail's fields, for a model that extends it (built at once, not copied from an
    ObjectDetail)."""
    data_class = record.data_class
    return {
        "id": str(record.id),
        "project_id": hex_id(scope.project.id),
        "workspace_id": str(scope.workspace_id),
        "create_time": format_time(record.create_time),
        "update_time": format_time(record.update_time),
        "version": record.version,
        "format_version": 1,
        "dataclass_ref": DataclassRef(id=data_class.id, name=data_class.name),
        "type": record.origin,
        "data_object": record.data_object,
    }


_JSON = msgspec.json.Encoder()


def created_array(items: Sequence[Created]) -> bytes:
    """The bare array `[{id, event_id}]` (CreatedRef's) as JSON, encoded at once: a batch of
    10,000 would spend more on building and serialising models than on writing the rows."""
    return _JSON.encode(
        [
            {"id": str(i.id), "event_id": None if i.event_id is None else str(i.event_id)}
            for i in items
        ]
    )


def history(events: Sequence[DataObjectEvent]) -> list[HistoryEvent]:
    """The events as the incident history shows its own; `source` is the batch's name."""
    return [history_event(e, e.batch_name) for e in events]
