"""Playbook files: the JSON export (one playbook, or a list) and its import, all or nothing.

Actions name their workflow by NAME (`workflow_name`), so a playbook and its workflows move
between workspaces together: importing resolves each name to the workspace's workflow of that
name and of the version's class. An import checks the whole file — its shape, each rule, each
workflow name, the data classes — before it writes anything; imported versions arrive EDITING
(an import does not pass the workspace's review). A playbook of a name the workspace has gets
the file's versions added to it.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from socdesk.automation.playbooks.changes import VersionSpec
from socdesk.automation.playbooks.evaluator import refuse_bad_rule
from socdesk.automation.playbooks.parts import MAX_ACTIONS, ActionSpec
from socdesk.automation.playbooks.rules import ConditionInfo, stored_rule
from socdesk.automation.playbooks.service import PlaybookService
from socdesk.automation.repository import WorkflowRepository
from socdesk.kit.errors import NotFound, ValidationFailed, some_of
from socdesk.models import Playbook, PlaybookTrigger, PlaybookVersion

UPLOAD_FIELD = "uploadFile"
MAX_PLAYBOOKS_PER_FILE = 100
MAX_VERSIONS_PER_PLAYBOOK = 100


class ActionFile(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=64)
    description: str = Field(default="", max_length=1024)
    action_type: str = Field(default="AOP_WORKFLOW", pattern="^AOP_WORKFLOW$")
    workflow_name: str = Field(min_length=1, max_length=64)
    sort_order: int = Field(default=0, ge=0, le=10**9)


class VersionFile(BaseModel):
    model_config = ConfigDict(extra="ignore")

    description: str = Field(default="", max_length=1024)
    dataclass_name: str = Field(min_length=1, max_length=64)
    trigger_type: PlaybookTrigger = PlaybookTrigger.EVENT
    dataobject_create: bool = False
    dataobject_update: bool = False
    dataobject_delete: bool = False
    rule_enable: bool = False
    action_strategy: str = Field(default="ASYNC", pattern="^ASYNC$")
    rule: ConditionInfo | None = None
    actions: list[ActionFile] = Field(default_factory=list, max_length=MAX_ACTIONS)


class PlaybookFile(BaseModel):
    """One playbook of an export (other keys, such as ids and statuses, are ignored)."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=64)
    description: str = Field(default="", max_length=1024)
    versions: list[VersionFile] = Field(default_factory=list, max_length=MAX_VERSIONS_PER_PLAYBOOK)


def _where(prefix: str, loc: tuple[Any, ...]) -> str:
    where = prefix + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)
    return where.lstrip(".") or UPLOAD_FIELD


def read_playbook_file(data: bytes) -> tuple[list[PlaybookFile], bool]:
    """The file's playbooks, and whether it held a list of them."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValidationFailed.for_field(UPLOAD_FIELD, "the file is not UTF-8 text") from None
    except ValueError as error:
        raise ValidationFailed.for_field(UPLOAD_FIELD, f"malformed JSON: {error}") from None
    except RecursionError:
        raise ValidationFailed.for_field(UPLOAD_FIELD, "malformed JSON: nested too deep") from None
    many = isinstance(document, list)
    items = document if many else [document]
    if not items or len(items) > MAX_PLAYBOOKS_PER_FILE:
        raise ValidationFailed.for_field(
            UPLOAD_FIELD, f"the file must hold 1 to {MAX_PLAYBOOKS_PER_FILE} playbooks"
        )
    playbooks = []
    for index, item in enumerate(items):
        prefix = f"[{index}]" if many else ""
        try:
            playbooks.append(PlaybookFile.model_validate(item))
        except ValidationError as error:
            raise ValidationFailed.combining(
                [
                    ValidationFailed.for_field(_where(prefix, tuple(e["loc"])), e["msg"])
                    for e in error.errors()
                ]
            ) from None
    names = [p.name for p in playbooks]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValidationFailed.for_field("name", f"the file repeats playbooks {some_of(repeated)}")
    return playbooks, many


class PlaybookImporter:
    def __init__(self, service: PlaybookService) -> None:
        self.service = service
        self.workflows = WorkflowRepository(service.session, service.scope.workspace_id)

    async def run(self, data: bytes, write: bool = True) -> list[Playbook]:
        """Import a playbook export; with `write` false, only check it."""
        playbooks, many = read_playbook_file(data)
        names = sorted({a.workflow_name for p in playbooks for v in p.versions for a in v.actions})
        by_name = {w.name: w for w in await self.workflows.of_names(names)}
        problems: list[ValidationFailed] = []
        planned: list[tuple[PlaybookFile, Playbook | None, list[VersionSpec]]] = []
        for index, playbook in enumerate(playbooks):
            prefix = f"[{index}]." if many else ""
            try:
                target = await self._target(playbook, f"{prefix}name")
            except ValidationFailed as failure:
                problems.append(failure)
                target = None
            specs = []
            for number, version in enumerate(playbook.versions):
                where = f"{prefix}versions[{number}]"
                try:
                    specs.append(await self._spec(version, by_name, where))
                except ValidationFailed as failure:
                    problems.append(failure)
            planned.append((playbook, target, specs))
        if problems:
            raise ValidationFailed.combining(problems)
        if not write:
            return []
        done = []
        for playbook, target, specs in planned:
            row = target or await self.service.create(playbook.name, playbook.description)
            for spec in specs:
                await self.service.add_version(row, spec)
            done.append(row)
        return done

    async def _target(self, playbook: PlaybookFile, where: str) -> Playbook | None:
        existing = await self.service.named(playbook.name)
        if existing is not None and existing.dataclass_id is not None:
            for version in playbook.versions:
                data_class = await self.service.workflows.data_class(version.dataclass_name)
                if data_class.id != str(existing.dataclass_id):
                    raise ValidationFailed.for_field(
                        where,
                        f"the workspace's playbook {playbook.name!r} is of class "
                        f"{existing.dataclass_name}, the file's of {data_class.name}",
                    )
        return existing

    async def _spec(self, version: VersionFile, by_name: dict[str, Any], where: str) -> VersionSpec:
        data_class = await self.service.workflows.data_class(
            version.dataclass_name, f"{where}.dataclass_name"
        )
        if version.rule is not None:
            refuse_bad_rule(version.rule, f"{where}.rule")
        actions = []
        missing: list[ValidationFailed] = []
        for index, action in enumerate(version.actions):
            workflow = by_name.get(action.workflow_name)
            at = f"{where}.actions[{index}].workflow_name"
            if workflow is None or str(workflow.dataclass_id) != data_class.id:
                missing.append(
                    ValidationFailed.for_field(
                        at,
                        f"no workflow {action.workflow_name!r} of class {data_class.name} in "
                        "this workspace: import the workflow first",
                    )
                )
                continue
            actions.append(
                ActionSpec(
                    name=action.name,
                    workflow_ref=str(workflow.id),
                    description=action.description,
                    sort_order=action.sort_order,
                )
            )
        if missing:
            raise ValidationFailed.combining(missing)
        return VersionSpec(
            dataclass_ref=data_class.id,
            description=version.description,
            trigger_type=version.trigger_type,
            dataobject_create=version.dataobject_create,
            dataobject_update=version.dataobject_update,
            dataobject_delete=version.dataobject_delete,
            rule_enable=version.rule_enable,
            action_strategy=version.action_strategy,
            actions=actions,
            rule=version.rule,
        )


async def exported(service: PlaybookService, ids: list[str]) -> Any:
    """The export of playbooks `ids` (all of this workspace, else a 400 naming the others):
    one playbook's object, or a list for several."""
    keys: list[uuid.UUID] = []
    missing: list[str] = []
    for ref in dict.fromkeys(ids):
        try:
            keys.append((await service.find(ref, "id")).id)
        except NotFound:
            missing.append(ref[:100])
    if missing:
        raise NotFound(f"id: no playbooks {some_of(missing)} in this workspace")
    rows = await service.playbooks.of_ids(keys)
    order = {key: index for index, key in enumerate(keys)}
    rows.sort(key=lambda r: order[r.id])
    versions = await service.versions.all_of_playbooks(keys)
    actions = await service.parts.actions.of_versions([v.id for v in versions])
    workflows = {
        w.id: w.name
        for w in await service.parts.workflows.of_ids(list({a.workflow_id for a in actions}))
    }
    by_version: dict[uuid.UUID, list[Any]] = {}
    for action in actions:
        by_version.setdefault(action.version_id, []).append(
            {
                "name": action.name,
                "description": action.description,
                "action_type": action.action_type,
                "action_id": str(action.workflow_id),
                "workflow_name": workflows.get(action.workflow_id, ""),
                "sort_order": action.sort_order,
            }
        )
    by_playbook: dict[uuid.UUID, list[PlaybookVersion]] = {}
    for version in versions:
        by_playbook.setdefault(version.playbook_id, []).append(version)

    def version_file(version: PlaybookVersion) -> dict[str, Any]:
        rule = stored_rule(version.rule)
        return {
            "version": f"v{version.number}",
            "description": version.description,
            "status": version.status,
            "dataclass_name": version.dataclass_name,
            "trigger_type": version.trigger_type,
            "dataobject_create": version.dataobject_create,
            "dataobject_update": version.dataobject_update,
            "dataobject_delete": version.dataobject_delete,
            "rule_enable": version.rule_enable,
            "action_strategy": version.action_strategy,
            "rule": rule.model_dump(exclude_none=True) if rule else None,
            "actions": by_version.get(version.id, []),
        }

    items = [
        {
            "name": row.name,
            "description": row.description,
            "dataclass_name": row.dataclass_name,
            "versions": [version_file(v) for v in by_playbook.get(row.id, [])],
        }
        for row in rows
    ]
    return items[0] if len(items) == 1 else items
