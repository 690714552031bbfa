"""The rules of a workspace's own class and fields, every problem at once."""

from __future__ import annotations

from socdesk.classes.definitions import NewClass, NewField, check_new_class, check_new_fields
from socdesk.classes.registry import ALERT, INCIDENT, SYSTEM_FIELDS, DataClass

ASSET = DataClass("", "Asset", "Asset", "assets", "", SYSTEM_FIELDS, False)


def fields_of(problems: list) -> set[str]:  # type: ignore[type-arg]
    return {p.field for p in problems}


def test_a_good_definition_has_no_problem() -> None:
    fields = [
        NewField("owner", "Owner", "Object"),
        NewField("owner.team", "Team", "Enum", enum_values=("red", "blue")),
        NewField("notes", "Notes", "String", display_type="text"),
    ]
    new = NewClass("Asset", "Asset", fields=fields)

    assert check_new_class(new) == []
    assert check_new_fields(ASSET, fields) == []
    assert new.chosen_route_name == "assets"


def test_bad_fields_are_all_reported() -> None:
    fields = [
        NewField("Bad Key", "Bad", "String"),
        NewField("kind", "Kind", "Enum"),
        NewField("size", "Size", "Integer", enum_values=("1",)),
        NewField("when", "When", "Date"),
        NewField("id", "Clash", "String"),
        NewField("dup", "Dup", "String"),
        NewField("dup", "Dup again", "String"),
        NewField("size.part", "Part", "String"),
        NewField("blank", " ", "String"),
        NewField("long", "Long", "Integer", display_type="text"),
    ]

    assert fields_of(check_new_fields(ASSET, fields)) == {
        "fields[0].field_key",
        "fields[1].enum_values",
        "fields[2].enum_values",
        "fields[3].field_type",
        "fields[4].field_key",
        "fields[6].field_key",
        "fields[7].field_key",
        "fields[8].name",
        "fields[9].display_type",
    }


def test_fields_added_to_a_built_in_class_may_not_repeat_its_keys() -> None:
    problems = check_new_fields(
        INCIDENT,
        [
            NewField("severity", "Severity", "String"),
            NewField("vendor_tier", "Vendor tier", "Integer"),
            NewField("title.part", "Part", "String"),
        ],
    )

    assert fields_of(problems) == {"fields[0].field_key", "fields[2].field_key"}


def test_secmasters_own_incident_objects_take_no_added_fields() -> None:
    # An incident's data_source keeps SecMaster's shape; an alert's takes a field of its own.
    field = NewField("data_source.vendor_tier", "Vendor tier", "Integer")

    assert fields_of(check_new_fields(INCIDENT, [field])) == {"fields[0].field_key"}
    assert check_new_fields(ALERT, [field]) == []


def test_a_class_may_not_take_a_built_in_name_or_route() -> None:
    problems = check_new_class(NewClass("Alert", "incident", route_name="dataclasses", fields=[]))

    assert fields_of(problems) == {"name", "business_code", "route_name", "fields"}


def test_a_class_needs_names_of_the_right_shape() -> None:
    problems = check_new_class(
        NewClass("", "9lives", route_name="Not/A/Route", fields=[NewField("a", "A", "String")])
    )

    assert fields_of(problems) == {"name", "business_code", "route_name"}
