"""Playbooks and their versions: the rules every route (and the import) goes through. A
version's rule and actions are in parts.py; the status rules in statuses.py."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.automation.playbooks.changes import PlaybookChange, VersionChange, VersionSpec
from socdesk.automation.playbooks.parts import ActionSpec, VersionParts
from socdesk.automation.playbooks.repository import (
    PlaybookApprovalRepository,
    PlaybookCounts,
    PlaybookFilter,
    PlaybookRepository,
    PlaybookVersionRepository,
    VersionFilter,
)
from socdesk.automation.playbooks.statuses import (
    ApprovalResult,
    check_approvable,
    check_editable,
    check_move,
)
from socdesk.automation.service import WorkflowService
from socdesk.kit.clock import utcnow
from socdesk.kit.db import add_or_refuse
from socdesk.kit.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from socdesk.models import (
    Playbook,
    PlaybookApproval,
    PlaybookStatus,
    PlaybookTrigger,
    PlaybookVersion,
)
from socdesk.workspaces.scope import WorkspaceScope


def _uuid(ref: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(ref)
    except (ValueError, AttributeError, TypeError):
        return None


def label(version: PlaybookVersion) -> str:
    return f"v{version.number}"


class PlaybookService:
    def __init__(self, session: AsyncSession, scope: WorkspaceScope) -> None:
        self.session = session
        self.scope = scope
        self.playbooks = PlaybookRepository(session, scope.workspace_id)
        self.versions = PlaybookVersionRepository(session, scope.workspace_id)
        self.approvals = PlaybookApprovalRepository(session, scope.workspace_id)
        self.workflows = WorkflowService(session, scope)
        self.parts = VersionParts(session, scope)

    # Playbooks

    async def create(self, name: str, description: str = "") -> Playbook:
        """A playbook without versions (409 for a name the workspace has)."""
        user = self.scope.user
        row = Playbook(
            id=uuid.uuid4(),
            workspace_id=self.scope.workspace_id,
            name=name,
            description=description,
            enabled=False,
            dataclass_name="",
            creator_id=user.id,
            modifier_id=user.id,
        )
        # On SQLite a savepoint opened first would be the whole transaction, its release a
        # commit: a write first makes the request's transaction hold it (a no-op elsewhere).
        await self.playbooks.take_write_lock([row.id])
        await add_or_refuse(
            self.session, row, Conflict(f"name: the workspace has a playbook named {name!r}")
        )
        return row

    async def find(self, ref: str, where: str = "playbook_id") -> Playbook:
        key = _uuid(ref)
        row = await self.playbooks.get(key) if key else None
        if row is None:
            raise NotFound(f"{where}: no playbook {ref[:100]!r} in this workspace")
        return row

    async def named(self, name: str) -> Playbook | None:
        return await self.playbooks.named(name)

    async def listing(
        self, where: PlaybookFilter, offset: int, limit: int
    ) -> tuple[Sequence[Playbook], int]:
        """A page of the workspace's playbooks, newest first."""
        return await self.playbooks.listing(where, offset, limit)

    async def update(self, ref: str, change: PlaybookChange) -> Playbook:
        """Rename, describe, choose the version it runs, enable or disable a playbook.
        Enabling needs a PUBLISHED version (the one named, or the current one)."""
        row = await self.find(ref)
        if change.name is not None and change.name != row.name:
            if await self.playbooks.named(change.name) is not None:
                raise Conflict(f"name: the workspace has a playbook named {change.name!r}")
            row.name = change.name
        if change.description is not None:
            row.description = change.description
        if change.active_version_id is not None:
            version = await self.find_version(change.active_version_id, "active_version_id")
            if version.playbook_id != row.id or version.status != PlaybookStatus.PUBLISHED:
                raise ValidationFailed.for_field(
                    "active_version_id", "must name a PUBLISHED version of this playbook"
                )
            row.version_id = version.id
        if change.enabled is not None:
            if change.enabled and row.version_id is None:
                raise ValidationFailed.for_field(
                    "enabled",
                    "the playbook has no published version to run: give active_version_id",
                )
            row.enabled = change.enabled
        self._modified(row)
        try:
            async with self.session.begin_nested():
                await self.session.flush()
        except IntegrityError:
            raise Conflict(f"name: the workspace has a playbook named {row.name!r}") from None
        return row

    async def delete(self, ref: str) -> Playbook:
        """Delete a playbook, its versions, rules and actions; an enabled one is refused."""
        row = await self.find(ref)
        if row.enabled:
            raise Conflict(f"playbook {row.name!r} is enabled: disable it before deleting it")
        await self.session.execute(self.playbooks.delete().where(Playbook.id == row.id))
        return row

    async def counts(self) -> PlaybookCounts:
        return await self.playbooks.counts()

    def _modified(self, row: Playbook | PlaybookVersion) -> None:
        row.modifier_id = self.scope.user.id
        row.updated_at = utcnow()

    # Versions

    async def find_version(self, ref: str, where: str = "version_id") -> PlaybookVersion:
        key = _uuid(ref)
        row = await self.versions.get(key) if key else None
        if row is None:
            raise NotFound(f"{where}: no playbook version {ref[:100]!r} in this workspace")
        return row

    async def playbook_of(self, version: PlaybookVersion) -> Playbook:
        row = await self.playbooks.get(version.playbook_id)
        if row is None:  # its foreign key makes this impossible; a clear error all the same
            raise NotFound("the version's playbook is gone")
        return row

    async def version_listing(
        self, playbook_ref: str, where: VersionFilter, offset: int, limit: int
    ) -> tuple[Playbook, Sequence[PlaybookVersion], int]:
        playbook = await self.find(playbook_ref)
        rows, total = await self.versions.of_playbook(playbook, where, offset, limit)
        return playbook, rows, total

    async def create_version(self, playbook_ref: str, spec: VersionSpec) -> PlaybookVersion:
        """An EDITING version of the playbook, with the actions and rule it is given."""
        return await self.add_version(await self.find(playbook_ref), spec)

    async def add_version(self, playbook: Playbook, spec: VersionSpec) -> PlaybookVersion:
        """Versions of one playbook are numbered in turn: its row is locked first (which on
        SQLite also makes the request's transaction hold the savepoint below)."""
        await self.session.flush()
        await self.playbooks.lock([playbook.id])
        data_class = await self._class_of(playbook, spec.dataclass_ref)
        user = self.scope.user
        row = PlaybookVersion(
            id=uuid.uuid4(),
            workspace_id=self.scope.workspace_id,
            playbook_id=playbook.id,
            number=await self.versions.next_number(playbook.id),
            description=spec.description,
            status=PlaybookStatus.EDITING.value,
            trigger_type=spec.trigger_type.value,
            dataobject_create=spec.dataobject_create,
            dataobject_update=spec.dataobject_update,
            dataobject_delete=spec.dataobject_delete,
            rule_enable=spec.rule_enable,
            action_strategy=spec.action_strategy,
            dataclass_id=uuid.UUID(data_class.id),
            dataclass_name=data_class.name,
            creator_id=user.id,
            modifier_id=user.id,
        )
        if spec.rule is not None:
            self.parts.set_rule(row, spec.rule)
        await add_or_refuse(
            self.session, row, Conflict("another version was added at the same time: try again")
        )
        playbook.dataclass_id, playbook.dataclass_name = row.dataclass_id, row.dataclass_name
        if spec.actions:
            await self.parts.add_actions(row, spec.actions)
        return row

    async def _class_of(self, playbook: Playbook, ref: str, where: str = "dataclass_id") -> _Class:
        """The class `ref` names; every version of a playbook has its playbook's class."""
        data_class = await self.workflows.data_class(ref, where)
        if (
            playbook.dataclass_id is not None
            and str(playbook.dataclass_id) != data_class.id
            and await self.versions.count_of_playbook(playbook.id) > 0
        ):
            raise ValidationFailed.for_field(
                where,
                f"the playbook's versions are of class {playbook.dataclass_name}, not "
                f"{data_class.name}: make another playbook for it",
            )
        return _Class(data_class.id, data_class.name)

    async def update_version(self, ref: str, change: VersionChange) -> PlaybookVersion:
        """Change an EDITING or UNPASSED version, move its status, or (PUBLISHED) run it."""
        row = await self.find_version(ref)
        current = PlaybookStatus(row.status)
        check_editable(label(row), current, change.fields())
        if change.status is not None:
            check_move(label(row), current, change.status)
        playbook = await self.playbook_of(row)
        if change.dataclass_ref is not None:
            data_class = await self._class_of(playbook, change.dataclass_ref)
            if data_class.id != str(row.dataclass_id):
                if await self.parts.actions.of_version(row.id) and change.actions is None:
                    raise ValidationFailed.for_field(
                        "dataclass_id", "the version's actions run workflows of its class"
                    )
                row.dataclass_id, row.dataclass_name = uuid.UUID(data_class.id), data_class.name
        for name in (
            "description",
            "dataobject_create",
            "dataobject_update",
            "dataobject_delete",
            "rule_enable",
            "action_strategy",
        ):
            value = getattr(change, name)
            if value is not None:
                setattr(row, name, value)
        if change.trigger_type is not None:
            row.trigger_type = change.trigger_type.value
        if change.rule is not None:
            self.parts.set_rule(row, change.rule)
        if change.actions is not None:
            await self.parts.replace_actions(row, change.actions)
        if change.status is not None and change.status != current:
            if change.status is PlaybookStatus.APPROVING:
                await self.parts.check_submittable(row)
                row.submitter_id = self.scope.user.id
            row.status = change.status.value
        if change.enabled is not None:
            self._run_version(playbook, row, change.enabled)
        self._modified(row)
        await self.session.flush()
        return row

    def _run_version(self, playbook: Playbook, row: PlaybookVersion, enabled: bool) -> None:
        if enabled:
            if row.status != PlaybookStatus.PUBLISHED:
                raise ValidationFailed.for_field(
                    "enabled", f"version {label(row)} is {row.status}: only a PUBLISHED one runs"
                )
            playbook.version_id, playbook.enabled = row.id, True
        elif playbook.version_id == row.id:
            playbook.enabled = False
        self._modified(playbook)

    async def delete_version(self, ref: str) -> PlaybookVersion:
        """Delete a version; the one an enabled playbook runs is refused."""
        row = await self.find_version(ref)
        playbook = await self.playbook_of(row)
        if playbook.version_id == row.id:
            if playbook.enabled:
                raise Conflict(
                    f"version {label(row)} is the one playbook {playbook.name!r} runs: "
                    "disable the playbook or choose another version first"
                )
            playbook.version_id = None
            self._modified(playbook)
        await self.session.execute(self.versions.delete().where(PlaybookVersion.id == row.id))
        return row

    async def clone_version(self, ref: str, name: str) -> PlaybookVersion:
        """A new playbook `name` with an EDITING copy of the version, rule and actions."""
        source = await self.find_version(ref)
        playbook = await self.create(name, (await self.playbook_of(source)).description)
        actions = await self.parts.actions.of_version(source.id)
        spec = VersionSpec(
            dataclass_ref=str(source.dataclass_id),
            description=source.description,
            trigger_type=PlaybookTrigger(source.trigger_type),
            dataobject_create=source.dataobject_create,
            dataobject_update=source.dataobject_update,
            dataobject_delete=source.dataobject_delete,
            rule_enable=source.rule_enable,
            action_strategy=source.action_strategy,
            actions=[
                ActionSpec(a.name, str(a.workflow_id), a.description, a.action_type, a.sort_order)
                for a in actions
            ],
            rule=self.parts.rule_of(source),
        )
        return await self.add_version(playbook, spec)

    # Approval

    async def approve(self, ref: str, result: ApprovalResult, content: str) -> PlaybookApproval:
        """PASS publishes an APPROVING version, UN_PASS refuses it (UNPASSED). Where the
        workspace asks for it, the approver is not the one who submitted it (403)."""
        row = await self.find_version(ref)
        check_approvable(label(row), PlaybookStatus(row.status))
        if await self.workflows.approval_by_another() and row.submitter_id == self.scope.user.id:
            raise PermissionDenied(
                "this workspace asks for a version to be approved by someone other than the "
                "one who submitted it"
            )
        user = self.scope.user
        row.status = (
            PlaybookStatus.PUBLISHED if result is ApprovalResult.PASS else PlaybookStatus.UNPASSED
        ).value
        row.approver_id, row.approver_name = user.id, user.email
        self._modified(row)
        approval = PlaybookApproval(
            id=uuid.uuid4(),
            workspace_id=self.scope.workspace_id,
            version_id=row.id,
            result=result.value,
            content=content,
            approver_id=user.id,
            approver_name=user.email,
        )
        self.session.add(approval)
        await self.session.flush()
        return approval

    async def approvals_of(self, ref: str, workflow: bool = False) -> list[tuple[str, str]]:
        """(result, content) of each approval of playbook version `ref`, oldest first; or,
        with `workflow`, of workflow version `ref` (which keeps its last one)."""
        if workflow:
            version = await self.workflows.find_version(ref, "resource_id")
            if not version.approval_result:
                return []
            return [(version.approval_result, version.approval_content)]
        row = await self.find_version(ref, "resource_id")
        return [(a.result, a.content) for a in await self.approvals.of_version(row.id)]


@dataclass(frozen=True, slots=True)
class _Class:
    id: str
    name: str
