"""Register routes for risks: `GET|POST /v1/risks` and `PUT /v1/incidents/{id}/risks`."""

from __future__ import annotations

from fastapi import APIRouter, status

from socdesk.incidents.risks import RiskService
from socdesk.kit.db import SessionDep
from socdesk.kit.routes import RegisterRoute
from socdesk.register.incidents.ids import IncidentIdPath, resolve_one
from socdesk.register.risks.schemas import (
    RiskAssociations,
    RiskAssociationsPut,
    RiskCreate,
    RiskCreated,
    RiskList,
    RiskOut,
)
from socdesk.workspaces.dependencies import RegisterReader, RegisterWriter

router = APIRouter(tags=["Register: risks"], route_class=RegisterRoute)


@router.get("/v1/risks", summary="The project's risks")
async def list_risks(scope: RegisterReader, session: SessionDep) -> RiskList:
    risks = await RiskService(session, scope).all()
    return RiskList(risks=[RiskOut.model_validate(r) for r in risks])


@router.post(
    "/v1/risks",
    status_code=status.HTTP_201_CREATED,
    summary="Add a risk",
    responses={
        403: {"description": "Viewers may not add risks."},
        409: {"description": "The project has a risk with this title."},
    },
)
async def add_risk(body: RiskCreate, scope: RegisterWriter, session: SessionDep) -> RiskCreated:
    risk = await RiskService(session, scope).add(body.title, body.description or "")
    return RiskCreated(risk=RiskOut.model_validate(risk))


@router.put(
    "/v1/incidents/{incident_id}/risks",
    summary="Replace an incident's risks",
    responses={
        400: {"description": "An id is not a risk of this project (the message names it)."},
        403: {"description": "Viewers may not change incidents."},
        404: {"description": "No such incident in this workspace."},
    },
)
async def replace_incident_risks(
    incident_id: IncidentIdPath,
    body: RiskAssociationsPut,
    scope: RegisterWriter,
    session: SessionDep,
) -> RiskAssociations:
    found = await resolve_one(session, scope.workspace_id, incident_id)
    ids = await RiskService(session, scope).associate(found, body.risk_ids)
    return RiskAssociations(risk_associations=ids)
