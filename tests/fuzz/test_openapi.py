"""Schemathesis over the whole OpenAPI document, on SQLite and PostgreSQL.

Every operation the app declares (identity, SecMaster, register, uploads, operations) is called
with generated requests, authenticated with a real login's `X-Auth-Token`, against a fresh copy
of a seeded store, and every answer goes through all of schemathesis' default checks: no server
error, status code, content type and response headers as documented, response body matching
its schema, valid requests accepted and invalid ones refused, and the rest.

`SOCDESK_FUZZ_EXAMPLES` sets the examples per operation (25 by default, what CI runs);
`SOCDESK_FUZZ_SEED` replays a run (each run prints its seed in the pytest header). A long run:

    SOCDESK_FUZZ_EXAMPLES=1000 .venv/bin/pytest tests/fuzz -q
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.auths import AuthContext
from schemathesis.core.failures import FailureGroup

from socdesk.app import create_app
from socdesk.settings import Environment, Settings
from tests.conftest import LIVE_TIMEOUT, TEST_SECRET
from tests.fuzz.targets import ACTIVE, Target, aim

EXAMPLES = int(os.environ.get("SOCDESK_FUZZ_EXAMPLES", "25"))
SEED = int(os.environ["SOCDESK_FUZZ_SEED"]) if os.environ.get("SOCDESK_FUZZ_SEED") else None


def openapi_document() -> dict[str, Any]:
    """The document the app serves at /openapi.json (building it touches no database)."""
    app = create_app(
        Settings(
            environment=Environment.test,
            database_url="sqlite+aiosqlite:///:memory:",
            secret_key=TEST_SECRET,
        )
    )
    document: dict[str, Any] = app.openapi()
    return document


# Checks are switched off only per operation, each with the reason it is a false positive there.
FALSE_POSITIVES: list[dict[str, Any]] = [
    *(
        {
            # The file must be an XLSX, CSV or JSON file of the class's objects with its
            # template's columns (docs/import-export.md); JSON Schema can only say "binary", so
            # most schema-valid uploads are rightly refused with a 400 that names the problem.
            "include-method": "POST",
            "include-path": f"/v1/{{project_id}}/workspaces/{{workspace_id}}/soc/{name}/import",
            "checks": {"positive_data_acceptance": {"enabled": False}},
        }
        for name in ("incidents", "alerts", "indicators", "vulnerability", "{dataclass_name}")
    ),
    *(
        {
            # A register PATCH follows seed 004's rules, each a 400 naming its field, which
            # JSON Schema cannot state: a threat objective listed once, tag_operation only
            # with tags, a source of the project, an active member as assignee, ids of this
            # workspace (tests/register/test_patch.py holds each rule).
            "include-method": "PATCH",
            "include-path": path,
            "checks": {"positive_data_acceptance": {"enabled": False}},
        }
        for path in ("/v1/incidents", "/v1/incidents/{incident_id}")
    ),
    *(
        {
            # A taskflow must be a BPMN 2.0 process that passes the checks of
            # docs/workflows.md (a start and an end event, reachable elements, known component
            # actions with their parameters), a workflow file an export or a .bpmn file, a
            # data class one of the workspace's, a version move one the review allows, an
            # enabled workflow one with an activated version: JSON Schema can say none of it,
            # so most schema-valid requests are rightly refused with a 400 naming the problem
            # (tests/secmaster/workflows and tests/automation hold each rule).
            "include-method": method,
            "include-path": f"/v1/{{project_id}}/workspaces/{{workspace_id}}/soc/workflows{path}",
            "checks": {"positive_data_acceptance": {"enabled": False}},
        }
        for method, path in (
            ("POST", "/import"),
            ("POST", "/validation"),
            ("POST", ""),
            ("PUT", "/{workflow_id}"),
            ("POST", "/{workflow_id}/versions"),
            ("PUT", "/versions/{version_id}"),
        )
    ),
    {
        # A monitor's start_time and end_time must be real times (ISO 8601 with an offset, or
        # SecMaster's `...Z+0800`), which JSON Schema cannot say of a query text; any other
        # text is rightly a 400 naming the parameter (tests/secmaster/playbooks).
        "include-method": "GET",
        "include-path": "/v1/{project_id}/workspaces/{workspace_id}/soc/playbooks/{playbook_id}"
        "/monitor",
        "checks": {"positive_data_acceptance": {"enabled": False}},
    },
    {
        # The bytes must be a real PNG or JPEG (docs/dialects.md); a multipart `file` can only
        # be declared "binary", so random bytes are rightly refused with a 400.
        "include-method": "PUT",
        "include-path": "/api/v1/users/{user_id}/avatar",
        "checks": {"positive_data_acceptance": {"enabled": False}},
    },
]

CONFIG = schemathesis.Config.from_dict(
    {
        **({"seed": SEED} if SEED is not None else {}),
        # Query parameters a route does not declare are ignored, as HTTP APIs commonly do and
        # as docs/dialects.md says (a cache-busting `?_=1` must not fail a request); so requests
        # that differ from valid ones only by such a parameter are not invalid ones.
        "generation": {
            "max-examples": EXAMPLES,
            "database": "none",
            "allow-extra-parameters": False,
            # Text with NUL is refused in every field and parameter of both dialects (no store
            # can hold it; docs/errors.md), a rule the document does not repeat on each string.
            # tests/requests and tests/hostile send NUL everywhere instead.
            "allow-x00": False,
        },
        # Generation speed and filtering are schemathesis' business here, not the server's: on a
        # busy 2-core CI machine these health checks fail runs that found nothing.
        "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
        "operations": FALSE_POSITIVES,
    }
)
schema = schemathesis.openapi.from_dict(openapi_document(), config=CONFIG)


@schema.auth(refresh_interval=None)
class FuzzerToken:
    """The seed tenant's administrator's token, from a real `POST /v3/auth/tokens`."""

    def get(self, case: Case, ctx: AuthContext) -> str | None:
        return ACTIVE.target.seed.token if ACTIVE.target else None

    def set(self, case: Case, data: str, ctx: AuthContext) -> None:
        case.headers = {**(case.headers or {}), "X-Auth-Token": data}


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: Case, kwargs: dict[str, Any]) -> None:
    # Edits made here are seen by schemathesis: it re-labels a negative case that a real id made
    # valid, so the checks judge the request that was sent.
    if ACTIVE.target is not None:
        aim(case, ACTIVE.target.seed)


@schema.parametrize()
# One fresh store per operation is the point: its examples share it, on purpose.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_operation_conforms(case: Case, fuzz_target: Target) -> None:
    sent = {"base_url": fuzz_target.base_url, "session": fuzz_target.http, "timeout": LIVE_TIMEOUT}
    response = case.call(**sent)
    try:
        case.validate_response(response, transport_kwargs=sent)
    except FailureGroup as group:
        # Recorded, not raised: the operation's other examples still run, and the test fails
        # once they are done with every distinct failure listed (see conftest).
        fuzz_target.record(group, response)
