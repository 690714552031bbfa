"""`socdesk`: serve, migrate and administer. The commands and their JSON output are a contract
that scripts call: exit 0 on success, 1 when the action is refused, 2 on a usage error."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.automation.runs.worker import work
from socdesk.cli.automation import app as automation_app
from socdesk.cli.demo_data import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_PROJECT,
    DemoTenant,
    prepare_demo,
)
from socdesk.cli.incidents import app as incidents_app
from socdesk.cli.listen import CannotListen, require_free_port
from socdesk.cli.serving import serve as serve_app
from socdesk.cli.store import command, in_transaction, migrate, require_current_schema
from socdesk.iam.accounts import AccountService
from socdesk.iam.schemas import TokenRequest
from socdesk.iam.service import AuthService
from socdesk.kit.errors import AppError
from socdesk.kit.ids import hex_id
from socdesk.models import Role
from socdesk.settings import Settings

app = typer.Typer(help="SOCdesk, the security-operations incident desk.", no_args_is_help=True)
db_app = typer.Typer(help="Manage the store's schema.", no_args_is_help=True)
admin_app = typer.Typer(help="Manage projects, users and credentials.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(admin_app, name="admin")
app.add_typer(incidents_app, name="incidents")
app.add_typer(automation_app, name="automation")

Project = Annotated[str, typer.Option("--project", help="The project (tenant) name.")]
Email = Annotated[str, typer.Option("--email", help="The user's email.")]
Password = Annotated[str, typer.Option("--password", help="The user's password.")]
Workspace = Annotated[str, typer.Option("--workspace", help="The workspace name.")]


def _refuse(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        _refuse(f"invalid configuration: {problems}")


def _run(work: Callable[[AsyncSession, Settings], Any]) -> Any:
    settings = _settings()
    try:
        return in_transaction(settings, lambda session: work(session, settings))
    except AppError as error:
        _refuse(error.message)


def _migrate(settings: Settings) -> None:
    try:
        migrate(settings)
    except AppError as error:
        _refuse(error.message)


def _print_json(value: dict[str, Any]) -> None:
    typer.echo(json.dumps(value))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    _migrate(_settings())
    typer.echo("schema is current", err=True)


@admin_app.command("bootstrap")
def bootstrap(project: Project, workspace: Workspace, email: Email, password: Password) -> None:
    """Create (or confirm) a project, a workspace and its administrator. Idempotent."""

    async def work(session: AsyncSession, _settings: Settings) -> dict[str, str]:
        tenant = await AccountService(session).bootstrap(project, workspace, email, password)
        return {
            "project_id": hex_id(tenant.project.id),
            "workspace_id": str(tenant.workspace.id),
            "user_id": str(tenant.user.id),
        }

    _print_json(_run(work))


@admin_app.command("create-user")
def create_user(
    project: Project,
    email: Email,
    password: Password,
    first_name: Annotated[str, typer.Option("--first-name")] = "",
    last_name: Annotated[str, typer.Option("--last-name")] = "",
) -> None:
    """Create a user in a project (refused if the email is taken there)."""

    async def work(session: AsyncSession, _settings: Settings) -> dict[str, str]:
        user = await AccountService(session).create_user(
            project, email, password, first_name, last_name
        )
        return {"user_id": str(user.id)}

    _print_json(_run(work))


@admin_app.command("add-member")
def add_member(
    project: Project,
    workspace: Workspace,
    email: Email,
    role: Annotated[Role, typer.Option("--role", help="admin, analyst or viewer.")],
) -> None:
    """Give a user a role in a workspace (changing it if they are already a member)."""

    async def work(session: AsyncSession, _settings: Settings) -> dict[str, str]:
        membership = await AccountService(session).add_member(project, workspace, email, role)
        return {
            "workspace_id": str(membership.workspace_id),
            "user_id": str(membership.user_id),
            "role": membership.role.value,
        }

    _print_json(_run(work))


@admin_app.command("create-api-key")
def create_api_key(
    email: Email,
    project: Project,
    name: Annotated[str, typer.Option("--name", help="What the key is for.")] = "cli",
) -> None:
    """Create a long-lived API key; its value is printed once."""

    async def work(session: AsyncSession, settings: Settings) -> dict[str, str]:
        tenant, user = await AccountService(session).user_named(project, email)
        issued = await AuthService(session, settings).create_api_key(user, tenant, name, None)
        return {"id": str(issued.record.id), "key": issued.value}

    _print_json(_run(work))


@admin_app.command("create-access-key")
def create_access_key(email: Email, project: Project) -> None:
    """Create an AK/SK pair for the SecMaster SDK; the secret key is printed once."""

    async def work(session: AsyncSession, settings: Settings) -> dict[str, str]:
        _tenant, user = await AccountService(session).user_named(project, email)
        record, secret = await AuthService(session, settings).create_access_key(user)
        return {"access_key": record.access_key, "secret_key": secret}

    _print_json(_run(work))


def _login(email: str, password: str, project: str) -> str:
    body = TokenRequest.model_validate(
        {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {"name": email, "password": password, "domain": {"name": project}}
                    },
                }
            }
        }
    )

    async def work(session: AsyncSession, settings: Settings) -> str:
        # No throttle here: whoever runs the CLI already holds the database credentials.
        return (await AuthService(session, settings).login(body)).value

    token: str = _run(work)
    return token


@app.command("token")
def token(email: Email, password: Password, project: Project) -> None:
    """Log in and print a session token (bare, for `X-Auth-Token: $(socdesk token ...)`)."""
    typer.echo(_login(email, password, project))


def _can_listen(host: str, port: int) -> None:
    try:
        require_free_port(host, port)
    except CannotListen as error:
        _refuse(str(error))


def _serve(host: str, port: int, workers: int) -> None:
    serve_app("socdesk.app:create_app", host, port, workers)


Host = Annotated[str, typer.Option("--host", help="Interface to listen on.")]
Port = Annotated[int, typer.Option("--port", min=1, max=65535)]


@app.command("serve")
def serve(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Server processes.")] = 1,
    migrate: Annotated[bool, typer.Option("--migrate", help="Apply migrations first.")] = False,
) -> None:
    """Serve the API (refuses an un-migrated store unless --migrate is given)."""
    settings = _settings()
    if migrate:
        _migrate(settings)
    try:
        require_current_schema(settings)
    except AppError as error:
        _refuse(error.message)
    _can_listen(host, port)
    _serve(host, port, workers)


@app.command("worker")
def worker(
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, max=64, help="Runs taken at once.")
    ] = 1,
) -> None:
    """Take workflow runs from the store until stopped (SIGINT or SIGTERM): run any number,
    on any machines, against the same database (docs/serving.md)."""
    settings = _settings()
    try:
        require_current_schema(settings)
    except AppError as error:
        _refuse(str(error))
    typer.echo(json.dumps({"worker": "started", "concurrency": concurrency}), err=True)
    asyncio.run(work(settings, concurrency))


@app.command("demo")
def demo(host: Host = "127.0.0.1", port: Port = 8000) -> None:
    """Migrate, create the demo tenant (with sample incidents) if the store has none, print a
    login and serve, running workflow runs in the server (SOCDESK_RUNNER_IN_PROCESS, unless
    set)."""
    settings = _settings()
    _can_listen(host, port)  # before anything is written or printed
    _migrate(settings)

    async def seed(session: AsyncSession, _settings: Settings) -> DemoTenant | None:
        return await prepare_demo(session)

    found: DemoTenant | None = _run(seed)
    if found:
        token = _login(DEMO_EMAIL, DEMO_PASSWORD, DEMO_PROJECT)
        url = f"http://{host}:{port}"
        sample = f", with {found.seeded} sample incidents" if found.seeded else ""
        typer.echo(
            f"SOCdesk demo tenant ready{sample}.\n"
            f"  login:    {DEMO_EMAIL} / {DEMO_PASSWORD} (project {DEMO_PROJECT!r})\n"
            f"  token:    {token}\n"
            f"  try:      curl -H 'X-Auth-Token: {token}' {url}/v1/{found.project_id}/workspaces\n"
            f"  API docs: {url}/docs\n"
            "For the examples in README.md and docs/, paste this into the shell you run them in:\n"
            f"  export TOKEN={token} PROJECT_ID={found.project_id} "
            f"WORKSPACE_ID={found.workspace_id}",
        )
    else:
        typer.echo(
            "The store has tenants but no demo project; log in with "
            f"{command('token --email E --password PW --project NAME')}.",
            err=True,
        )
    # The demo is one process on either store: it runs workflow runs itself (on PostgreSQL
    # too), so that a playbook it is shown fires without a `socdesk worker` beside it.
    os.environ.setdefault("SOCDESK_RUNNER_IN_PROCESS", "true")
    _serve(host, port, 1)


def main() -> None:
    app(prog_name="socdesk")


if __name__ == "__main__":
    main()
