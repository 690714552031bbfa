"""Link queries, bound to one workspace by the scoped base (kit/repository.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, and_, or_, union_all
from sqlalchemy.dialects import postgresql, sqlite

from socdesk.kit.repository import WorkspaceScoped, chunks
from socdesk.models import DataObjectLink

Link = DataObjectLink
# One end of a link: (class id, object id).
End = tuple[uuid.UUID, uuid.UUID]


def ordered(a: End, b: End) -> tuple[End, End]:
    """The two ends as a link stores them: the smaller object id first."""
    return (a, b) if a[1] < b[1] else (b, a)


class LinkRepository(WorkspaceScoped[DataObjectLink]):
    """One workspace's links."""

    model = DataObjectLink

    async def add(
        self, pairs: Sequence[tuple[End, End]], now: datetime
    ) -> set[tuple[uuid.UUID, uuid.UUID]]:
        """Links between each pair of ends; a pair already linked stays as it is. One
        INSERT per chunk; the (first, second) id pairs newly linked."""
        rows = {}
        for a, b in pairs:
            first, second = ordered(a, b)
            rows[(first[1], second[1])] = {
                "workspace_id": self.tenant_id,
                "first_id": first[1],
                "second_id": second[1],
                "first_class_id": first[0],
                "second_class_id": second[0],
                "created_at": now,
            }
        make = postgresql.insert if self.is_postgres else sqlite.insert
        values = list(rows.values())
        added: set[tuple[uuid.UUID, uuid.UUID]] = set()
        for part in chunks(values, 1000):
            statement = (
                make(Link)
                .values(list(part))
                .on_conflict_do_nothing()
                .returning(Link.first_id, Link.second_id)
            )
            added.update((a, b) for a, b in await self.session.execute(statement))
        return added

    def _pair_matches(self, pairs: Sequence[tuple[uuid.UUID, uuid.UUID]]) -> ColumnElement[bool]:
        return or_(*(and_(Link.first_id == a, Link.second_id == b) for a, b in pairs))

    async def remove(self, pairs: Sequence[tuple[End, End]]) -> set[tuple[uuid.UUID, uuid.UUID]]:
        """Unlink each pair; the (first, second) id pairs that were linked."""
        wanted = [tuple(e[1] for e in ordered(a, b)) for a, b in pairs]
        removed: set[tuple[uuid.UUID, uuid.UUID]] = set()
        for part in chunks(wanted, 200):
            statement = (
                self.delete()
                .where(self._pair_matches(part))
                .returning(Link.first_id, Link.second_id)
            )
            removed.update((a, b) for a, b in await self.session.execute(statement))
        return removed

    async def remove_touching(self, ids: Sequence[uuid.UUID]) -> None:
        """Every link of the objects `ids` (being deleted): two DELETEs per chunk."""
        for part in chunks(list(ids)):
            await self.session.execute(self.delete().where(self.among(Link.first_id, part)))
            await self.session.execute(self.delete().where(self.among(Link.second_id, part)))

    def linked_ids(self, end: End, related_class_id: uuid.UUID) -> CompoundSelect[Any]:
        """A SELECT of the ids of the objects of `related_class_id` linked to `end`, read
        from either side of the link (each side has its index)."""
        class_id, object_id = end
        as_first = self.select(Link.second_id.label("id")).where(
            Link.first_id == object_id,
            Link.first_class_id == class_id,
            Link.second_class_id == related_class_id,
        )
        as_second = self.select(Link.first_id.label("id")).where(
            Link.second_id == object_id,
            Link.second_class_id == class_id,
            Link.first_class_id == related_class_id,
        )
        return union_all(as_first, as_second)
