"""The data classes SOCdesk knows: the four built in, and the shape of a workspace's own.

A class has a stable id, a business code (how SecMaster names it in codes and types), a plural
route name (`~/soc/{route_name}` serves its objects) and its field list. Built-in classes are
the same in every workspace; a workspace adds classes and fields of its own (classes/service.py
merges them into the same `DataClass` value, so every reader sees one shape)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property

from socdesk.classes.alert import ALERT_FIELDS
from socdesk.classes.fields import (
    BUILT_IN_AUTHOR,
    BUILT_IN_TIME,
    CREATE_TIME,
    LINKED_INCIDENT,
    UPDATE_TIME,
    ClassField,
    FieldType,
)
from socdesk.classes.incident import INCIDENT_FIELDS
from socdesk.classes.indicator import INDICATOR_FIELDS
from socdesk.classes.vulnerability import VULNERABILITY_FIELDS
from socdesk.kit.params import ROUTE_WORDS

# The typed columns of the data-object store (objects/, table `data_objects`) that a class may
# map fields onto, so the filters and sorts a SOC runs most use an index rather than a JSON
# path: a short text, a severity kept as its rank in SEVERITIES (so `>=` works), a status, and
# the incident the object is linked to (LINKED_INCIDENT, which every class but Incident has).
PROMOTED_COLUMNS = ("title", "severity", "status", "incident_id")


@dataclass(frozen=True)
class DataClass:
    id: str
    name: str
    business_code: str
    route_name: str
    description: str
    fields: tuple[ClassField, ...]
    is_built_in: bool = True
    # Who made a workspace's class and when; a built-in one was made by SOCdesk at its release.
    creator_id: str = ""
    creator_name: str = BUILT_IN_AUTHOR
    create_time: datetime = BUILT_IN_TIME
    update_time: datetime = BUILT_IN_TIME
    # Which field each promoted column (PROMOTED_COLUMNS) holds: (column, field key) pairs.
    promoted: tuple[tuple[str, str], ...] = (("incident_id", LINKED_INCIDENT.key),)

    def __post_init__(self) -> None:
        for column, key in self.promoted:
            if column not in PROMOTED_COLUMNS or key not in self.by_key:
                raise ValueError(f"{self.name}: cannot promote {key!r} to column {column!r}")

    @cached_property
    def column_of(self) -> dict[str, str]:
        """The promoted column of each field that has one, by field key."""
        return {key: column for column, key in self.promoted}

    @cached_property
    def by_key(self) -> dict[str, ClassField]:
        return {f.key: f for f in self.fields}

    @cached_property
    def required_keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields if f.required)

    @cached_property
    def required_paths(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Each required field's key and the path of keys to it."""
        return tuple((key, tuple(key.split("."))) for key in self.required_keys)

    @cached_property
    def promoted_paths(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Each promoted column and the key path of the field it holds."""
        return tuple((column, tuple(key.split("."))) for column, key in self.promoted)

    @cached_property
    def time_parents(self) -> tuple[tuple[tuple[str, ...], str], ...]:
        """`time_paths` split as (the keys of the objects holding the field, its own key)."""
        return tuple((parts[:-1], parts[-1]) for parts in self.time_paths)

    @cached_property
    def time_paths(self) -> tuple[tuple[str, ...], ...]:
        """The key paths of the Timestamp fields (looked up, never searched for: a batch
        writes the times of 10,000 objects in one form)."""
        return tuple(
            tuple(f.key.split(".")) for f in self.fields if f.field_type is FieldType.datetime
        )

    @cached_property
    def searchable(self) -> dict[str, ClassField]:
        return {f.key: f for f in self.fields if f.searchable}

    @cached_property
    def children(self) -> dict[str, frozenset[str]]:
        """The sub-field names of each object field that lists any ("" holds the top level)."""
        found: dict[str, set[str]] = {}
        for f in self.fields:
            parent, _, name = f.key.rpartition(".")
            found.setdefault(parent, set()).add(name)
        return {parent: frozenset(names) for parent, names in found.items()}

    def with_fields(self, added: Iterable[ClassField]) -> DataClass:
        """The class with a workspace's own fields after its own."""
        more = tuple(added)
        if not more:
            return self
        return replace(self, fields=self.fields + more)

    def names(self) -> tuple[str, ...]:
        """Every spelling a path may use for the class: id, name, business code, route name."""
        return (self.id, self.name, self.business_code, self.route_name)


INCIDENT = DataClass(
    id="c4b0f6a2-8f3e-4c55-9a4e-2d1f0b6e9a01",
    name="Incident",
    business_code="Incident",
    route_name="incidents",
    description="Security incidents: the records a SOC investigates and closes.",
    fields=INCIDENT_FIELDS,
    # Incidents have their own table (incidents/), whose columns the catalogue names.
    promoted=(),
)
ALERT = DataClass(
    id="c4b0f6a2-8f3e-4c55-9a4e-2d1f0b6e9a02",
    name="Alert",
    business_code="Alert",
    route_name="alerts",
    description="Alerts: what detectors report, triaged and converted into incidents.",
    fields=ALERT_FIELDS + (LINKED_INCIDENT,),
    promoted=(
        ("title", "title"),
        ("severity", "severity"),
        ("status", "handle_status"),
        ("incident_id", LINKED_INCIDENT.key),
    ),
)
INDICATOR = DataClass(
    id="c4b0f6a2-8f3e-4c55-9a4e-2d1f0b6e9a03",
    name="Indicator",
    business_code="Indicator",
    route_name="indicators",
    description="Threat-intelligence indicators: IPs, domains, URLs and hashes with a verdict.",
    fields=INDICATOR_FIELDS + (LINKED_INCIDENT,),
    promoted=(("title", "name"), ("status", "status"), ("incident_id", LINKED_INCIDENT.key)),
)
VULNERABILITY = DataClass(
    id="c4b0f6a2-8f3e-4c55-9a4e-2d1f0b6e9a04",
    name="Vulnerability",
    business_code="Vulnerability",
    route_name="vulnerabilities",
    description="Vulnerabilities found on the workspace's resources.",
    fields=VULNERABILITY_FIELDS + (LINKED_INCIDENT,),
    promoted=(("title", "vul_name"), ("incident_id", LINKED_INCIDENT.key)),
)
BUILT_IN_CLASSES: tuple[DataClass, ...] = (INCIDENT, ALERT, INDICATOR, VULNERABILITY)

# Every class a workspace defines starts with these, as every SecMaster data object has them.
SYSTEM_FIELDS: tuple[ClassField, ...] = (
    ClassField("id", "ID", FieldType.string, "The object's UUID.", read_only=True, searchable=True),
    CREATE_TIME,
    UPDATE_TIME,
    LINKED_INCIDENT,
)

# What a workspace's own class may not be called (its names are compared without case): the
# built-in classes' names, and the `~/soc/...` segments that are routes of their own (and a
# data object's `history`), kit/params.py ROUTE_WORDS.
RESERVED_ROUTE_NAMES = frozenset(ROUTE_WORDS)


def built_in_class(ref: str) -> DataClass | None:
    """The built-in class `ref` names (id, name, business code or route name; any case)."""
    wanted = ref.lower()
    for data_class in BUILT_IN_CLASSES:
        if wanted in (n.lower() for n in data_class.names()):
            return data_class
    return None


def taken_by_built_in(name: str) -> bool:
    """Whether a new class or route name would clash with a built-in class or route."""
    wanted = name.lower()
    return wanted in RESERVED_ROUTE_NAMES or built_in_class(wanted) is not None
