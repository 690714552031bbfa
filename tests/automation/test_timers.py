"""TIMER playbooks (automation/timers.py): a tick fires once however many runners sweep it, no
tick from before the playbook was enabled fires, and the next tick fires again."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import httpx
from croniter import croniter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from socdesk.automation.timers import fire_due_timers
from socdesk.kit.clock import utcnow
from tests.automation.test_triggers import enabled_pair, runs_of
from tests.factories import TenantInfo


async def test_each_tick_fires_once_with_two_runners(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, sessions: async_sessionmaker[AsyncSession]
) -> None:
    before_enabling = utcnow()
    workflow_id = await enabled_pair(admin_client, tenant, cron="*/5 * * * *", rule=None)
    enabled = utcnow()

    # The latest tick is from before the playbook was enabled: nothing fires.
    assert await fire_due_timers(sessions, before_enabling) == 0
    # A minute past the first tick after enabling, so that 30 s on is still that tick.
    later = croniter("*/5 * * * *", enabled).get_next(datetime) + timedelta(minutes=1)
    # Two runners sweep the same tick at once (as two processes would).
    fired = await asyncio.gather(fire_due_timers(sessions, later), fire_due_timers(sessions, later))
    assert sorted(fired) == [0, 1]
    assert await fire_due_timers(sessions, later + timedelta(seconds=30)) == 0
    assert await fire_due_timers(sessions, later + timedelta(minutes=5)) == 1

    runs = await runs_of(sessions)
    assert [(str(r.workflow_id), r.trigger_type, r.dataobject_id) for r in runs] == [
        (workflow_id, "TIMER", None),
        (workflow_id, "TIMER", None),
    ]
