"""The interactive API docs at `/docs`, served with Swagger UI from the package (no CDN), so
they work offline; and `/`, which points there until the web UI takes it."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from socdesk.kit.routes import SecMasterRoute

STATIC_DIRECTORY = Path(__file__).resolve().parent.parent / "static"
STATIC_URL = "/static"
# Vendored from the npm registry by scripts/refresh-vendor (VERSION and LICENSE beside them).
SWAGGER_UI_URL = f"{STATIC_URL}/vendor/swagger-ui"
DOCS_URL = "/docs"
SWAGGER_UI_PARAMETERS = {
    # Swagger UI would otherwise send the document to validator.swagger.io for a badge.
    "validatorUrl": None,
    # Keep the token typed into "Authorize" across reloads of the page.
    "persistAuthorization": True,
}


def install_api_docs(app: FastAPI) -> None:
    """Serve `/static`, `/docs` and the redirect from `/` (none of them in the document)."""
    app.mount(STATIC_URL, StaticFiles(directory=STATIC_DIRECTORY), name="static")
    openapi_url = app.openapi_url or "/openapi.json"
    router = APIRouter(include_in_schema=False, route_class=SecMasterRoute)

    @router.get(DOCS_URL)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} API",
            swagger_js_url=f"{SWAGGER_UI_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER_UI_URL}/swagger-ui.css",
            swagger_favicon_url=f"{SWAGGER_UI_URL}/favicon-32x32.png",
            swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
        )

    @router.get("/")
    async def home() -> RedirectResponse:
        return RedirectResponse(DOCS_URL, status_code=307)

    app.router.routes.extend(router.routes)  # as create_app adds the API's routers
