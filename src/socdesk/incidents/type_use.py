"""Which incidents use some Incident types: what deleting a type reports (SecMaster answers a
type's related data objects before it deletes the type)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, false, or_
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.classes.registry import INCIDENT, DataClass
from socdesk.classes.types import TypeUse
from socdesk.incidents.repository import IncidentRepository
from socdesk.models import DataClassType, Incident
from socdesk.workspaces.scope import WorkspaceScope

# How many of the objects that use the types the answer names (it counts them all).
SHOWN = 100


class IncidentTypeUse:
    """The `UsageLookup` of data-class types (classes/types.py) for one workspace."""

    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.incidents = IncidentRepository(session, scope.workspace_id)

    async def __call__(
        self, data_class: DataClass, types: Sequence[DataClassType]
    ) -> list[TypeUse]:
        """The incidents whose category (and type, for a sub-category) are one of `types`'s
        names; other classes' objects are not kept yet, so nothing uses their types."""
        if data_class.id != INCIDENT.id:
            return [TypeUse("DATAOBJECT", 0, [])]
        matches = [
            and_(
                Incident.incident_category == t.category,
                *([Incident.incident_type_name == t.sub_category] if t.level == 2 else []),
            )
            for t in types
        ]
        rows, total = await self.incidents.offset_page(
            or_(false(), *matches), [Incident.create_time.asc(), Incident.id.asc()], 0, SHOWN
        )
        return [TypeUse("DATAOBJECT", total, [(row.title, str(row.id)) for row in rows])]
