"""Register routes for sources: `GET|POST /v1/sources`."""

from __future__ import annotations

from fastapi import APIRouter, status

from socdesk.incidents.sources import SourceService
from socdesk.kit.db import SessionDep
from socdesk.kit.errors import Conflict
from socdesk.kit.openapi import may_answer
from socdesk.kit.routes import RegisterRoute
from socdesk.register.sources.schemas import SourceCreate, SourceCreated, SourceList, SourceOut
from socdesk.workspaces.dependencies import RegisterReader, RegisterWriter

router = APIRouter(prefix="/v1/sources", tags=["Register: sources"], route_class=RegisterRoute)


@router.get("", summary="The project's incident sources")
async def list_sources(scope: RegisterReader, session: SessionDep) -> SourceList:
    sources = await SourceService(session, scope.project.id).all()
    return SourceList(sources=[SourceOut.model_validate(s) for s in sources])


@router.post("", status_code=status.HTTP_201_CREATED, summary="Add an incident source")
@may_answer(Conflict)
async def add_source(
    body: SourceCreate, scope: RegisterWriter, session: SessionDep
) -> SourceCreated:
    source = await SourceService(session, scope.project.id).add(body.name)
    return SourceCreated(source=SourceOut.model_validate(source))
