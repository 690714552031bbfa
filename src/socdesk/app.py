"""The ASGI application: `create_app(settings)` wires storage, middleware, errors and routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from socdesk import __version__
from socdesk.automation.runs.worker import in_process_runner
from socdesk.automation.triggers import fire_playbooks
from socdesk.iam.endpoints import router as identity_router
from socdesk.kit.apidocs import install_api_docs
from socdesk.kit.body_limit import BodyLimit, BodySizeLimit
from socdesk.kit.changefeed import listening
from socdesk.kit.db import create_engine, create_read_sessionmaker, create_sessionmaker
from socdesk.kit.handlers import install_error_handlers
from socdesk.kit.input_check import ClientInputCheck
from socdesk.kit.logs import configure_logging
from socdesk.kit.middleware import RequestContextMiddleware
from socdesk.kit.openapi import install_openapi
from socdesk.kit.routes import BodySize, MatchedRouteFirst
from socdesk.kit.uploads import MULTIPART_ALLOWANCE
from socdesk.ops.endpoints import router as ops_router
from socdesk.register.comments.endpoints import router as comments_router
from socdesk.register.incidents.endpoints import router as register_incidents_router
from socdesk.register.risks.endpoints import router as risks_router
from socdesk.register.sources.endpoints import router as sources_router
from socdesk.register.users.avatars import router as avatars_router
from socdesk.register.users.endpoints import router as register_users_router
from socdesk.secmaster.alerts.endpoints import router as alerts_router
from socdesk.secmaster.alerts_order.endpoints import router as alerts_order_router
from socdesk.secmaster.attachments.endpoints import router as attachments_router
from socdesk.secmaster.components.endpoints import router as components_router
from socdesk.secmaster.components.isap import router as isap_components_router
from socdesk.secmaster.components.isap_configurations import (
    router as isap_configurations_router,
)
from socdesk.secmaster.components.templates import router as component_templates_router
from socdesk.secmaster.dataclasses.endpoints import router as dataclasses_router
from socdesk.secmaster.datapanel.endpoints import router as datapanel_router
from socdesk.secmaster.incidents.endpoints import router as incidents_router
from socdesk.secmaster.indicators.endpoints import router as indicators_router
from socdesk.secmaster.instances.endpoints import router as instances_router
from socdesk.secmaster.notes.endpoints import router as notes_router
from socdesk.secmaster.objects.endpoints import router as objects_router
from socdesk.secmaster.playbook_instances.endpoints import router as playbook_instances_router
from socdesk.secmaster.playbooks.endpoints import router as playbooks_router
from socdesk.secmaster.playbooks.parts import router as playbook_parts_router
from socdesk.secmaster.playbooks.transfer import router as playbook_transfer_router
from socdesk.secmaster.relations.endpoints import router as relations_router
from socdesk.secmaster.todos.endpoints import router as todos_router
from socdesk.secmaster.transfer.endpoints import router as transfer_router
from socdesk.secmaster.transfer.objects import router as objects_transfer_router
from socdesk.secmaster.vulnerabilities.endpoints import router as vulnerabilities_router
from socdesk.secmaster.workflows.endpoints import router as workflows_router
from socdesk.secmaster.workspaces.endpoints import router as workspaces_router
from socdesk.settings import Settings, get_settings

DESCRIPTION = """\
SOCdesk keeps a SOC team's incidents and speaks two API dialects over one store:
**SecMaster** (`/v1/{project_id}/workspaces/...`, Huawei Cloud SecMaster's SOC API) and the
**incident register** (`/v1/incidents`, `/v1/users`, ...). Authenticate with `X-Auth-Token`
(from `POST /v3/auth/tokens` or an API key) or sign requests with an AK/SK pair as the
SecMaster SDK does: "Authorize" below takes the token (scheme `XAuthToken`).
"""


# In the order their routes are matched.
ROUTERS = (
    ops_router,
    identity_router,
    workspaces_router,
    transfer_router,
    incidents_router,
    dataclasses_router,
    # Before the workflows router: its `~/soc/workflows/{workflow_id}` would match `instances`.
    instances_router,
    workflows_router,
    # Literal ~/soc/playbooks paths (import, export, a version's parts) before
    # `~/soc/playbooks/{playbook_id}`, which would match `instances`.
    playbook_instances_router,
    playbook_transfer_router,
    playbook_parts_router,
    playbooks_router,
    todos_router,
    attachments_router,
    # Before the components router: its `~/soc/components/{component_id}` would match `template`.
    component_templates_router,
    components_router,
    isap_components_router,
    isap_configurations_router,
    register_users_router,
    register_incidents_router,
    sources_router,
    comments_router,
    risks_router,
    avatars_router,
    datapanel_router,
    # The SDK's alert shapes where they differ from the generic ones, which would match them.
    alerts_router,
    alerts_order_router,
    indicators_router,
    vulnerabilities_router,
    notes_router,
    # Literal class routes first, then `~/soc/{dataclass_name}/import|export|template/...`,
    # before the relations' and generic objects' `~/soc/{type}/{id}/...`.
    objects_transfer_router,
    relations_router,
    # Last: `~/soc/{dataclass_name}` would match every route above under ~/soc.
    objects_router,
)


def _body_limits(settings: Settings) -> dict[BodySize, BodyLimit]:
    """The limit each kind of route's bodies are held to (a route declares its kind)."""
    return {
        BodySize.standard: BodyLimit(
            settings.max_body_bytes, settings.max_body_bytes, "SOCDESK_MAX_BODY_BYTES"
        ),
        # The multipart envelope around the file adds a little; the file itself is held to
        # the setting by the import route.
        BodySize.file_import: BodyLimit(
            settings.import_max_bytes + MULTIPART_ALLOWANCE,
            settings.import_max_bytes,
            "SOCDESK_IMPORT_MAX_BYTES",
        ),
        BodySize.attachment: BodyLimit(
            settings.attachment_max_bytes + MULTIPART_ALLOWANCE,
            settings.attachment_max_bytes,
            "SOCDESK_ATTACHMENT_MAX_BYTES",
        ),
    }


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    engine = create_engine(settings.database_url, pool_size=settings.db_pool_size)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # On SQLite the server runs workflow runs itself; on PostgreSQL `socdesk worker` does.
        # Its sessions hear no changes: a workflow's writes never fire playbooks again.
        async with in_process_runner(settings, create_sessionmaker(engine)):
            yield
        await engine.dispose()

    app = FastAPI(
        title="SOCdesk",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        # /docs is served by install_api_docs from the package's own files; no ReDoc (it would
        # need a second vendored bundle for the same document).
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    # The requests' writes fire the playbooks they match, in their own transaction.
    app.state.sessionmaker = create_sessionmaker(engine, info=listening([fire_playbooks]))
    app.state.read_sessionmaker = create_read_sessionmaker(engine)
    install_error_handlers(app)
    install_openapi(app)
    install_api_docs(app)
    # Inside the size limit, so the JSON bodies it reads and checks are already bounded.
    app.add_middleware(ClientInputCheck, max_depth=settings.json_max_depth)
    app.add_middleware(BodySizeLimit, limits=_body_limits(settings))
    # Added last, so it is outermost: every answer, a 413 included, gets its request id.
    app.add_middleware(RequestContextMiddleware)
    for router in ROUTERS:
        # The routes themselves, not `include_router`: recent FastAPI keeps an included router as
        # one entry that it scans to see whether it matches and scans again to dispatch, so every
        # request paid a scan of each router before its own (about a tenth of a create's CPU).
        # The routers declare their full paths and dependencies, so nothing of them is lost.
        app.router.routes.extend(router.routes)
    app.router.routes.insert(0, MatchedRouteFirst())
    return app
