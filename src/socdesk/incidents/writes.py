"""What a change writes, in domain terms: `IncidentChange` (one change for many incidents),
`NewIncident` (one new incident), and `Writes`, a change with its references resolved, from
which both the UPDATE (`Writes.sql_values`) and the after-state the audit reads
(`Writes.after`) are built, by the same rules (`rules.py`)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from types import SimpleNamespace
from typing import Any

from socdesk.incidents import mapping
from socdesk.incidents.audit import REGISTER_FACTS
from socdesk.incidents.relations import ObjectiveKey, TagChange
from socdesk.incidents.repository import IncidentRepository
from socdesk.incidents.rules import (
    StatusIntent,
    close_time_after,
    close_time_sql,
    status_after,
    status_sql,
)
from socdesk.models import Status

# Columns only the register's facts fill; a new row names them all, so rows written together
# have the same columns.
FACT_COLUMNS = tuple(REGISTER_FACTS)
SOURCE_PATH = ("data_source", "product_name")


class Unset(Enum):
    """A reference the change leaves alone (None would clear it)."""

    unset = "unset"


UNSET = Unset.unset


@dataclass(frozen=True, slots=True)
class IncidentChange:
    """One change, the same for every incident it applies to, in domain terms.

    `columns` are incident columns written as given (typed values: datetimes, severity ranks);
    `document` replaces top-level record fields kept in the document (JSON values); `status`
    asks for a status (the rules say what it leads to, and the close time with it); `source`
    names one of the project's sources (None empties it); `assignee` is a user who must be an
    active member of the workspace (None unassigns); `tags`, `objectives` (replacing the set)
    and `risks` (replacing the set) change the incident's relations."""

    columns: Mapping[str, Any] = field(default_factory=dict)
    document: Mapping[str, Any] = field(default_factory=dict)
    status: StatusIntent | None = None
    source: str | None | Unset = UNSET
    assignee: uuid.UUID | None | Unset = UNSET
    tags: TagChange | None = None
    objectives: Collection[ObjectiveKey] | None = None
    risks: Sequence[uuid.UUID] | None = None

    @classmethod
    def of_record(cls, sent: dict[str, Any]) -> IncidentChange:
        """The change a client's record fields (`mapping.sent_fields` form) ask for."""
        return cls(
            columns=mapping.column_values(sent),
            document=mapping.document_values(sent),
            status=mapping.status_intent(sent),
        )


def merged_document(
    document: dict[str, Any],
    patch: Mapping[str, Any],
    paths: Sequence[tuple[tuple[str, str], Any]],
) -> dict[str, Any]:
    """`document` as `IncidentRepository.document_sql` leaves it: `patch`'s keys replaced, then
    each nested key of `paths` set where its parent object exists."""
    merged = {**document, **patch}
    for (parent, child), value in paths:
        inner = merged.get(parent)
        if isinstance(inner, dict):
            merged[parent] = {**inner, child: value}
    return merged


@dataclass(frozen=True, slots=True)
class Writes:
    """A change with its references resolved: exactly what it writes on each incident. The
    UPDATE (`sql_values`) and the after-state the audit reads (`after`) are built from it."""

    columns: dict[str, Any]
    document: dict[str, Any]
    paths: tuple[tuple[tuple[str, str], Any], ...]
    status: StatusIntent | None
    tags: TagChange | None
    objectives: frozenset[ObjectiveKey] | None
    risks: tuple[uuid.UUID, ...] | None

    def sql_values(
        self, incidents: IncidentRepository, now: datetime, user_id: uuid.UUID
    ) -> dict[str, Any]:
        """The SET clause of the one UPDATE for every incident (the version aside)."""
        values = {**self.columns, "update_time": now, "updated_by_id": user_id}
        if self.status is not None:
            values["status"] = status_sql(self.status)
            if "close_time" not in self.columns:
                values["close_time"] = close_time_sql(self.status, now)
        document = incidents.document_sql(self.document, self.paths)
        if document is not None:
            values["document"] = document
        return values

    def after(self, state: SimpleNamespace, now: datetime) -> SimpleNamespace:
        """What the UPDATE leaves of an incident whose `audit.state_of` is `state`."""
        after = SimpleNamespace(**vars(state))
        for name, value in self.columns.items():
            setattr(after, name, value)
        if self.status is not None:
            current = Status(state.status)
            after.status = status_after(self.status, current)
            if "close_time" not in self.columns:
                after.close_time = close_time_after(self.status, current, state.close_time, now)
        if self.document or self.paths:
            after.document = merged_document(state.document, self.document, self.paths)
        return after


@dataclass(frozen=True, slots=True)
class NewIncident:
    """A new incident in domain terms: the record's fields as a client sent them
    (`mapping.sent_fields` form; mandatory ones present), `status` when it says more than the
    record's handle_status, the register's facts (`FACT_COLUMNS`), tags and threat objectives."""

    record: Mapping[str, Any]
    status: StatusIntent | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)
    tags: Sequence[str] = ()
    objectives: Collection[ObjectiveKey] = ()
