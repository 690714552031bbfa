"""SecMaster relation bodies (the SDK's CreateDataobjectRelationRequestBody,
BatchCreateDataobjectRelationsRequestBody, BatchOperateDataobjectResult)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from socdesk.kit.schemas import RequestBody, ResponseBody
from socdesk.relations.service import MAX_LINKS
from socdesk.secmaster.incidents.schemas import BatchOutcome

# An id as sent: one that names nothing lands in error_ids.
IdText = Annotated[str, Field(max_length=100)]


class RelationIds(RequestBody):
    ids: list[IdText] = Field(
        max_length=MAX_LINKS,
        description="The related objects' ids; malformed, unknown or other workspaces' ids "
        "land in error_ids.",
    )


class RelationBatch(RequestBody):
    dataobject_ids: list[IdText] = Field(
        max_length=MAX_LINKS, description="Objects of the class `dataclass_type`."
    )
    related_dataobject_ids: list[IdText] = Field(
        max_length=MAX_LINKS,
        description="Objects of `related_dataclass_type`; each is linked to every one of "
        "`dataobject_ids` (at most 10,000 links a request).",
    )


class RelationEnvelope(ResponseBody):
    code: str = "00000000"
    message: str = ""
    request_id: str | None = Field(default=None, description="The request's id (as X-request-id).")
    success: bool = True
    data: BatchOutcome
