"""The status and close-time rules of incidents, each written once.

Every write goes through these: a new row, a change to one incident, and a set-based change to
thousands in one UPDATE. For the UPDATE the same rule is rendered as SQL (a CASE over the
current status), so what the database writes and what the audit says it wrote cannot differ.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import case, func, literal, null

from socdesk.models import Incident, Status


class StatusIntent(StrEnum):
    """What a write asks of an incident's status, in domain terms; `status_after` says what
    status it leads to."""

    new = "new"
    # SecMaster's `Open`: reopens a blocked or closed incident, leaves an open one as it is.
    open = "open"
    # The register's `In Progress`: the register shows blocked as In Progress, so writing what
    # it shows leaves a blocked incident blocked.
    in_progress = "in_progress"
    review = "review"
    blocked = "blocked"
    closed = "closed"


class CloseTime(StrEnum):
    """What a status write does to the close time (`close_time_rule`)."""

    clear = "clear"  # no close time
    now = "now"  # the write's time
    keep = "keep"  # the incident's close time; the write's time if it has none


_REOPENED = (Status.blocked, Status.closed)


def status_after(intent: StatusIntent, current: Status | None) -> Status:
    """The status a write of `intent` leads to, from `current` (None for a new incident)."""
    if intent is StatusIntent.open:
        if current is None:
            return Status.new
        return Status.in_progress if current in _REOPENED else current
    if intent is StatusIntent.in_progress and current is Status.blocked:
        return Status.blocked
    return Status(intent.value)


def close_time_rule(current: Status | None, after: Status) -> CloseTime:
    """Closing sets the close time, a closed incident closed again keeps it, any other status
    clears it. (A close time the client writes itself is written as sent, instead.)"""
    if after is not Status.closed:
        return CloseTime.clear
    return CloseTime.keep if current is Status.closed else CloseTime.now


def close_time_value(
    rule: CloseTime, close_time: datetime | None, now: datetime
) -> datetime | None:
    """`rule` applied to an incident whose close time is `close_time`."""
    if rule is CloseTime.clear:
        return None
    if rule is CloseTime.keep and close_time is not None:
        return close_time
    return now


def close_time_after(
    intent: StatusIntent, current: Status | None, close_time: datetime | None, now: datetime
) -> datetime | None:
    """The close time a write of `intent` at `now` leaves on an incident."""
    after = status_after(intent, current)
    return close_time_value(close_time_rule(current, after), close_time, now)


# --- the same rules as SQL, for one UPDATE over many incidents ---------------------------------


def by_current_status(outcome: Callable[[Status], Any], render: Callable[[Any], Any]) -> Any:
    """SQL choosing `render(outcome(status))` by each row's current status: one value when every
    status leads to the same outcome, else a CASE with one branch per outcome. (The set-based
    audit renders the same outcomes as the JSON it records, `audit_sql.py`.)"""
    groups: dict[Any, list[str]] = {}
    for status in Status:
        groups.setdefault(outcome(status), []).append(status.value)
    if len(groups) == 1:
        return render(next(iter(groups)))
    *branches, (last, _) = groups.items()
    return case(
        *((Incident.status.in_(statuses), render(value)) for value, statuses in branches),
        else_=render(last),
    )


def status_sql(intent: StatusIntent) -> Any:
    """`status_after` for every row of an UPDATE."""
    return by_current_status(
        lambda current: status_after(intent, current),
        lambda status: literal(status.value, Incident.status.type),
    )


def close_time_sql(intent: StatusIntent, now: datetime) -> Any:
    """`close_time_after` for every row of an UPDATE."""

    def render(rule: CloseTime) -> Any:
        moment = literal(now, Incident.close_time.type)
        if rule is CloseTime.clear:
            return null()
        if rule is CloseTime.keep:
            return func.coalesce(Incident.close_time, moment)
        return moment

    return by_current_status(
        lambda current: close_time_rule(current, status_after(intent, current)), render
    )
