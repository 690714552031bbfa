"""SecMaster's vulnerability routes as the SDK writes them, `~/soc/vulnerability/...` (singular):
list_vulnerabilities and show_vulnerability, over the data-object service. The generic
`~/soc/vulnerabilities` routes (create, PUT, delete, search) serve the class too."""

from __future__ import annotations

from fastapi import APIRouter

from socdesk.classes.registry import VULNERABILITY
from socdesk.kit.conditions import SearchBody
from socdesk.kit.db import SessionDep
from socdesk.kit.params import VulnerabilityIdPath
from socdesk.kit.routes import SecMasterRoute, reads_only, without_transaction
from socdesk.objects.service import DataObjectService
from socdesk.secmaster.objects import mapping
from socdesk.secmaster.objects.schemas import ObjectEnvelope, ObjectPage
from socdesk.workspaces.dependencies import SecMasterReader

router = APIRouter(
    prefix="/v1/{project_id}/workspaces/{workspace_id}/soc/vulnerability",
    tags=["SecMaster: vulnerabilities"],
    route_class=SecMasterRoute,
)


@router.post("/search", summary="Search vulnerabilities")
@reads_only
@without_transaction
async def list_vulnerabilities(
    body: SearchBody, scope: SecMasterReader, session: SessionDep
) -> ObjectPage:
    """The SDK's VulnerabilityDataObjectSearch: conditions and logics on any searchable field,
    sorted by any of them, paged by offset, with the total."""
    service = DataObjectService(session, scope)
    data_class = await service.by_route_name(VULNERABILITY.route_name)
    records, total = await service.search(data_class, body)
    details = [mapping.detail(r, scope) for r in records]
    page = body.offset // body.limit + 1
    return ObjectPage(total=total, size=len(details), page=page, data=details)


@router.get("/{vul_id}", summary="Show a vulnerability")
async def show_vulnerability(
    vul_id: VulnerabilityIdPath, scope: SecMasterReader, session: SessionDep
) -> ObjectEnvelope:
    service = DataObjectService(session, scope)
    data_class = await service.by_route_name(VULNERABILITY.route_name)
    return ObjectEnvelope(data=mapping.detail(await service.show(data_class, vul_id), scope))
