"""From the domain's incidents, events and batch results to SecMaster's response bodies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row

from socdesk.incidents import mapping
from socdesk.incidents.catalog import INCIDENT_DATACLASS_ID, INCIDENT_DATACLASS_NAME
from socdesk.incidents.service import BatchResult
from socdesk.kit.clock import format_time
from socdesk.kit.ids import hex_id
from socdesk.models import DataObjectEvent, Incident, IncidentEvent
from socdesk.secmaster.incidents.schemas import (
    BatchOutcome,
    DataclassRef,
    HistoryChange,
    HistoryEvent,
    IncidentDetail,
)
from socdesk.workspaces.scope import WorkspaceScope


def detail(row: Incident | Row[Any], scope: WorkspaceScope) -> IncidentDetail:
    """The incident (an ORM object or a row of its columns) as SecMaster's IncidentDetail."""
    project_hex = hex_id(scope.project.id)
    return IncidentDetail(
        id=str(row.id),
        project_id=project_hex,
        workspace_id=str(row.workspace_id),
        create_time=format_time(row.create_time),
        update_time=format_time(row.update_time),
        version=row.version,
        format_version=1,
        dataclass_ref=DataclassRef(id=INCIDENT_DATACLASS_ID, name=INCIDENT_DATACLASS_NAME),
        type=INCIDENT_DATACLASS_NAME,
        data_object=mapping.data_object(row, project_hex),
    )


def history(events: Sequence[IncidentEvent]) -> list[HistoryEvent]:
    return [history_event(e, e.source) for e in events]


def history_event(e: IncidentEvent | DataObjectEvent, source: str | None) -> HistoryEvent:
    """One audit event as the history routes show it, an incident's or another object's."""
    return HistoryEvent(
        id=e.id,
        action=e.action,
        time=format_time(e.at),
        actor_id=e.actor_id,
        actor=e.actor_email,
        request_id=e.request_id,
        source=source,
        changes=[
            HistoryChange(field=k, before=v["before"], after=v["after"])
            for k, v in e.changes.items()
        ],
        snapshot=e.snapshot,
    )


def batch_outcome(result: BatchResult) -> BatchOutcome:
    return BatchOutcome(success_ids=[str(i) for i in result.done], error_ids=result.refused)
