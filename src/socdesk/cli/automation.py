"""`socdesk automation import FILE... [--enable]`: put workflows and playbooks on a running
server, and with --enable make them run (docs/workflows.md).

Each file goes through the route a client would use (`POST ~/soc/workflows/import`, `POST
~/soc/playbooks/import`), and --enable takes the SDK's steps after it: each imported version
submitted and approved, then the workflow enabled on its newest version, the playbook enabled
with `active_version_id`. Workflows go first whatever the argument order, because a playbook's
version is only submitted once the workflows its actions run are enabled.

The import routes answer no ids, so the command reads each file's names as the server does and
compares the versions of those names before and after. Every file is read before anything is
sent: a file the server would refuse for its shape, or one that is neither kind, writes nothing.
Each import is all or nothing on the server; when a later step is refused, the files already
imported stay, and the command says which.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from socdesk.automation.playbooks.transfer import read_playbook_file
from socdesk.automation.transfer import workflow_names
from socdesk.cli.remote import (
    DEFAULT_URL,
    PAGE,
    ProjectOption,
    Target,
    Token,
    Url,
    WorkspaceOption,
    answer,
    connected,
    refuse,
    required,
)
from socdesk.kit.errors import ValidationFailed

app = typer.Typer(
    help="Import workflows and playbooks into a running server.", no_args_is_help=True
)

# Keys only one kind of export has: a workflow's (DESIGN.md §4) or a playbook version's.
WORKFLOW_KEYS = frozenset({"aop_type", "engine_type", "taskflow"})
PLAYBOOK_KEYS = frozenset({"trigger_type", "actions", "dataobject_create", "rule"})


class Kind(StrEnum):
    workflow = "workflows"
    playbook = "playbooks"


@dataclass
class AutomationFile:
    path: Path
    kind: Kind
    data: bytes
    names: list[str]


@dataclass
class Imported:
    """One workflow or playbook an import created or added to, and the versions it added."""

    kind: Kind
    name: str
    id: str
    version_ids: list[str]
    enabled: bool = False

    def shown(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "id": self.id,
            "version_ids": self.version_ids,
            "enabled": self.enabled,
        }


def _keys(items: list[Any]) -> set[str]:
    """The keys of the export's items and of their versions."""
    seen: set[str] = set()
    for item in items:
        if isinstance(item, dict):
            seen.update(item)
            versions = item.get("versions")
            for version in versions if isinstance(versions, list) else []:
                if isinstance(version, dict):
                    seen.update(version)
    return seen


def _kind(path: Path, data: bytes) -> Kind:
    """A BPMN file is a workflow; a JSON export is the kind whose keys it has."""
    text = data.decode("utf-8-sig", errors="replace").lstrip()
    if path.suffix.lower() in (".bpmn", ".xml") or text.startswith("<"):
        return Kind.workflow
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        document = None
    items = document if isinstance(document, list) else [document]
    keys = _keys(items)
    if keys & WORKFLOW_KEYS and not keys & PLAYBOOK_KEYS:
        return Kind.workflow
    if keys & PLAYBOOK_KEYS and not keys & WORKFLOW_KEYS:
        return Kind.playbook
    raise typer.BadParameter(
        f"{path}: neither a BPMN file nor a workflow or playbook export (JSON)",
        param_hint="FILE",
    )


def _read(path: Path) -> AutomationFile:
    try:
        data = path.read_bytes()
    except OSError as error:
        refuse(f"cannot read {path}: {error.strerror or error}")
    kind = _kind(path, data)
    try:
        if kind is Kind.workflow:
            names = workflow_names(data, path.name)
        else:
            names = [p.name for p in read_playbook_file(data)[0]]
    except ValidationFailed as failure:
        refuse(f"{path}: {failure.message}; nothing was imported")
    return AutomationFile(path, kind, data, names)


def _pages(target: Target, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every item of a SecMaster list route, page by page."""
    seen: list[dict[str, Any]] = []
    while True:
        found = answer(
            target.client.get(
                target.soc(path), params={**params, "offset": len(seen), "limit": PAGE}
            )
        )
        page: list[dict[str, Any]] = found["data"]
        seen += page
        if not page or len(seen) >= found["total"]:
            return seen


def _versions_of(target: Target, kind: Kind, names: list[str]) -> dict[str, tuple[str, list[str]]]:
    """For each name the workspace has: the id of its workflow (playbook) and its versions' ids,
    oldest first."""
    known: dict[str, tuple[str, list[str]]] = {}
    for name in names:
        found = [item for item in _pages(target, kind, {"name": name}) if item["name"] == name]
        for item in found:
            versions = _pages(target, f"{kind}/{item['id']}/versions", {})
            known[name] = (str(item["id"]), [str(v["id"]) for v in versions])
    return known


def _import(target: Target, file: AutomationFile) -> list[Imported]:
    before = _versions_of(target, file.kind, file.names)
    upload = {"uploadFile": (file.path.name, file.data)}
    answer(target.client.post(target.soc(f"{file.kind}/import"), files=upload))
    after = _versions_of(target, file.kind, file.names)
    imported = []
    for name in file.names:
        if name not in after:  # the server imported under another name: not ours to guess
            refuse(f"{file.path}: imported, but the workspace has no {file.kind[:-1]} {name!r}")
        known_id, versions = after[name]
        old = set(before.get(name, ("", []))[1])
        imported.append(Imported(file.kind, name, known_id, [v for v in versions if v not in old]))
    typer.echo(f"imported {file.path.name}: {', '.join(file.names)}", err=True)
    return imported


@dataclass(frozen=True)
class _Review:
    """How one kind's versions are submitted and its newest one named when enabling."""

    plural: str  # the route segment: workflows, playbooks
    submitted: str  # the version status that asks for approval
    active_key: str  # the field of the enabling PUT that names the version


_REVIEWS = {
    Kind.workflow: _Review("workflows", "pending_approval", "version_id"),
    Kind.playbook: _Review("playbooks", "APPROVING", "active_version_id"),
}


def _enable(target: Target, item: Imported) -> None:
    """Submit and approve each version `item` imported, then enable it on the newest."""
    review = _REVIEWS[item.kind]
    for version_id in item.version_ids:
        version = target.soc(f"{review.plural}/versions/{version_id}")
        answer(target.client.put(version, json={"status": review.submitted}))
        verdict = {"result": "PASS", "content": "socdesk automation import --enable"}
        answer(target.client.post(f"{version}/approval", json=verdict))
    newest = item.version_ids[-1] if item.version_ids else None
    change: dict[str, Any] = {"enabled": True} | ({review.active_key: newest} if newest else {})
    answer(target.client.put(target.soc(f"{review.plural}/{item.id}"), json=change))
    item.enabled = True


@dataclass
class _Run:
    target: Target
    enable: bool
    done: list[Imported] = field(default_factory=list)

    def files(self, files: list[AutomationFile], kind: Kind) -> None:
        for file in files:
            if file.kind is kind:
                self.done += _import(self.target, file)
        if self.enable:
            for item in self.done:
                if item.kind is kind:
                    _enable(self.target, item)


@app.command("import")
def import_files(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...",
            exists=True,
            dir_okay=False,
            readable=True,
            help="Workflows (.bpmn, or a workflow export) and playbook exports (JSON).",
        ),
    ],
    enable: Annotated[
        bool,
        typer.Option("--enable", help="Submit and approve the imported versions, enable each one."),
    ] = False,
    url: Url = DEFAULT_URL,
    token: Token = None,
    project: ProjectOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Import workflow and playbook files (workflows first). Prints {"workflows", "playbooks"},
    each a list of {name, id, version_ids, enabled}."""
    read = [_read(path) for path in files]
    with connected(url, required(token), project, workspace) as target:
        run = _Run(target, enable)
        try:
            run.files(read, Kind.workflow)
            run.files(read, Kind.playbook)
        except typer.Exit:
            if run.done:
                names = ", ".join(f"{i.kind[:-1]} {i.name!r}" for i in run.done)
                typer.echo(f"already imported (left as they are): {names}", err=True)
            raise
    typer.echo(
        json.dumps(
            {
                kind.value: [i.shown() for i in run.done if i.kind is kind]
                for kind in (Kind.workflow, Kind.playbook)
            }
        )
    )
