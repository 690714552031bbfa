"""The data objects that name an incident by `incident_id` (the promoted column beside the
document): when incidents are deleted, no object names them any more. Below incidents/ and
objects/ (as the link table is), so the incident delete path reaches the objects without
importing their package, which imports the incidents'."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import insert, literal, null

from socdesk.kit.clock import format_time, utcnow
from socdesk.kit.logs import current_request_id
from socdesk.kit.repository import WorkspaceScoped, chunks
from socdesk.kit.sqljson import Dialect, concat, json_object, members, text
from socdesk.models import DataObject, DataObjectEvent

KEY = "incident_id"


class IncidentReferences(WorkspaceScoped[DataObject]):
    """One workspace's objects, as far as they name incidents."""

    model = DataObject

    async def naming(self, incident_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        """The objects whose `incident_id` names one of `incident_ids`, in id order."""
        found = await self.scalars_in_chunks(
            self.select(DataObject.id), DataObject.incident_id, incident_ids
        )
        return sorted(found)

    async def forget(
        self, incident_ids: Sequence[uuid.UUID], actor_id: uuid.UUID, actor_email: str
    ) -> None:
        """Clear `incident_id` from the objects (of every class) naming one of the incidents
        `incident_ids` (being deleted), set-based: an update event each (the field's before,
        after null; as the data-object change path records it) by one INSERT ... SELECT, then
        one UPDATE of the documents, per chunk. The links are the delete's to remove."""
        ids = await self.naming(incident_ids)
        if not ids:
            return
        now = utcnow()
        sql = Dialect(self.session.get_bind().dialect.name)
        document = sql.as_document(DataObject.data_object)
        before = sql.coalesce(sql.member(document, (KEY,)), text("null"))
        change = concat(text('{"before":'), before, text(',"after":null}'))
        changes = sql.as_json(json_object(members([(KEY, change, None)])))
        shared = {
            "action": "update",
            "actor_id": actor_id,
            "actor_email": actor_email,
            "request_id": current_request_id.get(),
            "trigger_flag": False,
            "at": now,
        }
        columns = DataObjectEvent.__table__.columns
        values = [literal(v, columns[k].type) for k, v in shared.items()]
        targets = ["id", "workspace_id", "class_id", "object_id", "changes", "snapshot", *shared]
        for part in chunks(ids):
            source = self.select(
                self.new_id_sql(),
                DataObject.workspace_id,
                DataObject.class_id,
                DataObject.id,
                changes,
                null(),
                *values,
            ).where(self.among(DataObject.id, part))
            await self.session.execute(insert(DataObjectEvent).from_select(targets, source))
        statement = self.update().values(
            data_object=sql.without_member(
                DataObject.data_object, KEY, {"update_time": format_time(now)}
            ),
            incident_id=None,
            update_time=now,
            version=DataObject.version + 1,
        )
        await self.execute_in_chunks(statement, DataObject.id, ids)
