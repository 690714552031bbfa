"""SecMaster's `trigger_flag` on a write."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.kit.changefeed import hold_triggers


def trigger_flag(session: AsyncSession, sent: bool | None) -> bool:
    """Whether the request's writes fire the playbooks they match (what their audit events
    keep): unless the client sent `trigger_flag: false`, which holds the session's triggers."""
    if sent is False:
        hold_triggers(session)
    return sent is not False
