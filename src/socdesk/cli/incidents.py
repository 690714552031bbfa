"""`socdesk incidents import|export`: move incident files to and from a running server.

These commands speak HTTP to the server (they work against any SOCdesk, local or remote) with
the caller's token; progress bars go to stderr, so stdout stays one JSON line.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn
from rich.table import Table

app = typer.Typer(
    help="Import and export incidents through a running server.", no_args_is_help=True
)
stderr = Console(stderr=True)

Url = Annotated[str, typer.Option("--url", help="The server.")]
Token = Annotated[
    str | None, typer.Option("--token", envvar="SOCDESK_TOKEN", help="X-Auth-Token to send.")
]
ProjectOption = Annotated[str | None, typer.Option("--project", help="Project name or id.")]
WorkspaceOption = Annotated[str | None, typer.Option("--workspace", help="Workspace name or id.")]
CHUNK = 256 * 1024


def _refuse(message: str) -> NoReturn:
    stderr.print(f"error: {message}", markup=False, highlight=False)
    raise typer.Exit(1)


def _message_of(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            return str(error.get("message", response.status_code))
        return str(body.get("message") or error or response.status_code)
    return f"HTTP {response.status_code}"


@dataclass
class Server:
    client: httpx.Client
    incidents_path: str

    def check(self, response: httpx.Response) -> httpx.Response:
        if response.status_code >= 400:
            _refuse(_message_of(response))
        return response


def _pick(items: list[dict[str, Any]], wanted: str, what: str) -> dict[str, Any]:
    for item in items:
        if wanted in (item.get("id"), item.get("name")) or wanted.replace("-", "") == str(
            item.get("id", "")
        ).replace("-", ""):
            return item
    _refuse(f"no {what} {wanted!r} is visible to this token")


def _connect(url: str, token: str | None, project: str | None, workspace: str | None) -> Server:
    """A client for the server, and the incidents path of the chosen workspace."""
    if not token:
        raise typer.BadParameter("give --token or set SOCDESK_TOKEN", param_hint="--token")
    client = httpx.Client(base_url=url, headers={"X-Auth-Token": token}, timeout=None)
    server = Server(client, "")
    try:
        who = server.check(client.get("/v3/auth/tokens", headers={"X-Subject-Token": token}))
    except httpx.TransportError as error:
        _refuse(f"cannot reach {url}: {error}")
    mine = who.json()["token"]["project"]
    if project:
        _pick([mine], project, "project")
    listed = server.check(client.get(f"/v1/{mine['id']}/workspaces", params={"limit": 1000}))
    workspaces = listed.json()["workspaces"]
    if workspace:
        chosen = _pick(workspaces, workspace, "workspace")
    elif len(workspaces) == 1:
        chosen = workspaces[0]
    else:
        raise typer.BadParameter("you see several workspaces: name one", param_hint="--workspace")
    server.incidents_path = f"/v1/{mine['id']}/workspaces/{chosen['id']}/soc/incidents"
    return server


def _progress() -> Progress:
    return Progress(
        "{task.description}", BarColumn(), DownloadColumn(), TransferSpeedColumn(), console=stderr
    )


def _upload_body(path: Path, progress: Progress) -> Iterator[bytes]:
    task = progress.add_task(f"uploading {path.name}", total=path.stat().st_size)
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            progress.advance(task, len(chunk))
            yield chunk


def _multipart(path: Path, progress: Progress) -> tuple[str, Iterator[bytes]]:
    """A multipart/form-data body with the file in `uploadFile`, streamed from disk."""
    boundary = os.urandom(16).hex()
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="uploadFile"; '
        f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def body() -> Iterator[bytes]:
        yield head
        yield from _upload_body(path, progress)
        yield tail

    return f"multipart/form-data; boundary={boundary}", body()


def _show_problems(response: httpx.Response) -> NoReturn:
    body = response.json()
    stderr.print(f"error: {body.get('message')}", markup=False, highlight=False)
    table = Table("Row", "Column", "Value", "Problem")
    for problem in body["data"]["errors"]:
        value = problem.get("value")
        table.add_row(
            str(problem.get("row", "")),
            str(problem.get("field", "")),
            "" if value is None else str(value)[:60],
            str(problem.get("message", "")),
        )
    stderr.print(table)
    raise typer.Exit(1)


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    url: Url = "http://127.0.0.1:8000",
    token: Token = None,
    project: ProjectOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Import an XLSX, CSV or JSON file of incidents: all of them, or none."""
    server = _connect(url, token, project, workspace)
    with _progress() as progress:
        content_type, body = _multipart(file, progress)
        try:
            response = server.client.post(
                f"{server.incidents_path}/import",
                content=body,
                headers={"Content-Type": content_type},
            )
        except httpx.TransportError as error:
            _refuse(f"cannot reach {url}: {error}")
    if response.status_code == 400 and "errors" in (response.json().get("data") or {}):
        _show_problems(response)
    ids = server.check(response).json()["data"]["ids"]
    typer.echo(json.dumps({"imported": len(ids), "ids": ids}))


@app.command("export")
def export_file(
    output: Annotated[Path, typer.Option("-o", "--output", dir_okay=False, help="File to write.")],
    filter_json: Annotated[
        str | None, typer.Option("--filter", help="A search body, as JSON, choosing incidents.")
    ] = None,
    columns: Annotated[
        str | None, typer.Option("--columns", help="Comma-separated field keys or labels.")
    ] = None,
    file_format: Annotated[str, typer.Option("--format", help="xlsx, csv or json.")] = "xlsx",
    url: Url = "http://127.0.0.1:8000",
    token: Token = None,
    project: ProjectOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Export incidents to a file in the import template's layout."""
    if file_format not in ("xlsx", "csv", "json"):
        raise typer.BadParameter("use xlsx, csv or json", param_hint="--format")
    body: dict[str, Any] = {}
    if filter_json:
        try:
            body["data_object_filters_form"] = json.loads(filter_json)
        except ValueError as error:
            raise typer.BadParameter(f"not JSON: {error}", param_hint="--filter") from None
    if columns:
        body["title"] = [c.strip() for c in columns.split(",") if c.strip()]
    server = _connect(url, token, project, workspace)
    written = 0
    with (
        _progress() as progress,
        server.client.stream(
            "POST", f"{server.incidents_path}/export", params={"format": file_format}, json=body
        ) as response,
    ):
        if response.status_code >= 400:
            response.read()
            _refuse(_message_of(response))
        total = int(response.headers.get("content-length", 0)) or None
        task = progress.add_task(f"downloading {output.name}", total=total)
        with output.open("wb") as out:
            for chunk in response.iter_bytes(CHUNK):
                out.write(chunk)
                written += len(chunk)
                progress.advance(task, len(chunk))
    typer.echo(json.dumps({"file": str(output), "bytes": written}))
