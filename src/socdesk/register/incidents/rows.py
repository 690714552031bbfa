"""Register rows: an incident with its users, tags, threat objectives, risks and comment count.

Each row is read by one statement (one per chunk of ids for many, `ShownIncidents`) and built
here in one pass as the JSON-able dict `RegisterRow` describes, key for key: the data comes
from the store, already valid, so no model is validated per row (`answers.json_answer`
writes the JSON)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.incidents.repository import (
    SHOWN_COLUMNS,
    SHOWN_KEYS,
    SHOWN_LISTS,
    SHOWN_USERS,
    USER_COLUMNS,
    IncidentRepository,
    ShownIncidents,
)
from socdesk.kit.errors import NotFound, some_of
from socdesk.register.incidents.ids import format_number
from socdesk.register.incidents.mapping import REGISTER_SEVERITY, REGISTER_STATUS

# A register row, as `RegisterRow` serialises it (its keys in its fields' order).
RowDict = dict[str, Any]

SEVERITY_NAMES = {int(rank): name.value for rank, name in REGISTER_SEVERITY.items()}
STATUS_NAMES = {status.value: name.value for status, name in REGISTER_STATUS.items()}
NO_USER = uuid.UUID(int=0)


# A shown row's values are taken by position (a Row's attributes cost ~1 us each, and a
# PATCH reads 10,000 rows of 42 columns).
_AT = {name: index for index, name in enumerate(SHOWN_KEYS)}
_INCIDENT = itemgetter(*(_AT[name] for name in SHOWN_COLUMNS))
_LISTS = itemgetter(*(_AT[name] for name in SHOWN_LISTS))
_USER = {
    prefix: itemgetter(*(_AT[f"{prefix}_{name}"] for name in USER_COLUMNS))
    for prefix in SHOWN_USERS
}


class Users:
    """The users a read's rows name, each made once (a PATCH's 10,000 rows name a few)."""

    def __init__(self) -> None:
        self.made: dict[tuple[Any, ...], dict[str, Any]] = {}

    def joined(self, row: Row[Any], prefix: str) -> dict[str, Any] | None:
        """The user joined under `prefix`, as `RegisterUser`; None when none is."""
        values = _USER[prefix](row)
        if values[0] is None:
            return None
        user = self.made.get(values)
        if user is None:
            user_id, email, first_name, last_name, avatar = values
            user = self.made[values] = {
                "id": user_id,
                "email": email,
                "first_name": first_name,
                "last_name": last_name,
                "icon": f"users/{user_id}/avatar?v={avatar}" if avatar else None,
            }
        return user


def _unknown_user(user_id: uuid.UUID | None, email: str | None) -> dict[str, Any]:
    """A user who no longer exists (or never did, for an imported creator), as the register
    must still show someone."""
    return {
        "id": user_id or NO_USER,
        "email": email or "",
        "first_name": "",
        "last_name": "",
        "icon": None,
    }


def _uuid_text(value: str) -> str:
    """A UUID as `str(uuid)` writes it (SQLite's JSON holds the stored 32 hex digits)."""
    return value if len(value) == 36 else str(uuid.UUID(value))


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def register_incident(row: Row[Any], users: Users) -> dict[str, Any]:
    """The `RegisterIncident` of a row of `ShownIncidents`."""
    (
        _,
        number,
        title,
        description,
        severity,
        severity_reasoning,
        status,
        product_name,
        _,
        creator,
        opened_by_id,
        _,
        first_observed_time,
        arrive_time,
        responded_time,
        contained_time,
        create_time,
        update_time,
    ) = _INCIDENT(row)
    # The opener is the creator's user when its email is a user's, else whoever opened it.
    opener = users.joined(row, "creator") or users.joined(row, "opener")
    if opener is None:
        opener = _unknown_user(opened_by_id, creator)
    return {
        "assigned_to": users.joined(row, "owner"),
        "contained_date": contained_time,
        "created_date": create_time,
        "description": description,
        # A register incident always has a detection time: before one is known, its creation.
        "detected_date": arrive_time or create_time,
        "id": format_number(number),
        "occurred_date": first_observed_time,
        "opened_by": opener,
        "responded_date": responded_time,
        "severity": SEVERITY_NAMES[severity],
        "severity_reasoning": severity_reasoning,
        "source": product_name or None,
        "status": STATUS_NAMES[status],
        "title": title,
        "updated_by": users.joined(row, "editor") or opener,
        "updated_date": update_time,
    }


def register_row(row: Row[Any], postgres: bool, users: Users) -> RowDict:
    """The `RegisterRow` of a row of `ShownIncidents` (PostgreSQL sorts its lists, SQLite's
    are sorted here: its text sorts as Python sorts)."""
    tags, objectives, risks, comment_count = _LISTS(row)
    tags = tags or []
    objectives = objectives or []
    if not postgres:
        tags.sort(key=lambda tag: tag[0])
        objectives.sort(key=lambda link: link[0])
    return {
        "comment_count": comment_count,
        "incident": register_incident(row, users),
        "risk_associations": sorted(_uuid_text(risk) for risk in risks or ()),
        "tags": [
            {
                "content": content,
                "creator_id": _uuid_text(creator),
                "id": _uuid_text(tag_id),
                "org_id": _uuid_text(org) if org is not None else None,
            }
            for content, creator, tag_id, org in tags
        ],
        "threat_objectives": [
            {
                "created_date": _utc(created) if created is not None else None,
                "relevance": relevance,
                "threat_objective": objective,
            }
            for objective, relevance, created in objectives
        ],
    }


class RowReader:
    """Register rows of one workspace's incidents, read through the domain's repositories."""

    def __init__(self, session: AsyncSession, workspace_id: uuid.UUID) -> None:
        self.shown = ShownIncidents(IncidentRepository(session, workspace_id))

    async def row(self, named: int | uuid.UUID) -> RowDict | None:
        """The register row of the incident numbered `named` or with that id; None if none."""
        found = await self.shown.one(named)
        return register_row(found, self.shown.postgres, Users()) if found is not None else None

    async def rows(self, ids: Sequence[uuid.UUID]) -> list[RowDict]:
        """The register rows of the incidents `ids`, in that order; those deleted since they
        were found (by a listing) are left out."""
        found = await self.shown.many(ids)
        postgres, users = self.shown.postgres, Users()
        return [register_row(found[i], postgres, users) for i in ids if i in found]

    async def rows_of(self, ids: Sequence[uuid.UUID]) -> list[RowDict]:
        """The register rows of the incidents `ids` (all of this workspace), in that order."""
        found = await self.shown.many(ids)
        gone = [str(i) for i in ids if i not in found]
        if gone:  # deleted by another request since the ids were looked up
            raise NotFound(f"ids: deleted meanwhile: {some_of(gone)}")
        postgres, users = self.shown.postgres, Users()
        return [register_row(found[i], postgres, users) for i in ids]
