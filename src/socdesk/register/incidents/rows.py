"""Register rows: an incident with its users, tags, threat objectives, risks and comment count.

Each row is read by one statement (one per chunk of ids for many, `ShownIncidents`) and built
here in one pass as the JSON-able dict `RegisterRow` describes, key for key: the data comes
from the store, already valid, so no model is validated per row (`answers.json_answer`
writes the JSON)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.incidents.repository import IncidentRepository, ShownIncidents
from socdesk.kit.errors import NotFound, some_of
from socdesk.register.incidents.ids import format_number
from socdesk.register.incidents.mapping import REGISTER_SEVERITY, REGISTER_STATUS

# A register row, as `RegisterRow` serialises it (its keys in its fields' order).
RowDict = dict[str, Any]

SEVERITY_NAMES = {int(rank): name.value for rank, name in REGISTER_SEVERITY.items()}
STATUS_NAMES = {status.value: name.value for status, name in REGISTER_STATUS.items()}
NO_USER = uuid.UUID(int=0)


def _user(row: Row[Any], prefix: str) -> dict[str, Any] | None:
    """The user joined under `prefix`, as `RegisterUser`; None when none is."""
    mapping = row._mapping
    user_id = mapping[f"{prefix}_id"]
    if user_id is None:
        return None
    avatar = mapping[f"{prefix}_avatar_hash"]
    return {
        "id": user_id,
        "email": mapping[f"{prefix}_email"],
        "first_name": mapping[f"{prefix}_first_name"],
        "last_name": mapping[f"{prefix}_last_name"],
        "icon": f"users/{user_id}/avatar?v={avatar}" if avatar else None,
    }


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


def register_incident(row: Row[Any]) -> dict[str, Any]:
    """The `RegisterIncident` of a row of `ShownIncidents`."""
    # The opener is the creator's user when its email is a user's, else whoever opened it.
    opener = _user(row, "creator") or _user(row, "opener")
    if opener is None:
        opener = _unknown_user(row.opened_by_id, row.creator)
    return {
        "assigned_to": _user(row, "owner") if row.owner else None,
        "contained_date": row.contained_time,
        "created_date": row.create_time,
        "description": row.description,
        # A register incident always has a detection time: before one is known, its creation.
        "detected_date": row.arrive_time or row.create_time,
        "id": format_number(row.number),
        "occurred_date": row.first_observed_time,
        "opened_by": opener,
        "responded_date": row.responded_time,
        "severity": SEVERITY_NAMES[row.severity],
        "severity_reasoning": row.severity_reasoning,
        "source": row.product_name or None,
        "status": STATUS_NAMES[row.status],
        "title": row.title,
        "updated_by": _user(row, "editor") or opener,
        "updated_date": row.update_time,
    }


def register_row(row: Row[Any], postgres: bool) -> RowDict:
    """The `RegisterRow` of a row of `ShownIncidents` (PostgreSQL sorts its lists, SQLite's
    are sorted here: its text sorts as Python sorts)."""
    tags = row.tags or []
    objectives = row.threat_objectives or []
    if not postgres:
        tags.sort(key=lambda tag: tag[0])
        objectives.sort(key=lambda link: link[0])
    return {
        "comment_count": row.comment_count,
        "incident": register_incident(row),
        "risk_associations": sorted(_uuid_text(risk) for risk in row.risks or ()),
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
        return register_row(found, self.shown.postgres) if found is not None else None

    async def rows(self, ids: Sequence[uuid.UUID]) -> list[RowDict]:
        """The register rows of the incidents `ids`, in that order; those deleted since they
        were found (by a listing) are left out."""
        found = await self.shown.many(ids)
        postgres = self.shown.postgres
        return [register_row(found[i], postgres) for i in ids if i in found]

    async def rows_of(self, ids: Sequence[uuid.UUID]) -> list[RowDict]:
        """The register rows of the incidents `ids` (all of this workspace), in that order."""
        found = await self.shown.many(ids)
        gone = [str(i) for i in ids if i not in found]
        if gone:  # deleted by another request since the ids were looked up
            raise NotFound(f"ids: deleted meanwhile: {some_of(gone)}")
        postgres = self.shown.postgres
        return [register_row(found[i], postgres) for i in ids]
