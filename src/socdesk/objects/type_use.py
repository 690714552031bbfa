"""Which objects use some types of a class: what deleting a type reports (SecMaster answers a
type's related data objects before it deletes the type). An incident names its type in its
category and type columns; an alert and a vulnerability in their `alert_type` and
`vulnerability_type` objects (category, then the sub-category's name). An indicator's type and
a workspace's own class's objects name no category, so nothing uses those types."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.classes.registry import ALERT, INCIDENT, VULNERABILITY, DataClass
from socdesk.classes.types import TypeUse
from socdesk.incidents.repository import IncidentRepository
from socdesk.models import DataClassType, DataObject, Incident
from socdesk.objects.repository import DataObjectRepository
from socdesk.workspaces.scope import WorkspaceScope

# How many of the objects that use the types the answer names (it counts them all).
SHOWN = 100
# The document paths of a data object's category and sub-category name, by class.
TYPE_PATHS = {
    ALERT.id: (("alert_type", "category"), ("alert_type", "alert_type")),
    VULNERABILITY.id: (
        ("vulnerability_type", "category"),
        ("vulnerability_type", "vulnerability_type"),
    ),
}


def _matching(category: Any, sub_category: Any, types: Sequence[DataClassType]) -> Any:
    """SQL true for an object of one of `types`: its category, and for a sub-category its
    name too."""
    return or_(
        false(),
        *(
            and_(
                category == t.category, *([sub_category == t.sub_category] if t.level == 2 else [])
            )
            for t in types
        ),
    )


class TypeUseLookup:
    """The `UsageLookup` of data-class types (classes/types.py) for one workspace."""

    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.incidents = IncidentRepository(session, scope.workspace_id)
        self.objects = DataObjectRepository(session, scope.workspace_id)

    async def __call__(
        self, data_class: DataClass, types: Sequence[DataClassType]
    ) -> list[TypeUse]:
        if data_class.id == INCIDENT.id:
            where = _matching(Incident.incident_category, Incident.incident_type_name, types)
            rows, total = await self.incidents.offset_page(
                where, [Incident.create_time.asc(), Incident.id.asc()], 0, SHOWN
            )
            return [TypeUse("DATAOBJECT", total, [(row.title, str(row.id)) for row in rows])]
        paths = TYPE_PATHS.get(data_class.id)
        if paths is None:
            return [TypeUse("DATAOBJECT", 0, [])]
        category, name = (DataObject.data_object[path].as_string() for path in paths)
        found: ColumnElement[bool] = _matching(category, name, types)
        objects, total = await self.objects.offset_page(
            uuid.UUID(data_class.id),
            found,
            [DataObject.create_time.asc(), DataObject.id.asc()],
            0,
            SHOWN,
        )
        return [TypeUse("DATAOBJECT", total, [(row.title or "", str(row.id)) for row in objects])]
