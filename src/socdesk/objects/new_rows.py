"""The data_objects row a create writes, built from a checked object in one pass.

Laid out as a list in `ROW_COLUMNS` order, so a bulk write (kit/bulk.py `insert_rows`: binary
COPY on PostgreSQL, one executemany on SQLite) takes it as it is: no dict per row. What every
row of one create shares (workspace, class, time, creator, origin) is filled in once, in the
template, and named in `constants` so a COPY converts it once. The rules are documents.py's:
the times in SOCdesk's one form, the server's fields stamped, the promoted columns derived.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from socdesk.classes.registry import DataClass
from socdesk.kit.clock import format_time
from socdesk.objects.documents import normalise_times, promoted_raw, promoted_value, stamp
from socdesk.workspaces.scope import WorkspaceScope

ROW_COLUMNS: tuple[str, ...] = (
    "id",
    "workspace_id",
    "class_id",
    "data_object",
    "create_time",
    "update_time",
    "version",
    "creator",
    "origin",
    "title",
    "severity",
    "status",
    "incident_id",
)
_POSITION = {name: index for index, name in enumerate(ROW_COLUMNS)}
ID, DOCUMENT, CREATE_TIME = _POSITION["id"], _POSITION["data_object"], _POSITION["create_time"]
INCIDENT_ID = _POSITION["incident_id"]
_SHARED = ("workspace_id", "class_id", "update_time", "version", "creator", "origin")


class NewObjectRows:
    """Rows for new objects of one class in the scope's workspace, all created at `now` by the
    scope's user and come in by `origin` (objects/origins.py)."""

    def __init__(
        self, scope: WorkspaceScope, data_class: DataClass, origin: str, now: datetime
    ) -> None:
        template: list[Any] = [None] * len(ROW_COLUMNS)
        self.class_id = uuid.UUID(data_class.id)
        shared: dict[str, Any] = {
            "workspace_id": scope.workspace_id,
            "class_id": self.class_id,
            "update_time": now,
            "version": 1,
            "creator": scope.user.email,
            "origin": origin,
        }
        for name in _SHARED:
            template[_POSITION[name]] = shared[name]
        self._template = template
        # What `build` never changes: the same in every row (a COPY converts them once).
        self.constants = {_POSITION[name]: shared[name] for name in _SHARED}
        self.data_class = data_class
        self.now = now
        self._now_text = format_time(now)
        # The promoted columns the class maps (the others stay None, as in the template).
        self._promoted = [
            (_POSITION[column], column, parts) for column, parts in data_class.promoted_paths
        ]

    def build(self, data: dict[str, Any], object_id: uuid.UUID) -> list[Any]:
        """The row of a checked object `data` with its id (its document completed in place:
        the times in one form, the server's fields set)."""
        data_class = self.data_class
        normalise_times(data_class, data)
        row = self._template.copy()
        row[ID] = object_id
        row[CREATE_TIME] = stamp(data_class, data, object_id, self.now, self._now_text)
        row[DOCUMENT] = data
        for position, column, parts in self._promoted:
            raw = promoted_raw(data, parts)
            if raw is not None:
                row[position] = promoted_value(column, raw)
        return row


def as_dict(row: list[Any]) -> dict[str, Any]:
    return dict(zip(ROW_COLUMNS, row, strict=True))
