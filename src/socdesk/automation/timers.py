"""TIMER playbooks: when the cron of an enabled, published TIMER version ticks, each of its
actions starts a run of its workflow (trigger TIMER, on no data object); the tick is one
playbook instance, which its runs name.

Every runner sweeps (the in-process one on SQLite, each `socdesk worker`): a tick fires once
however many sweep it, because a sweep first records the tick (automation/playbooks/
timer_repository.py `claim_tick`) and only the one whose record is new enqueues the runs, in the
same transaction. A sweep fires the latest tick only: ticks missed while no runner ran are not
made up, and none from before the playbook was last changed (enabled) fires.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

from croniter import croniter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.automation.playbooks.instances import Firing, record_firings
from socdesk.automation.playbooks.repository import TriggerVersion
from socdesk.automation.playbooks.rules import has_cron, stored_rule
from socdesk.automation.playbooks.timer_repository import claim_tick, enabled_timer_versions
from socdesk.automation.runs.requests import enqueue_runs
from socdesk.kit.clock import utcnow
from socdesk.kit.errors import AppError
from socdesk.models import TriggerType

log = logging.getLogger(__name__)

# How often a runner sweeps: a tick fires at most this late (crons count minutes).
SWEEP_SECONDS = 5.0


def latest_tick(version: TriggerVersion, now: datetime) -> datetime | None:
    """The version's latest cron tick at or before `now`, unless it is from before its
    playbook last changed (None too for a version without a cron)."""
    rule = stored_rule(version.rule)
    if rule is None or rule.cron is None or not has_cron(rule):
        return None
    tick: datetime = croniter(rule.cron.strip(), now).get_prev(datetime)
    if version.since is not None and tick <= version.since:
        return None
    return tick


async def fire_due_timers(sessions: async_sessionmaker[AsyncSession], now: datetime) -> int:
    """Fire each TIMER version's latest tick that no runner has fired yet; the runs started."""
    started = 0
    async with sessions() as session, session.begin():
        for version in await enabled_timer_versions(session):
            tick = latest_tick(version, now)
            if tick is None or not await claim_tick(session, version, tick):
                continue
            assert version.workspace_id is not None  # the sweep's query reads it
            try:
                async with session.begin_nested():
                    requests = await record_firings(
                        session,
                        version.workspace_id,
                        version.dataclass_name,
                        [Firing(version, None)],
                        TriggerType.TIMER,
                    )
                    started += len(await enqueue_runs(session, requests))
            except AppError as refused:  # e.g. its workflow was disabled: the tick passes
                log.warning(
                    "playbook %s: tick %s started nothing: %s", version.playbook_name, tick, refused
                )
    return started


class TimerSweeps:
    """A runner's sweeps, at most one every `every` seconds however often it polls."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], every: float = SWEEP_SECONDS):
        self.sessions = sessions
        self.every = every
        self._next = 0.0

    async def sweep_if_due(self) -> None:
        if time.monotonic() < self._next:
            return
        self._next = time.monotonic() + self.every
        await fire_due_timers(self.sessions, utcnow())
