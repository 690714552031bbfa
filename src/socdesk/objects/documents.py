"""A data object as the store keeps it: the document with the server's fields set and its times
in one form, and the promoted columns its class derives from it.

Times are written as SOCdesk writes every time (UTC, milliseconds, `Z`; kit/clock.py), so a
stored time compares as text in the order of time: a JSON-path search on a Timestamp field
(classes/search.py) is then right on both stores."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from socdesk.classes.registry import DataClass
from socdesk.classes.values import SEVERITY_RANK
from socdesk.kit.clock import format_time, parse_time

# A time already in the one form (format_time's) is kept as it is.
_CANONICAL_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\Z")
# What the text columns hold (the document keeps the whole value).
COLUMN_LENGTHS = {"title": 255, "status": 64}


def normalise_times(data_class: DataClass, data: dict[str, Any]) -> None:
    """Write every Timestamp field of a checked object in SOCdesk's one form, in place."""
    for parents, last in data_class.time_parents:
        holder: Any = data
        for part in parents:
            holder = holder.get(part)
            if type(holder) is not dict:
                break
        else:
            value = holder.get(last)
            if value is not None and value != "" and not _CANONICAL_TIME.match(value):
                holder[last] = format_time(parse_time(value))


def promoted_values(data_class: DataClass, data: dict[str, Any]) -> dict[str, Any]:
    """The promoted columns (all four, None where the class maps no field or the object has no
    value) for a checked object."""
    values: dict[str, Any] = {"title": None, "severity": None, "status": None, "incident_id": None}
    for column, parts in data_class.promoted_paths:
        raw = promoted_raw(data, parts)
        if raw is not None:
            values[column] = promoted_value(column, raw)
    return values


def promoted_raw(data: dict[str, Any], parts: tuple[str, ...]) -> Any:
    """The value a promoted column takes from the object, at the field's path `parts` (None
    where there is none, or it is empty)."""
    raw: Any = data
    for part in parts:
        raw = raw.get(part) if type(raw) is dict else None
    return None if raw == "" else raw


def promoted_value(column: str, raw: Any) -> Any:
    """What the promoted `column` holds for the field's (non-empty) value `raw`."""
    if column == "severity":
        return SEVERITY_RANK.get(str(raw))
    if column == "incident_id":
        return uuid.UUID(str(raw))
    return str(raw)[: COLUMN_LENGTHS[column]]


def stamp(
    data_class: DataClass, data: dict[str, Any], object_id: uuid.UUID, now: datetime, now_text: str
) -> datetime:
    """Set the server's fields of a new object in place (its id; create_time unless sent, and
    update_time, where the class has them; `now_text` is `now` formatted, once a batch); the
    object's create time."""
    data["id"] = str(object_id)
    created = now
    if "create_time" in data_class.by_key:
        sent = data.get("create_time")
        if sent:
            created = parse_time(sent)
            data["create_time"] = format_time(created)
        else:
            data["create_time"] = now_text
    if "update_time" in data_class.by_key:
        data["update_time"] = now_text
    return created
