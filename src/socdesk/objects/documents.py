"""A data object as the store keeps it: the document with the server's fields set and its times
in one form, and the promoted columns its class derives from it.

Times are written as SOCdesk writes every time (UTC, milliseconds, `Z`; kit/clock.py), so a
stored time compares as text in the order of time: a JSON-path search on a Timestamp field
(objects/search.py) is then right on both stores."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from socdesk.classes.fields import FieldType
from socdesk.classes.registry import DataClass
from socdesk.classes.values import SEVERITIES
from socdesk.kit.clock import format_time, parse_time

SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
# What the text columns hold (the document keeps the whole value).
COLUMN_LENGTHS = {"title": 255, "status": 64}


def normalise_times(data_class: DataClass, data: dict[str, Any]) -> None:
    """Write every Timestamp field of a checked object in SOCdesk's one form, in place."""
    for holder, name in _time_places(data_class, data, ""):
        holder[name] = format_time(parse_time(holder[name]))


def _time_places(
    data_class: DataClass, data: dict[str, Any], prefix: str
) -> Iterator[tuple[dict[str, Any], str]]:
    fields = data_class.by_key
    for name, value in data.items():
        spec = fields.get(prefix + name)
        if spec is None or value is None or value == "":
            continue
        if spec.field_type is FieldType.datetime:
            yield data, name
        elif spec.field_type is FieldType.object and type(value) is dict:
            yield from _time_places(data_class, value, prefix + name + ".")


def value_at(data: dict[str, Any], key: str) -> Any:
    """The value at a dotted key, or None."""
    value: Any = data
    for part in key.split("."):
        if type(value) is not dict:
            return None
        value = value.get(part)
    return value


def promoted_values(data_class: DataClass, data: dict[str, Any]) -> dict[str, Any]:
    """The promoted columns (all four, None where the class maps no field or the object has no
    value) for a checked object."""
    values: dict[str, Any] = {"title": None, "severity": None, "status": None, "incident_id": None}
    for column, key in data_class.promoted:
        raw = value_at(data, key)
        if raw is None or raw == "":
            continue
        if column == "severity":
            values[column] = SEVERITY_RANK.get(str(raw))
        elif column == "incident_id":
            values[column] = uuid.UUID(str(raw))
        else:
            values[column] = str(raw)[: COLUMN_LENGTHS[column]]
    return values


def stamp(
    data_class: DataClass, data: dict[str, Any], object_id: uuid.UUID, now: datetime
) -> datetime:
    """Set the server's fields of a new object in place (its id; create_time unless sent, and
    update_time, where the class has them); the object's create time."""
    data["id"] = str(object_id)
    created = now
    if "create_time" in data_class.by_key:
        sent = data.get("create_time")
        if sent:
            created = parse_time(sent)
        data["create_time"] = format_time(created)
    if "update_time" in data_class.by_key:
        data["update_time"] = format_time(now)
    return created
