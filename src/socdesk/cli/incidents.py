"""`socdesk incidents import|export`: move incident files to and from a running server.

These commands speak HTTP to a SOCdesk server (local or remote) with the caller's token
(cli/remote.py), so they need no database credentials; exit 0 on success, 1 when the server
refuses (or cannot be reached), 2 on a usage error. Progress bars and problems go to stderr;
stdout carries one JSON line, for scripts.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TransferSpeedColumn
from rich.table import Table

from socdesk.cli.remote import (
    DEFAULT_URL,
    ProjectOption,
    Token,
    Url,
    WorkspaceOption,
    answer,
    connected,
    message_of,
    refuse,
    required,
)

app = typer.Typer(
    help="Import and export incidents through a running server.", no_args_is_help=True
)
stderr = Console(stderr=True)

CHUNK_BYTES = 256 * 1024
VALUE_WIDTH = 60  # longest cell value shown in the problem table


class ExportFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"


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
    with connected(url, required(token), project, workspace) as target, _progress() as progress:
        with _ReportingFile(file, progress) as upload:
            response = target.client.post(
                target.soc("incidents/import"), files={"uploadFile": (file.name, upload)}
            )
    problems = _file_problems(response)
    if problems is not None:
        typer.echo(f"error: {message_of(response)}", err=True)
        stderr.print(_problem_table(problems))
        raise typer.Exit(1)
    ids = answer(response)["data"]["ids"]
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
        refuse(f"cannot write {output}: {error.strerror or error}")
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
    token = required(token)
    with _part_file(output) as out, connected(url, token, project, workspace) as target:
        params = {"format": file_format.value}
        with target.client.stream(
            "POST", target.soc("incidents/export"), params=params, json=body
        ) as response:
            if response.is_error:
                response.read()
                refuse(message_of(response))
            written = _download(response, out, output.name)
    typer.echo(json.dumps({"file": str(output), "bytes": written}))
