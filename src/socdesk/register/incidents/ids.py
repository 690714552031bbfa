"""Register incident ids: `INC-00001` (the workspace's number) or the incident's UUID."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from socdesk.incidents.repository import IncidentRepository
from socdesk.kit.errors import NotFound, some_of
from socdesk.kit.params import IncidentRefPath

NUMBER_PATTERN = re.compile(r"INC-([0-9]{1,10})", re.IGNORECASE)
LARGEST_NUMBER = 2**31 - 1  # the column is a 32-bit integer on PostgreSQL


IncidentIdPath = IncidentRefPath  # declared with its pattern in kit/params.py


def format_number(number: int) -> str:
    return f"INC-{number:05d}"


def parse(text: str) -> int | uuid.UUID | None:
    """The number or UUID an id names, or None when it is neither."""
    match = NUMBER_PATTERN.fullmatch(text.strip())
    if match:
        number = int(match.group(1))
        return number if number <= LARGEST_NUMBER else None
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


async def resolve(
    session: AsyncSession, workspace_id: uuid.UUID, texts: Sequence[str]
) -> list[uuid.UUID]:
    """The incident UUIDs the ids name, in their order (repeats kept once). 404 naming the ids
    that are malformed, unknown or in another workspace."""
    parsed = {text: parse(text) for text in texts}
    numbers = [p for p in parsed.values() if isinstance(p, int)]
    uuids = [p for p in parsed.values() if isinstance(p, uuid.UUID)]
    found = await IncidentRepository(session, workspace_id).ids_and_numbers(numbers, uuids)
    by_number = {number: incident_id for incident_id, number in found}
    known = {incident_id for incident_id, _ in found}
    resolved: dict[uuid.UUID, None] = {}  # ordered, without repeats
    missing: list[str] = []
    for text, target in parsed.items():
        named = by_number.get(target) if isinstance(target, int) else target
        if named is None or named not in known:
            missing.append(text)
        else:
            resolved[named] = None
    if missing:
        raise NotFound(f"ids: no such incident in this workspace: {some_of(missing)}")
    return list(resolved)


async def resolve_one(session: AsyncSession, workspace_id: uuid.UUID, text: str) -> uuid.UUID:
    (incident_id,) = await resolve(session, workspace_id, [text])
    return incident_id
