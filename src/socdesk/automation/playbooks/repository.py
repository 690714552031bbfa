"""Queries on a workspace's playbooks, their versions, actions and approvals; and the one
query the trigger wiring asks: which enabled EVENT versions a write of a class fires."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.kit.changefeed import ChangeKind
from socdesk.kit.repository import TENANT, WorkspaceScoped
from socdesk.models import (
    Playbook,
    PlaybookAction,
    PlaybookApproval,
    PlaybookStatus,
    PlaybookTrigger,
    PlaybookVersion,
)


def _contains(column: Any, part: str) -> Any:
    escaped = part.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


@dataclass(frozen=True, slots=True)
class PlaybookFilter:
    """The SDK's list filters; text ones match a part, without case."""

    search_txt: str | None = None
    enabled: bool | None = None
    name: str | None = None
    description: str | None = None
    dataclass_name: str | None = None


@dataclass(frozen=True, slots=True)
class PlaybookCounts:
    enabled: int
    disabled: int
    approving: int


class PlaybookRepository(WorkspaceScoped[Playbook]):
    model = Playbook

    async def named(self, name: str) -> Playbook | None:
        found: Playbook | None = await self.session.scalar(
            self.select().where(Playbook.name == name)
        )
        return found

    async def listing(
        self, where: PlaybookFilter, offset: int, limit: int
    ) -> tuple[Sequence[Playbook], int]:
        """A page of the playbooks `where` chooses (newest first), and how many it chooses."""
        statement = self.select()
        if where.enabled is not None:
            statement = statement.where(Playbook.enabled == where.enabled)
        if where.search_txt:
            statement = statement.where(
                or_(
                    _contains(Playbook.name, where.search_txt),
                    _contains(Playbook.description, where.search_txt),
                )
            )
        for column, part in (
            (Playbook.name, where.name),
            (Playbook.description, where.description),
            (Playbook.dataclass_name, where.dataclass_name),
        ):
            if part:
                statement = statement.where(_contains(column, part))
        total = await self.session.scalar(statement.with_only_columns(func.count()).order_by(None))
        rows = await self.session.scalars(
            statement.order_by(Playbook.created_at.desc(), Playbook.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return rows.all(), total or 0

    async def of_ids(self, ids: Sequence[uuid.UUID]) -> list[Playbook]:
        rows: list[Playbook] = await self.scalars_in_chunks(self.select(), Playbook.id, ids)
        return rows

    async def counts(self) -> PlaybookCounts:
        """How many playbooks are enabled and disabled, and versions await approval: one
        statement."""
        approving = (
            select(func.count())
            .where(
                self.owned(PlaybookVersion),
                PlaybookVersion.status == PlaybookStatus.APPROVING.value,
            )
            .scalar_subquery()
        )
        row = (
            await self.session.execute(
                self.select(
                    func.count(case((Playbook.enabled, 1))),
                    func.count(case((~Playbook.enabled, 1))),
                    approving,
                )
            )
        ).one()
        return PlaybookCounts(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0))


@dataclass(frozen=True, slots=True)
class VersionFilter:
    status: str | None = None
    published: bool | None = None  # SecMaster's version_type: 1 published, 0 a draft
    active: bool | None = None  # SecMaster's `enabled`: the playbook's running version


@dataclass(frozen=True, slots=True)
class VersionSummary:
    """What a playbook shows of its versions: the active one's label, the one under review,
    the latest refused one."""

    active_label: str = ""
    approving_id: str = ""
    unpassed_id: str = ""


class PlaybookVersionRepository(WorkspaceScoped[PlaybookVersion]):
    model = PlaybookVersion

    async def of_playbook(
        self, playbook: Playbook, where: VersionFilter, offset: int, limit: int
    ) -> tuple[Sequence[PlaybookVersion], int]:
        """A page of the playbook's versions (oldest first) and how many `where` chooses."""
        statement = self.select().where(PlaybookVersion.playbook_id == playbook.id)
        if where.status is not None:
            statement = statement.where(PlaybookVersion.status == where.status)
        if where.published is not None:
            published = PlaybookVersion.status == PlaybookStatus.PUBLISHED.value
            statement = statement.where(published if where.published else ~published)
        if where.active is not None:
            running = playbook.version_id if playbook.enabled else None
            if where.active:
                statement = statement.where(PlaybookVersion.id == running)
            elif running is not None:
                statement = statement.where(PlaybookVersion.id != running)
        total = await self.session.scalar(statement.with_only_columns(func.count()).order_by(None))
        rows = await self.session.scalars(
            statement.order_by(PlaybookVersion.number).offset(offset).limit(limit)
        )
        return rows.all(), total or 0

    async def all_of_playbooks(self, ids: Sequence[uuid.UUID]) -> list[PlaybookVersion]:
        """The versions of the playbooks `ids`, per playbook oldest first."""
        rows: list[PlaybookVersion] = await self.scalars_in_chunks(
            self.select(), PlaybookVersion.playbook_id, ids
        )
        return sorted(rows, key=lambda v: (str(v.playbook_id), v.number))

    async def count_of_playbook(self, playbook_id: uuid.UUID) -> int:
        found = await self.session.scalar(
            self.select(func.count()).where(PlaybookVersion.playbook_id == playbook_id)
        )
        return int(found or 0)

    async def next_number(self, playbook_id: uuid.UUID) -> int:
        last = await self.session.scalar(
            self.select(func.max(PlaybookVersion.number)).where(
                PlaybookVersion.playbook_id == playbook_id
            )
        )
        return 1 if last is None else last + 1

    async def summaries(self, playbooks: Sequence[Playbook]) -> dict[uuid.UUID, VersionSummary]:
        """Each playbook's summary, from one query (per chunk) over their versions."""
        statement = self.select(
            PlaybookVersion.id,
            PlaybookVersion.playbook_id,
            PlaybookVersion.number,
            PlaybookVersion.status,
        )
        rows = await self.in_chunks(
            statement, PlaybookVersion.playbook_id, [p.id for p in playbooks]
        )
        active = {p.id: p.version_id for p in playbooks}
        found: dict[uuid.UUID, dict[str, str]] = {p.id: {} for p in playbooks}
        for version_id, playbook_id, number, status in sorted(rows, key=lambda r: r[2]):
            summary = found[playbook_id]
            if version_id == active.get(playbook_id):
                summary["active_label"] = f"v{number}"
            if status == PlaybookStatus.APPROVING.value:
                summary["approving_id"] = str(version_id)
            elif status == PlaybookStatus.UNPASSED.value:
                summary["unpassed_id"] = str(version_id)
        return {key: VersionSummary(**value) for key, value in found.items()}

    async def enabled_trigger_versions(
        self, dataclass_id: uuid.UUID, event: ChangeKind
    ) -> list[TriggerVersion]:
        """The published EVENT versions that enabled playbooks run, of class `dataclass_id`,
        that fire on `event`; each with its rule and its actions in order. One statement,
        led by ix_playbook_versions_trigger, built once: every object write asks it."""
        rows = await self.all_rows(_EVENT_VERSIONS[event], dataclass_id=dataclass_id)
        return _with_actions(rows)


def running_versions(trigger: PlaybookTrigger) -> Any:
    """The published versions of `trigger` that enabled playbooks run, in every workspace
    (callers narrow it), one row per action in order (a version without one: a row of
    nulls), as `versions_with_actions` reads them."""
    return (
        select(
            PlaybookVersion.id,
            PlaybookVersion.playbook_id,
            Playbook.name,
            PlaybookVersion.rule_enable,
            PlaybookVersion.rule,
            PlaybookAction.id,
            PlaybookAction.workflow_id,
            PlaybookAction.name,
            PlaybookVersion.workspace_id,
            PlaybookVersion.dataclass_name,
            Playbook.updated_at,
            PlaybookVersion.number,
            PlaybookVersion.dataclass_id,
        )
        .join(
            Playbook,
            and_(
                Playbook.workspace_id == PlaybookVersion.workspace_id,
                Playbook.version_id == PlaybookVersion.id,
                Playbook.enabled,
            ),
        )
        .outerjoin(
            PlaybookAction,
            and_(
                PlaybookAction.workspace_id == PlaybookVersion.workspace_id,
                PlaybookAction.version_id == PlaybookVersion.id,
            ),
        )
        .where(
            PlaybookVersion.trigger_type == trigger.value,
            PlaybookVersion.status == PlaybookStatus.PUBLISHED.value,
        )
        .order_by(PlaybookVersion.id, PlaybookAction.sort_order, PlaybookAction.id)
    )


async def versions_with_actions(session: AsyncSession, statement: Any) -> list[TriggerVersion]:
    """The versions `running_versions` (narrowed) reads, each with its actions."""
    return _with_actions(await session.execute(statement))


def _with_actions(rows: Iterable[Any]) -> list[TriggerVersion]:
    found: dict[uuid.UUID, TriggerVersion] = {}
    for row in rows:
        version = found.get(row[0])
        if version is None:
            version = found[row[0]] = TriggerVersion(
                version_id=row[0],
                playbook_id=row[1],
                playbook_name=row[2],
                rule_enable=row[3],
                rule=row[4],
                workspace_id=row[8],
                dataclass_name=row[9],
                since=row[10],
                number=row[11],
                dataclass_id=row[12],
            )
        if row[5] is not None:
            version.actions.append(TriggerAction(row[5], row[6], row[7]))
    return list(found.values())


# `enabled_trigger_versions`' statement for each event: the workspace (TENANT) and the class
# (`dataclass_id`) are its parameters.
_EVENT_VERSIONS = {
    event: running_versions(PlaybookTrigger.EVENT).where(
        PlaybookVersion.workspace_id == bindparam(TENANT),
        PlaybookVersion.dataclass_id == bindparam("dataclass_id"),
        getattr(PlaybookVersion, event.value).is_(True),
    )
    for event in ChangeKind
}


async def enabled_trigger_versions(
    session: AsyncSession, workspace_id: uuid.UUID, dataclass_id: uuid.UUID, event: ChangeKind
) -> list[TriggerVersion]:
    """What the trigger wiring asks on a write: PlaybookVersionRepository's query of that
    name, for the workspace `workspace_id`."""
    return await PlaybookVersionRepository(session, workspace_id).enabled_trigger_versions(
        dataclass_id, event
    )


@dataclass(frozen=True, slots=True)
class TriggerAction:
    action_id: uuid.UUID
    workflow_id: uuid.UUID
    name: str


@dataclass(slots=True)
class TriggerVersion:
    """A version a write may fire: `rule` (JSON, evaluator.matches) filters when
    `rule_enable`; `actions` are the workflows to run, in order."""

    version_id: uuid.UUID
    playbook_id: uuid.UUID
    playbook_name: str
    rule_enable: bool
    rule: str | None
    number: int = 0
    dataclass_id: uuid.UUID | None = None
    actions: list[TriggerAction] = field(default_factory=list)
    # Whose version it is, of which class, and when its playbook last changed (enabling it
    # included: the timer sweep fires no tick from before).
    workspace_id: uuid.UUID | None = None
    dataclass_name: str = ""
    since: datetime | None = None


class PlaybookActionRepository(WorkspaceScoped[PlaybookAction]):
    model = PlaybookAction

    def _ordered(self) -> Any:
        return self.select().order_by(PlaybookAction.sort_order, PlaybookAction.created_at)

    async def of_version(self, version_id: uuid.UUID) -> Sequence[PlaybookAction]:
        rows = await self.session.scalars(
            self._ordered().where(PlaybookAction.version_id == version_id)
        )
        return rows.all()

    async def of_versions(self, ids: Sequence[uuid.UUID]) -> list[PlaybookAction]:
        rows: list[PlaybookAction] = await self.scalars_in_chunks(
            self._ordered(), PlaybookAction.version_id, ids
        )
        return rows

    async def page_of_version(
        self, version_id: uuid.UUID, offset: int, limit: int
    ) -> tuple[Sequence[PlaybookAction], int]:
        statement = self.select().where(PlaybookAction.version_id == version_id)
        total = await self.session.scalar(statement.with_only_columns(func.count()).order_by(None))
        rows = await self.session.scalars(
            statement.order_by(PlaybookAction.sort_order, PlaybookAction.created_at)
            .offset(offset)
            .limit(limit)
        )
        return rows.all(), total or 0

    async def remove_of_version(self, version_id: uuid.UUID) -> None:
        await self.session.execute(self.delete().where(PlaybookAction.version_id == version_id))


class PlaybookApprovalRepository(WorkspaceScoped[PlaybookApproval]):
    model = PlaybookApproval

    async def of_version(self, version_id: uuid.UUID) -> Sequence[PlaybookApproval]:
        rows = await self.session.scalars(
            self.select()
            .where(PlaybookApproval.version_id == version_id)
            .order_by(PlaybookApproval.created_at, PlaybookApproval.id)
        )
        return rows.all()
