"""The incidents row a create or an import writes, built from the fields the client sent.

Laid out as a list in `ROW_COLUMNS` order so an import's COPY takes it as it is: no dict per row,
no model dump, one pass over the fields. A create names the columns (`as_dict`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from socdesk.incidents import mapping
from socdesk.incidents.rules import (
    StatusIntent,
    close_time_rule,
    close_time_value,
    status_after,
)
from socdesk.models import Status
from socdesk.workspaces.scope import WorkspaceScope

ROW_COLUMNS: tuple[str, ...] = (
    "id",
    "workspace_id",
    "project_id",
    "number",
    "version",
    "update_time",
    "opened_by_id",
    "updated_by_id",
    "document",
    *mapping.CLIENT_COLUMNS,
)
_POSITION = {name: index for index, name in enumerate(ROW_COLUMNS)}
ID, NUMBER, DOCUMENT = _POSITION["id"], _POSITION["number"], _POSITION["document"]
_SEVERITY, _STATUS = _POSITION["severity"], _POSITION["status"]
_CREATE_TIME, _CLOSE_TIME, _CREATOR = (
    _POSITION["create_time"],
    _POSITION["close_time"],
    _POSITION["creator"],
)
_RANKS = {name: int(rank) for name, rank in mapping.SEVERITY_BY_NAME.items()}
_STATUSES = {
    name: status_after(intent, None).value
    for name, intent in mapping.INTENT_OF_HANDLE_STATUS.items()
}

# What each sent field fills: ("column", position, is_time), ("document", nested columns) or
# the two handled apart.
_SCALARS = {
    name: (_POSITION[name], name in mapping.TIME_COLUMNS) for name in mapping.SCALAR_COLUMNS
}
_DOCUMENT = frozenset(mapping.DOCUMENT_FIELDS)
_NESTED: dict[str, tuple[tuple[str, int], ...]] = {}
for (_parent, _child), _column in mapping.NESTED_COLUMNS.items():
    _NESTED[_parent] = (*_NESTED.get(_parent, ()), (_child, _POSITION[_column]))


class NewIncidentRows:
    """Rows for new incidents of one workspace, all created at `now` by the caller."""

    def __init__(self, scope: WorkspaceScope, now: datetime) -> None:
        template: list[Any] = [None] * len(ROW_COLUMNS)
        template[_POSITION["workspace_id"]] = scope.workspace_id
        template[_POSITION["project_id"]] = scope.project.id
        template[_POSITION["version"]] = 1
        template[_POSITION["update_time"]] = now
        template[_POSITION["opened_by_id"]] = scope.user.id
        template[_POSITION["updated_by_id"]] = scope.user.id
        self._template = template
        # What `build` never changes: the same in every row (a COPY converts them once).
        self.constants = {
            _POSITION[name]: template[_POSITION[name]]
            for name in (
                "workspace_id",
                "project_id",
                "version",
                "update_time",
                "opened_by_id",
                "updated_by_id",
            )
        }
        self._now = now
        self._creator = scope.user.email
        # The close time of a new incident in each status, when the client gives none.
        self._close_time = {
            status.value: close_time_value(close_time_rule(None, status), None, now)
            for status in Status
        }

    def build(
        self,
        sent: dict[str, Any],
        number: int,
        incident_id: uuid.UUID,
        status: StatusIntent | None = None,
    ) -> list[Any]:
        """The row for the fields a client sent (`mapping.sent_fields` form, mandatory fields
        present), with its id (a new one, or one the file chose and that was checked). `status`,
        when given, says what the status is instead of the sent handle_status."""
        row = self._template.copy()
        row[ID] = incident_id
        row[NUMBER] = number
        document: dict[str, Any] = {}
        for key, value in sent.items():
            scalar = _SCALARS.get(key)
            if scalar is not None:
                position, is_time = scalar
                row[position] = datetime.fromisoformat(value) if is_time and value else value
            elif key in _DOCUMENT:
                document[key] = value
                for child, position in _NESTED.get(key, ()):
                    row[position] = value.get(child) if value is not None else None
            elif key == "severity":
                row[_SEVERITY] = _RANKS[value] if value else None
            elif key == "handle_status":
                row[_STATUS] = _STATUSES[value] if value else None
            elif key not in mapping.RECORD_FIELDS:
                document[key] = value  # a field the workspace added (checked by the change path)
        row[DOCUMENT] = document
        if status is not None:
            row[_STATUS] = status_after(status, None).value
        row[_CREATE_TIME] = row[_CREATE_TIME] or self._now
        row[_CREATOR] = row[_CREATOR] or self._creator
        if row[_CLOSE_TIME] is None:
            row[_CLOSE_TIME] = self._close_time.get(row[_STATUS])
        return row


def as_dict(row: list[Any]) -> dict[str, Any]:
    return dict(zip(ROW_COLUMNS, row, strict=True))
