"""The built-in classes' field lists are the SDK's models, and every list is well formed."""

from __future__ import annotations

import re
from typing import Any

import huaweicloudsdksecmaster.v1 as sdk
import pytest

from socdesk.classes.fields import SECMASTER_TYPES, FieldType
from socdesk.classes.registry import (
    ALERT,
    BUILT_IN_CLASSES,
    INCIDENT,
    INDICATOR,
    VULNERABILITY,
    DataClass,
    built_in_class,
    taken_by_built_in,
)
from socdesk.incidents import catalog

_LIST = re.compile(r"list\[(.+)\]")


def sdk_keys(model: Any, prefix: str = "") -> set[str]:
    """Every key of an SDK model, dotted into its nested object models (not into the items of
    a list, which the field lists keep as one List<Object> field)."""
    keys = set()
    for attr, type_name in model.openapi_types.items():
        key = prefix + model.attribute_map[attr]
        keys.add(key)
        nested = getattr(sdk, type_name, None)
        if nested is not None and not _LIST.fullmatch(type_name):
            keys |= sdk_keys(nested, key + ".")
    return keys


def free_form_parents(data_class: DataClass) -> set[str]:
    """Object fields that list no sub-fields: anything inside them is the object's."""
    objects = {f.key for f in data_class.fields if f.field_type is FieldType.object}
    parents = {f.parent for f in data_class.fields if f.parent}
    return objects - parents


@pytest.mark.parametrize(
    ("data_class", "models"),
    [
        (INCIDENT, ["Incident"]),
        (ALERT, ["Alert"]),
        (INDICATOR, ["CreateIndicatorDetail", "IndicatorDataObjectDetail"]),
        (VULNERABILITY, ["VulnerabilityDataObject"]),
    ],
    ids=lambda v: v.name if isinstance(v, DataClass) else "",
)
def test_every_key_of_the_sdks_model_is_a_field_of_its_class(
    data_class: DataClass, models: list[str]
) -> None:
    wanted = set().union(*(sdk_keys(getattr(sdk, m)) for m in models))
    free = free_form_parents(data_class)
    inside_free = {k for k in wanted if any(k.startswith(p + ".") for p in free)}

    assert wanted - inside_free - set(data_class.by_key) == set()


@pytest.mark.parametrize("data_class", BUILT_IN_CLASSES, ids=lambda c: c.name)
def test_a_field_list_is_well_formed(data_class: DataClass) -> None:
    keys = [f.key for f in data_class.fields]
    objects = {f.key for f in data_class.fields if f.field_type is FieldType.object}

    assert len(keys) == len(set(keys))
    assert all(f.parent in objects for f in data_class.fields if f.parent)
    assert all(bool(f.enum) == (f.field_type is FieldType.enum) for f in data_class.fields)
    assert {f.field_type.secmaster_name for f in data_class.fields} <= set(SECMASTER_TYPES)
    assert all(f.name and f.is_built_in for f in data_class.fields)


def test_the_built_in_classes_have_their_own_ids_and_names() -> None:
    routes = [c.route_name for c in BUILT_IN_CLASSES]
    spellings = [{n.lower() for n in c.names()} for c in BUILT_IN_CLASSES]

    assert routes == ["incidents", "alerts", "indicators", "vulnerabilities"]
    assert len(set().union(*spellings)) == sum(len(s) for s in spellings)
    assert all(built_in_class(n.upper()) is c for c in BUILT_IN_CLASSES for n in c.names())
    assert built_in_class("assets") is None


def test_route_segments_and_class_names_are_taken() -> None:
    assert taken_by_built_in("Alerts")
    assert taken_by_built_in("dataclasses")
    assert taken_by_built_in("vulnerability")
    assert not taken_by_built_in("assets")


def test_the_incident_catalogue_is_a_view_of_the_registry() -> None:
    assert catalog.INCIDENT_FIELDS is INCIDENT.fields
    assert catalog.INCIDENT_DATACLASS_ID == INCIDENT.id
    assert catalog.REQUIRED_ON_CREATE == INCIDENT.required_keys
    assert set(catalog.SEARCHABLE) == set(INCIDENT.searchable)


def test_alert_fields_shared_with_incidents_are_the_same_definitions() -> None:
    shared = set(ALERT.by_key) & set(INCIDENT.by_key) - {"version", "id"}

    assert shared
    for key in shared:
        alert, incident = ALERT.by_key[key], INCIDENT.by_key[key]
        assert (alert.field_type, alert.required, alert.enum, alert.searchable) == (
            incident.field_type,
            incident.required,
            incident.enum,
            incident.searchable,
        )
        assert alert.column is None
