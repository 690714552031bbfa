"""`socdesk incidents import|export`: move incident files to and from a running server.

These commands speak HTTP to a SOCdesk server (local or remote) with the caller's token, so they
need no database credentials. Like the rest of the CLI they exit 0 on success, 1 when the server
refuses (or cannot be reached) and 2 on a usage error. Progress bars and problems go to stderr;
stdout carries one JSON line, for scripts.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated, Any, NoReturn

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TransferSpeedColumn
from rich.table import Table

app = typer.Typer(
    help="Import and export incidents through a running server.", no_args_is_help=True
)
stderr = Console(stderr=True)

CHUNK_BYTES = 256 * 1024
PAGE = 1000  # the most workspaces one list request returns
VALUE_WIDTH = 60  # longest cell value shown in the problem table
TIMEOUT = httpx.Timeout(None, connect=10.0)  # imports and exports may take minutes to answer


class ExportFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"


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
DEFAULT_URL = "http://127.0.0.1:8000"


def _refuse(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _message_of(response: httpx.Response) -> str:
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


def _answer(response: httpx.Response) -> dict[str, Any]:
    """The JSON object of a successful response; any other response is refused."""
    if response.is_error:
        _refuse(_message_of(response))
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        _refuse(f"unexpected answer from {response.request.url}: not a JSON object")
    return body


@contextmanager
def _reaching(url: str) -> Iterator[None]:
    """Turn a network failure into a refusal that names the server."""
    try:
        yield
    except httpx.TransportError as error:
        _refuse(f"cannot reach {url}: {error or type(error).__name__}")


def _same(wanted: str, item: dict[str, Any]) -> bool:
    """Whether `wanted` is the item's name, or its id in any spelling (dashes, case)."""
    given_id = wanted.replace("-", "").lower()
    return wanted == item.get("name") or given_id == str(item.get("id", "")).replace("-", "")


@dataclass(frozen=True)
class Target:
    """Where the incidents live, as the server names them."""

    client: httpx.Client
    project_id: str
    workspace_id: str

    def path(self, action: str) -> str:
        return f"/v1/{self.project_id}/workspaces/{self.workspace_id}/soc/incidents/{action}"


def _project_id(client: httpx.Client, token: str, wanted: str | None) -> str:
    """The token's project; a --project naming another one is refused."""
    answer = _answer(client.get("/v3/auth/tokens", headers={"X-Subject-Token": token}))
    project: dict[str, Any] = answer["token"]["project"]
    if wanted and not _same(wanted, project):
        owner = f"{project['name']!r} ({project['id']})"
        _refuse(f"the token belongs to project {owner}, not to {wanted!r}")
    return str(project["id"])


def _workspaces(client: httpx.Client, project_id: str) -> list[dict[str, Any]]:
    """Every workspace the token sees, page by page."""
    seen: list[dict[str, Any]] = []
    while True:
        params = {"offset": len(seen), "limit": PAGE}
        answer = _answer(client.get(f"/v1/{project_id}/workspaces", params=params))
        page: list[dict[str, Any]] = answer["workspaces"]
        seen += page
        if not page or len(seen) >= answer["count"]:
            return seen


def _workspace_id(client: httpx.Client, project_id: str, wanted: str | None) -> str:
    workspaces = _workspaces(client, project_id)
    if wanted:
        chosen = next((w for w in workspaces if _same(wanted, w)), None)
        if chosen is None:
            _refuse(f"no workspace {wanted!r} among the {len(workspaces)} this token can see")
        return str(chosen["id"])
    if len(workspaces) == 1:
        return str(workspaces[0]["id"])
    names = ", ".join(repr(w["name"]) for w in workspaces) or "none"
    raise typer.BadParameter(
        f"the token sees {len(workspaces)} workspaces ({names}): choose one",
        param_hint="--workspace",
    )


def _required(token: str | None) -> str:
    if not token:
        raise typer.BadParameter("give --token or set SOCDESK_TOKEN", param_hint="--token")
    return token


@contextmanager
def _target(url: str, token: str, project: str | None, workspace: str | None) -> Iterator[Target]:
    """A client logged in to the server, aimed at the chosen workspace; closed afterwards."""
    headers = {"X-Auth-Token": token}
    with httpx.Client(base_url=url, headers=headers, timeout=TIMEOUT) as client, _reaching(url):
        project_id = _project_id(client, token, project)
        yield Target(client, project_id, _workspace_id(client, project_id, workspace))


def _progress() -> Progress:
    columns = ("{task.description}", BarColumn(), DownloadColumn(), TransferSpeedColumn())
    return Progress(*columns, console=stderr)


class _ReportingFile(io.FileIO):
    """A file opened for reading whose reads move a progress bar, so that an upload streamed
    from it shows how far it has gone."""

    def __init__(self, path: Path, progress: Progress) -> None:
        super().__init__(path, "rb")
        self.progress = progress
        self.task: TaskID = progress.add_task(
            f"uploading {path.name}", total=os.fstat(self.fileno()).st_size
        )

    def read(self, size: int | None = -1, /) -> bytes:
        chunk = super().read(size)
        self.progress.update(self.task, completed=self.tell())
        return chunk


def _problem_table(errors: list[dict[str, Any]]) -> Table:
    table = Table("Row", "Column", "Value", "Problem")
    for problem in errors:
        row, value = problem.get("row"), problem.get("value")
        shown = "" if value is None else str(value)
        if len(shown) > VALUE_WIDTH:
            shown = shown[: VALUE_WIDTH - 1] + "…"
        table.add_row(
            "" if row is None else str(row),
            str(problem.get("field", "")),
            shown,
            str(problem.get("message", "")),
        )
    return table


def _file_problems(response: httpx.Response) -> list[dict[str, Any]] | None:
    """The per-row problems of a refused import (a 400 with `data.errors`), if it is one."""
    if response.status_code != 400:
        return None
    try:
        errors = response.json()["data"]["errors"]
    except (ValueError, KeyError, TypeError):
        return None
    return errors if isinstance(errors, list) else None


@app.command("import")
def import_file(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", exists=True, dir_okay=False, readable=True, help="XLSX, CSV or JSON."
        ),
    ],
    url: Url = DEFAULT_URL,
    token: Token = None,
    project: ProjectOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Import a file of incidents: all of them, or none. Prints {"imported", "ids"}."""
    with _target(url, _required(token), project, workspace) as target, _progress() as progress:
        with _ReportingFile(file, progress) as upload:
            response = target.client.post(
                target.path("import"), files={"uploadFile": (file.name, upload)}
            )
    problems = _file_problems(response)
    if problems is not None:
        typer.echo(f"error: {_message_of(response)}", err=True)
        stderr.print(_problem_table(problems))
        raise typer.Exit(1)
    ids = _answer(response)["data"]["ids"]
    typer.echo(json.dumps({"imported": len(ids), "ids": ids}))


def _search_body(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        body = json.loads(text)
    except ValueError as error:
        raise typer.BadParameter(f"not JSON: {error}", param_hint="--filter") from None
    if not isinstance(body, dict):
        raise typer.BadParameter("give a search body, a JSON object", param_hint="--filter")
    return body


def _export_body(filter_json: str | None, columns: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {}
    search = _search_body(filter_json)
    if search is not None:
        body["data_object_filters_form"] = search
    titles = [c.strip() for c in (columns or "").split(",") if c.strip()]
    if titles:
        body["title"] = titles
    return body


@contextmanager
def _part_file(output: Path) -> Iterator[IO[bytes]]:
    """A file beside `output` that takes its place only if the block completes."""
    part = output.with_name(f".{output.name}.{os.getpid()}.part")
    try:
        handle = part.open("xb")
    except OSError as error:
        _refuse(f"cannot write {output}: {error.strerror or error}")
    try:
        with handle:
            yield handle
        part.replace(output)
    finally:
        part.unlink(missing_ok=True)


def _download(response: httpx.Response, out: IO[bytes], name: str) -> int:
    """Write the response's body to `out` with a progress bar; the number of bytes."""
    size = response.headers.get("content-length", "")
    written = 0
    with _progress() as progress:
        task = progress.add_task(f"downloading {name}", total=int(size) if size.isdigit() else None)
        for chunk in response.iter_bytes(CHUNK_BYTES):
            out.write(chunk)
            written += len(chunk)
            progress.update(task, completed=written)
    return written


@app.command("export")
def export_file(
    output: Annotated[Path, typer.Option("-o", "--output", dir_okay=False, help="File to write.")],
    filter_json: Annotated[
        str | None, typer.Option("--filter", help="A search body (JSON) choosing the incidents.")
    ] = None,
    columns: Annotated[
        str | None, typer.Option("--columns", help="Comma-separated field keys or labels.")
    ] = None,
    file_format: Annotated[
        ExportFormat, typer.Option("--format", case_sensitive=False)
    ] = ExportFormat.xlsx,
    url: Url = DEFAULT_URL,
    token: Token = None,
    project: ProjectOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Export incidents in the import template's layout. Prints {"file", "bytes"}."""
    body = _export_body(filter_json, columns)
    token = _required(token)
    with _part_file(output) as out, _target(url, token, project, workspace) as target:
        params = {"format": file_format.value}
        with target.client.stream(
            "POST", target.path("export"), params=params, json=body
        ) as response:
            if response.is_error:
                response.read()
                _refuse(_message_of(response))
            written = _download(response, out, output.name)
    typer.echo(json.dumps({"file": str(output), "bytes": written}))
