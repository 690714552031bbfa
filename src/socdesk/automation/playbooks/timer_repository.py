"""The TIMER playbooks' store: the versions the scheduler sweeps, across workspaces, and the
ticks that have fired (automation/timers.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.automation.playbooks.repository import TriggerVersion, versions_with_actions
from socdesk.kit.clock import utcnow
from socdesk.kit.upsert import insert_for
from socdesk.models import (
    Playbook,
    PlaybookAction,
    PlaybookStatus,
    PlaybookTick,
    PlaybookTrigger,
    PlaybookVersion,
)


async def enabled_timer_versions(session: AsyncSession) -> list[TriggerVersion]:
    """The published TIMER versions enabled playbooks run, in every workspace, each with its
    actions in order and since when its playbook is as it is (the scheduler's sweep,
    automation/timers.py: one statement)."""
    statement = (
        select(
            PlaybookVersion.id,
            PlaybookVersion.playbook_id,
            Playbook.name,
            PlaybookVersion.rule_enable,
            PlaybookVersion.rule,
            PlaybookVersion.number,
            PlaybookVersion.dataclass_id,
            PlaybookAction.id,
            PlaybookAction.workflow_id,
            PlaybookAction.name,
            PlaybookVersion.workspace_id,
            PlaybookVersion.dataclass_name,
            Playbook.updated_at,
        )
        .join(
            Playbook,
            and_(
                Playbook.workspace_id == PlaybookVersion.workspace_id,
                Playbook.version_id == PlaybookVersion.id,
                Playbook.enabled,
            ),
        )
        .join(
            PlaybookAction,
            and_(
                PlaybookAction.workspace_id == PlaybookVersion.workspace_id,
                PlaybookAction.version_id == PlaybookVersion.id,
            ),
        )
        .where(
            PlaybookVersion.trigger_type == PlaybookTrigger.TIMER.value,
            PlaybookVersion.status == PlaybookStatus.PUBLISHED.value,
        )
        .order_by(PlaybookVersion.id, PlaybookAction.sort_order, PlaybookAction.id)
    )
    return await versions_with_actions(session, statement)


async def claim_tick(session: AsyncSession, version: TriggerVersion, tick_at: datetime) -> bool:
    """Whether this caller fires the version's `tick_at`: the first to record it does; any
    other runner, in this process or another, finds it recorded."""
    statement = (
        insert_for(session, PlaybookTick)
        .values(
            version_id=version.version_id,
            tick_at=tick_at,
            workspace_id=version.workspace_id,
            fired_at=utcnow(),
        )
        .on_conflict_do_nothing()
        .returning(PlaybookTick.version_id)
    )
    return (await session.execute(statement)).first() is not None
