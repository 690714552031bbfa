"""The data panel (seed 003, `~/soc/datapanel/{dataclass}/data-objects`): the objects of any
class, Incident included, by any name of the class. Incidents live in their own store and are
created through their own change path (incidents/changes.py); every other class through the
data-object store. Answers are `ObjectRecord`s whichever store holds them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import ColumnElement, Row
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.classes.registry import INCIDENT, DataClass
from socdesk.classes.service import DataClassService
from socdesk.classes.validation import check_data_objects
from socdesk.incidents import mapping
from socdesk.incidents.event_repository import EventRepository
from socdesk.incidents.record import IncidentObject
from socdesk.incidents.service import IncidentService
from socdesk.kit.conditions import SearchBody
from socdesk.kit.errors import ErrorDetail, ValidationFailed
from socdesk.kit.ids import hex_id
from socdesk.objects.changes import Batch
from socdesk.objects.repository import DataObjectEventRepository
from socdesk.objects.service import MAX_BATCH, Created, DataObjectService, ObjectRecord, refusal
from socdesk.workspaces.scope import WorkspaceScope


class DataPanel:
    """Objects of any class of one workspace, for the caller."""

    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session, self.scope = session, scope
        self.classes = DataClassService(session, scope)
        self.objects = DataObjectService(session, scope)
        self.incidents = IncidentService(session, scope)

    async def data_class(self, ref: str) -> DataClass:
        """The class `ref` names (id, name, business code or route name); SecMaster's 400
        SecMaster.20030005 for one the workspace has not."""
        return await self.classes.find(ref, where="dataclass")

    async def batch_create(
        self, data_class: DataClass, objects: Sequence[Any], batch: Batch
    ) -> list[Created]:
        """New objects of the class, all or none (400 listing every problem, row = list index);
        each new id and its incident (an incident's is its own id), in input order."""
        if data_class.id != INCIDENT.id:
            return await self.objects.create_many(data_class, objects, batch)
        if len(objects) > MAX_BATCH:
            raise ValidationFailed.for_field(
                "data_object", f"a batch has at most {MAX_BATCH} objects", len(objects)
            )
        records = _incident_objects(data_class, objects)
        ids = await self.incidents.create_many(records)
        return [Created(new_id, new_id) for new_id in ids]

    async def show(self, data_class: DataClass, object_text: str) -> ObjectRecord:
        if data_class.id != INCIDENT.id:
            return await self.objects.show(data_class, object_text)
        return self._incident(await self.incidents.show(object_text), data_class)

    async def show_many(
        self, data_class: DataClass, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, ObjectRecord]:
        """The objects `ids` of the class, by id, whichever store holds them: one read per
        chunk of ids, not one per object; ids that name none here are left out."""
        if data_class.id != INCIDENT.id:
            return await self.objects.show_many(data_class, ids)
        rows = await self.incidents.show_many(ids)
        return {object_id: self._incident(row, data_class) for object_id, row in rows.items()}

    async def last_state(
        self, data_class: DataClass, object_id: uuid.UUID
    ) -> dict[str, Any] | None:
        """The object's data as it was deleted (its delete event's snapshot), whichever store
        held it; None when it was never deleted here."""
        events = (EventRepository if data_class.id == INCIDENT.id else DataObjectEventRepository)(
            self.session, self.scope.workspace_id
        )
        return await events.last_state(object_id)

    async def search(
        self, data_class: DataClass, body: SearchBody, within: ColumnElement[bool] | None = None
    ) -> tuple[list[ObjectRecord], int]:
        """The page the search asks for (among the objects `within` admits, when given)."""
        if data_class.id != INCIDENT.id:
            return await self.objects.search(data_class, body, within)
        rows, total = await self.incidents.search(body, within)
        return [self._incident(row, data_class) for row in rows], total

    def _incident(self, row: Row[Any], data_class: DataClass) -> ObjectRecord:
        data = mapping.data_object(row, hex_id(self.scope.project.id))
        # Incidents keep no origin: their `type` is the class name, as the incident routes show.
        return ObjectRecord(
            row.id, data_class, row.create_time, row.update_time, row.version, data, data_class.name
        )


def _incident_objects(data_class: DataClass, objects: Sequence[Any]) -> list[IncidentObject]:
    """The objects as incident records; 400 listing every problem of every one."""
    problems = check_data_objects(data_class, objects)
    failed = {p.row for p in problems}
    records: list[IncidentObject] = []
    for row, data in enumerate(objects):
        if row in failed:
            continue
        try:
            records.append(IncidentObject.model_validate(data))
        except ValidationError as failure:
            problems += [
                ErrorDetail(
                    ".".join(str(part) for part in error["loc"]) or "data_object",
                    error["msg"],
                    row,
                    _shown(error.get("input")),
                )
                for error in failure.errors()
            ]
    if problems:
        raise refusal(sorted(problems, key=lambda p: p.row or 0))
    return records


def _shown(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else None
