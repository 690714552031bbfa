"""The audit of a set-based change or delete, built by the database in the statement that writes
the events (`INSERT INTO incident_events ... SELECT ... FROM incidents`), so that no incident's
state or snapshot travels to Python and back.

It records exactly what the Python audit (`audit.py`) records — the same fields, values, key
order and time form — and tests/incidents/test_audit_sql.py holds the two to agree, row by row,
on generated changes and on both stores:

- an update event's `changes` (`update_changes`): for each audit field a change can touch, known
  from its `Writes` alone, the field's JSON before (read from the row, before the UPDATE) and
  after (the value written, or the same status and close-time rules `rules.py` gives the UPDATE,
  rendered as JSON), kept where the two differ, in sorted key order. The tag, threat objective
  and risk lists a change touches are worked out by `relations.py` (one read per chunk); their
  (before, after) come in as one JSON parameter per chunk, as finished members.
- a delete event's `snapshot` (`snapshot`): `mapping.data_object` of the row.

A change that writes a free-form document object (`system_info`, `extend_properties`, ...) has
audit fields that differ from row to row (each of its keys is one); `can_build` says no and the
change path audits it in Python.
"""

from __future__ import annotations

import json
import types
import typing
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from pydantic import BaseModel
from sqlalchemy import case

from socdesk.incidents import mapping
from socdesk.incidents.audit import REGISTER_FACTS, VIEWED_COLUMNS, plain
from socdesk.incidents.record import IncidentObject
from socdesk.incidents.rules import (
    CloseTime,
    StatusIntent,
    by_current_status,
    close_time_rule,
    status_after,
)
from socdesk.incidents.writes import Writes, merged_document
from socdesk.kit.built import Built
from socdesk.kit.clock import format_time
from socdesk.kit.columns import UtcDateTime
from socdesk.kit.sqljson import (
    Dialect,
    RowValues,
    json_constant,
    json_object,
    members,
    text,
)
from socdesk.models import Incident, Status


def _document_fields() -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """The document's object fields with their children, and its free-form ones (any keys)."""
    objects: dict[str, tuple[str, ...]] = {}
    free_form: set[str] = set()
    for name in mapping.DOCUMENT_FIELDS:
        annotation = IncidentObject.model_fields[name].annotation
        options = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else ()
        for option in options or (annotation,):
            if isinstance(option, type) and issubclass(option, BaseModel):
                objects[name] = tuple(option.model_fields)
            elif option is dict or typing.get_origin(option) is dict:
                free_form.add(name)
    return objects, frozenset(free_form)


OBJECT_FIELDS, FREE_FORM_FIELDS = _document_fields()
COLUMNS = Incident.__table__.columns
TIME_COLUMNS = frozenset(
    name for name in COLUMNS.keys() if isinstance(COLUMNS[name].type, UtcDateTime)
)
RELATED_KEYS = ("tags", "threat_objectives", "risk_associations")


@dataclass(frozen=True, slots=True)
class Field:
    """One audit field a change may touch: its JSON text before and after, in SQL."""

    key: str
    before: Any
    after: Any


class AuditSql:
    """The set-based audit's SQL, for one store."""

    def __init__(self, dialect: Dialect) -> None:
        self.sql = dialect

    # --- the values a view holds, as JSON text -------------------------------------------------

    def column(self, name: str) -> Any:
        """The view's JSON of a viewed column (not severity or status) of the row."""
        column = COLUMNS[name]
        return self.sql.time(column) if name in TIME_COLUMNS else self.sql.scalar(column)

    def severity(self) -> Any:
        return case(
            {rank: json_constant(name) for rank, name in mapping.NAME_BY_SEVERITY.items()},
            value=Incident.severity,
        )

    def handle_status(self) -> Any:
        return case(
            {s.value: json_constant(mapping.HANDLE_STATUS_OF[s]) for s in Status},
            value=Incident.status,
        )

    # --- an update's changes -----------------------------------------------------------------

    @staticmethod
    def can_build(writes: Writes) -> bool:
        """Whether the audit fields of `writes` are the same for every row (see the module)."""
        parents = {parent for (parent, _child), _value in writes.paths}
        if any(
            key in FREE_FORM_FIELDS or key not in mapping.DOCUMENT_FIELDS for key in writes.document
        ):
            return False
        return parents <= set(OBJECT_FIELDS) and "status" not in writes.columns

    def fields(self, writes: Writes, now: datetime) -> list[Field]:
        """Every audit field `writes` can change, with its before and after."""
        found: list[Field] = []
        for name, value in writes.columns.items():
            if name not in VIEWED_COLUMNS:
                continue  # shown through the document (product_name ...), not as itself
            if name == "severity":
                after = mapping.NAME_BY_SEVERITY[value] if value is not None else None
                found.append(Field("severity", self.severity(), json_constant(after)))
            else:
                key = REGISTER_FACTS.get(name, name)
                found.append(Field(key, self.column(name), json_constant(plain(value))))
        if writes.status is not None:
            found += self._status_fields(writes.status, "close_time" not in writes.columns, now)
        found += self._document_fields(writes)
        return found

    def _status_fields(self, intent: StatusIntent, closes: bool, now: datetime) -> list[Field]:
        def after(current: Status) -> Status:
            return status_after(intent, current)

        fields = [
            Field(
                "status",
                self.sql.scalar(Incident.status),
                by_current_status(after, lambda status: json_constant(status.value)),
            ),
            Field(
                "handle_status",
                self.handle_status(),
                by_current_status(
                    lambda current: mapping.HANDLE_STATUS_OF[after(current)], json_constant
                ),
            ),
        ]
        if closes:
            before = self.column("close_time")
            moment = json_constant(format_time(now))

            def render(rule: CloseTime) -> Any:
                if rule is CloseTime.clear:
                    return json_constant(None)
                return moment if rule is CloseTime.now else self.sql.coalesce(before, moment)

            rules = by_current_status(
                lambda current: close_time_rule(current, after(current)), render
            )
            fields.append(Field("close_time", before, rules))
        return fields

    def _document_fields(self, writes: Writes) -> list[Field]:
        document = Incident.document
        merged = merged_document({}, writes.document, writes.paths)
        fields: list[Field] = []
        for key in writes.document:
            value = merged[key]
            if key in OBJECT_FIELDS:
                children = dict.fromkeys(OBJECT_FIELDS[key])
                if isinstance(value, dict):
                    children.update(dict.fromkeys(value))
                for child in children:
                    after = value.get(child) if isinstance(value, dict) else None
                    before = self.sql.member(document, (key, child))
                    fields.append(Field(f"{key}.{child}", before, json_constant(after)))
            else:
                fields.append(Field(key, self.sql.member(document, (key,)), json_constant(value)))
        for (parent, child), value in writes.paths:
            if parent in writes.document:
                continue  # merged above
            before = self.sql.member(document, (parent, child))
            after = case((self.sql.is_object(document, parent), json_constant(value)), else_=before)
            fields.append(Field(f"{parent}.{child}", before, after))
        return fields

    def update_changes(self, writes: Writes, now: datetime, related: RowValues | None) -> Any:
        """The JSON text of an update event's `changes` for the row; `related.text(key)` gives
        the finished member of a relation the change touched (NULL where it did not change)."""
        key = _columns_key(writes)
        if key is not None:
            # A change of columns alone (a workflow's set_severity, ...) is the same SQL for
            # the same values, whatever the time: built once, so the statement that writes its
            # events is built once too (`EventRepository.add_from_incidents` keeps it by it).
            shape = (self.sql.postgres, key, id(related))
            return _COLUMN_CHANGES.get(shape, lambda: self._built_changes(writes, now, related))
        return self._built_changes(writes, now, related)

    def _built_changes(self, writes: Writes, now: datetime, related: RowValues | None) -> Any:
        fields = self.fields(writes, now)
        if not fields and related is not None:
            return _relations_changes(related)
        return self._changes(fields, related)

    def _changes(self, fields: list[Field], related: RowValues | None) -> Any:
        pairs: list[tuple[str, Any, Any]] = []
        for found in fields:
            value = text('{"before":').op("||")(self.sql.coalesce(found.before, text("null")))
            value = (
                value.op("||")(text(',"after":'))
                .op("||")(self.sql.coalesce(found.after, text("null")))
                .op("||")(text("}"))
            )
            pairs.append((found.key, value, self.sql.differs(found.before, found.after)))
        if related is not None:
            pairs += [(key, related.text(key), None) for key in RELATED_KEYS]
        pairs.sort(key=lambda pair: pair[0])
        return self.sql.as_json(json_object(members(pairs)))

    # --- a delete's snapshot -------------------------------------------------------------------

    def snapshot(self, project_hex: str, workspace_id: uuid.UUID) -> Any:
        """The JSON text of `mapping.data_object` of the row."""
        scalars = [
            (name, self.column(name), COLUMNS[name].is_not(None)) for name in mapping.SCALAR_COLUMNS
        ]
        fixed = [
            ("id", self.sql.uuid_text(Incident.id), None),
            ("version", self.sql.scalar(self.sql.as_text(Incident.version)), None),
            ("domain_id", json_constant(project_hex), None),
            ("workspace_id", json_constant(str(workspace_id)), None),
            ("severity", self.severity(), None),
            ("handle_status", self.handle_status(), None),
            ("update_time", self.column("update_time"), None),
        ]
        body = self.sql.concat_text(
            self.sql.document_members(Incident.document), members(scalars + fixed)
        )
        return self.sql.as_json(json_object(body))


_COLUMN_CHANGES = Built(256)


def _columns_key(writes: Writes) -> tuple[Any, ...] | None:
    """What `update_changes` of a change of columns alone depends on (their names, values and
    the values' types: 1 and True are equal keys but not equal JSON), or None for another
    change or unhashable values."""
    if writes.status is not None or writes.document or writes.paths:
        return None
    key = tuple((name, type(value), value) for name, value in sorted(writes.columns.items()))
    try:
        hash(key)
    except TypeError:
        return None
    return key


@cache
def _relations_changes(related: RowValues) -> Any:
    """`update_changes` of a change to relations alone (tags, ...: a workflow's tag actions):
    the same for every such change of a store, so built once (it cost a third of a tag
    change's CPU)."""
    return AuditSql(related.dialect)._changes([], related)


def related_members(
    related: Mapping[uuid.UUID, Mapping[str, tuple[Any, Any]]], dialect: Dialect
) -> str:
    """The relation members of each row's changes, as one JSON parameter: by the row's id
    text, each changed relation's `{"before":...,"after":...}` object, whose JSON text
    `RowValues.text` gives (one encoding of the whole parameter, not one per row and relation:
    a PATCH of 10,000 spent more on those than on its UPDATE)."""
    return json.dumps(
        {
            dialect.id_key(incident_id): {
                key: {"before": old, "after": new}
                for key, (old, new) in pairs.items()
                if old != new
            }
            for incident_id, pairs in related.items()
        },
        ensure_ascii=False,
    )
