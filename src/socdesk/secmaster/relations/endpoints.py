"""SecMaster relation routes (the SDK's create_dataobject_relation, delete_dataobject_relation,
list_dataobject_relations, batch_create_dataobject_relations): `~/soc/{type}/{id}/{related}`.
Declared before the generic data-object routes, whose `~/soc/{dataclass_name}/...` paths would
otherwise take them."""

from __future__ import annotations

from fastapi import APIRouter

from socdesk.kit.conditions import SearchBody
from socdesk.kit.db import SessionDep
from socdesk.kit.logs import current_request_id
from socdesk.kit.params import DataclassTypePath, DataObjectIdPath, RelatedDataclassTypePath
from socdesk.kit.routes import SecMasterRoute, reads_only, without_transaction
from socdesk.relations.service import LinkOutcome, LinkService
from socdesk.secmaster.incidents.schemas import BatchOutcome
from socdesk.secmaster.objects import mapping
from socdesk.secmaster.objects.schemas import ObjectPage
from socdesk.secmaster.relations.schemas import RelationBatch, RelationEnvelope, RelationIds
from socdesk.workspaces.dependencies import SecMasterReader, SecMasterWriter

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc",
    tags=["SecMaster: relations"],
    route_class=SecMasterRoute,
)


def _envelope(outcome: LinkOutcome) -> RelationEnvelope:
    return RelationEnvelope(
        request_id=current_request_id.get(),
        data=BatchOutcome(success_ids=outcome.success_ids, error_ids=outcome.error_ids),
    )


@router.post(
    "/{dataclass_type}/{related_dataclass_type}/batch-create",
    summary="Link each object to each related object",
)
async def batch_create_dataobject_relations(
    dataclass_type: DataclassTypePath,
    related_dataclass_type: RelatedDataclassTypePath,
    body: RelationBatch,
    scope: SecMasterWriter,
    session: SessionDep,
) -> RelationEnvelope:
    """`success_ids`: the objects of `dataobject_ids` linked; `error_ids`: every id of either
    list that is not an object of its class here (as sent)."""
    service = LinkService(session, scope)
    data_class = await service.data_class(dataclass_type, "dataclass_type")
    related = await service.data_class(related_dataclass_type, "related_dataclass_type")
    outcome = await service.batch_link(
        data_class, related, body.dataobject_ids, body.related_dataobject_ids
    )
    return _envelope(outcome)


@router.post(
    "/{dataclass_type}/{data_object_id}/{related_dataclass_type}",
    summary="Link an object to related objects",
)
async def create_dataobject_relation(
    dataclass_type: DataclassTypePath,
    data_object_id: DataObjectIdPath,
    related_dataclass_type: RelatedDataclassTypePath,
    body: RelationIds,
    scope: SecMasterWriter,
    session: SessionDep,
) -> RelationEnvelope:
    """A link reads from both sides (`.../{related}/search` on either object); linking a pair
    already linked succeeds and changes nothing."""
    service = LinkService(session, scope)
    data_class = await service.data_class(dataclass_type, "dataclass_type")
    related = await service.data_class(related_dataclass_type, "related_dataclass_type")
    return _envelope(await service.link(data_class, data_object_id, related, body.ids))


@router.delete(
    "/{dataclass_type}/{data_object_id}/{related_dataclass_type}",
    summary="Unlink an object from related objects",
)
async def delete_dataobject_relation(
    dataclass_type: DataclassTypePath,
    data_object_id: DataObjectIdPath,
    related_dataclass_type: RelatedDataclassTypePath,
    body: RelationIds,
    scope: SecMasterWriter,
    session: SessionDep,
) -> RelationEnvelope:
    """Ids not linked to the object land in error_ids."""
    service = LinkService(session, scope)
    data_class = await service.data_class(dataclass_type, "dataclass_type")
    related = await service.data_class(related_dataclass_type, "related_dataclass_type")
    return _envelope(await service.unlink(data_class, data_object_id, related, body.ids))


@router.post(
    "/{dataclass_type}/{data_object_id}/{related_dataclass_type}/search",
    summary="Search the related objects linked to an object",
)
@reads_only
@without_transaction
async def list_dataobject_relations(
    dataclass_type: DataclassTypePath,
    data_object_id: DataObjectIdPath,
    related_dataclass_type: RelatedDataclassTypePath,
    body: SearchBody,
    scope: SecMasterReader,
    session: SessionDep,
) -> ObjectPage:
    """The related class's search (conditions, sorting, paging) over the objects linked to
    this one, whichever side wrote the link."""
    service = LinkService(session, scope)
    data_class = await service.data_class(dataclass_type, "dataclass_type")
    related = await service.data_class(related_dataclass_type, "related_dataclass_type")
    records, total = await service.related_page(data_class, data_object_id, related, body)
    details = [mapping.detail(r, scope) for r in records]
    page = body.offset // body.limit + 1
    return ObjectPage(total=total, size=len(details), page=page, data=details)
