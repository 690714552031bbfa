"""`/healthz`, `/readyz` and `/metrics`: what an orchestrator and Prometheus poll."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from socdesk.kit.errors import ServiceUnavailable
from socdesk.kit.metrics import render_metrics
from socdesk.kit.migrate import head_revision
from socdesk.kit.routes import SecMasterRoute

router = APIRouter(tags=["Operations"], route_class=SecMasterRoute)


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    database: str
    schema_revision: str


@router.get("/healthz", summary="The process is up")
async def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    summary="The database answers and its schema is current (503 otherwise)",
    responses={503: {"description": "Not ready: the message says why."}},
)
async def readyz(request: Request) -> Readiness:
    engine: AsyncEngine = request.app.state.engine
    try:
        async with engine.connect() as connection:
            revision = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    except (SQLAlchemyError, OSError) as error:
        raise ServiceUnavailable(
            f"database unreachable or not migrated: {type(error).__name__}"
        ) from None
    if revision != head_revision():
        raise ServiceUnavailable(
            f"schema is at {revision}, this release needs {head_revision()}: run socdesk db upgrade"
        )
    return Readiness(status="ready", database="ok", schema_revision=str(revision))


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics() -> Response:
    body, content_type = render_metrics()
    return Response(body, media_type=content_type)
