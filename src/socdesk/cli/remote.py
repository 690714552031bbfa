"""What the CLI's client commands share: reaching a running server with the caller's token,
finding the workspace it means, and turning any answer that is not a success into a refusal.

These commands need no database credentials. Like the rest of the CLI they exit 0 on success,
1 when the server refuses (or cannot be reached) and 2 on a usage error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any, NoReturn

import httpx
import typer

PAGE = 1000  # the most items one list request returns
TIMEOUT = httpx.Timeout(None, connect=10.0)  # imports and exports may take minutes to answer
DEFAULT_URL = "http://127.0.0.1:8000"


def _valid_url(url: str) -> str:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise typer.BadParameter(str(error)) from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise typer.BadParameter("give the server as http://host:port or https://host")
    return url


Url = Annotated[str, typer.Option("--url", callback=_valid_url, help="The server.")]
Token = Annotated[
    str | None,
    typer.Option("--token", envvar="SOCDESK_TOKEN", show_envvar=True, help="Token or API key."),
]
ProjectOption = Annotated[
    str | None, typer.Option("--project", help="Project name or id (checked against the token).")
]
WorkspaceOption = Annotated[
    str | None,
    typer.Option("--workspace", help="Workspace name or id; needed if the token sees several."),
]


def refuse(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def message_of(response: httpx.Response) -> str:
    """The error message of any dialect's envelope, or the status when there is none."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        error = body.get("error")
        message = error.get("message") if isinstance(error, dict) else body.get("message")
        if message:
            return str(message)
    return f"HTTP {response.status_code} {response.reason_phrase}".strip()


def answer(response: httpx.Response) -> dict[str, Any]:
    """The JSON object of a successful response; any other response is refused."""
    if response.is_error:
        refuse(message_of(response))
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        refuse(f"unexpected answer from {response.request.url}: not a JSON object")
    return body


@contextmanager
def _reaching(url: str) -> Iterator[None]:
    """Turn a network failure into a refusal that names the server."""
    try:
        yield
    except httpx.TransportError as error:
        refuse(f"cannot reach {url}: {error or type(error).__name__}")


def _same(wanted: str, item: dict[str, Any]) -> bool:
    """Whether `wanted` is the item's name, or its id in any spelling (dashes, case)."""
    given_id = wanted.replace("-", "").lower()
    return wanted == item.get("name") or given_id == str(item.get("id", "")).replace("-", "")


@dataclass(frozen=True)
class Target:
    """Where the command works, as the server names it."""

    client: httpx.Client
    project_id: str
    workspace_id: str

    def soc(self, rest: str) -> str:
        """The path of a SecMaster route of the workspace: `soc("incidents/import")`."""
        return f"/v1/{self.project_id}/workspaces/{self.workspace_id}/soc/{rest}"


def _project_id(client: httpx.Client, token: str, wanted: str | None) -> str:
    """The token's project; a --project naming another one is refused."""
    found = answer(client.get("/v3/auth/tokens", headers={"X-Subject-Token": token}))
    project: dict[str, Any] = found["token"]["project"]
    if wanted and not _same(wanted, project):
        owner = f"{project['name']!r} ({project['id']})"
        refuse(f"the token belongs to project {owner}, not to {wanted!r}")
    return str(project["id"])


def _workspaces(client: httpx.Client, project_id: str) -> list[dict[str, Any]]:
    """Every workspace the token sees, page by page."""
    seen: list[dict[str, Any]] = []
    while True:
        params = {"offset": len(seen), "limit": PAGE}
        found = answer(client.get(f"/v1/{project_id}/workspaces", params=params))
        page: list[dict[str, Any]] = found["workspaces"]
        seen += page
        if not page or len(seen) >= found["count"]:
            return seen


def _workspace_id(client: httpx.Client, project_id: str, wanted: str | None) -> str:
    workspaces = _workspaces(client, project_id)
    if wanted:
        chosen = next((w for w in workspaces if _same(wanted, w)), None)
        if chosen is None:
            refuse(f"no workspace {wanted!r} among the {len(workspaces)} this token can see")
        return str(chosen["id"])
    if len(workspaces) == 1:
        return str(workspaces[0]["id"])
    names = ", ".join(repr(w["name"]) for w in workspaces) or "none"
    raise typer.BadParameter(
        f"the token sees {len(workspaces)} workspaces ({names}): choose one",
        param_hint="--workspace",
    )


def required(token: str | None) -> str:
    if not token:
        raise typer.BadParameter("give --token or set SOCDESK_TOKEN", param_hint="--token")
    return token


@contextmanager
def connected(url: str, token: str, project: str | None, workspace: str | None) -> Iterator[Target]:
    """A client logged in to the server, aimed at the chosen workspace; closed afterwards."""
    headers = {"X-Auth-Token": token}
    with httpx.Client(base_url=url, headers=headers, timeout=TIMEOUT) as client, _reaching(url):
        project_id = _project_id(client, token, project)
        yield Target(client, project_id, _workspace_id(client, project_id, workspace))
