"""A data object is checked against its class's field list: types, required, enums, keys."""

from __future__ import annotations

from typing import Any

import pytest

from socdesk.classes.definitions import NewField
from socdesk.classes.registry import ALERT, INDICATOR, SYSTEM_FIELDS, DataClass
from socdesk.classes.validation import check_data_object, check_data_objects


def alert(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Brute force on ssh",
        "description": "Many failed logins",
        "severity": "High",
        "handle_status": "Open",
        "alert_type": {"category": "Brute force", "alert_type": "SSH"},
        "data_source": {"source_type": 1, "product_name": "HSS", "product_feature": "login"},
        "first_observed_time": "2026-11-24T06:33:00.000Z",
    }
    data.update(changes)
    return data


def problems(data_class: DataClass, data: Any, **options: Any) -> set[tuple[str, str]]:
    return {(p.field, p.message) for p in check_data_object(data_class, data, **options)}


def test_a_complete_alert_fits() -> None:
    assert problems(ALERT, alert(count=3, labels="a,b", system_info={"any": ["thing"]})) == set()


def test_every_problem_is_listed_with_its_field_and_value() -> None:
    data = alert(severity="Severe", count=True, confidence=1.5, title=None, colour="red")
    data["alert_type"] = {"category": "x", "alert_type": "y", "extra": 1}

    found = check_data_object(ALERT, data, row=7)

    assert {(p.field, p.row) for p in found} == {
        ("severity", 7),
        ("count", 7),
        ("confidence", 7),
        ("title", 7),
        ("colour", 7),
        ("alert_type.extra", 7),
    }
    assert next(p for p in found if p.field == "severity").value == "Severe"


def test_required_fields_inside_objects_are_required() -> None:
    data = alert(data_source={"source_type": 1})

    assert problems(ALERT, data) == {
        ("data_source.product_name", "is required"),
        ("data_source.product_feature", "is required"),
    }


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("first_observed_time", "yesterday", "not a time"),
        ("first_observed_time", "2026-11-24T06:33:00", "needs an offset"),
        ("data_source", "HSS", "must be an object"),
        ("network_list", [{"src_ip": "1.2.3.4"}, "x"], "must be a list of objects"),
        ("count", 2**31, "must be within"),
        ("title", 5, "must be text"),
    ],
)
def test_values_must_have_their_fields_type(key: str, value: Any, message: str) -> None:
    found = check_data_object(ALERT, alert(**{key: value}))

    assert [p.field for p in found if p.field == key] == [key]
    assert message in next(p.message for p in found if p.field == key)


def test_an_enum_of_digits_takes_the_number_secmaster_sends() -> None:
    assert problems(ALERT, alert(data_source={**alert()["data_source"], "source_type": 2})) == set()
    assert ("data_source.source_type", "must be one of 1, 2, 3") in problems(
        ALERT, alert(data_source={**alert()["data_source"], "source_type": 9})
    )


def test_a_change_needs_no_required_field_but_cannot_empty_one() -> None:
    assert problems(ALERT, {"count": 2}, partial=True) == set()
    assert problems(ALERT, {"title": ""}, partial=True) == {("title", "is required")}


def test_something_other_than_an_object_is_refused() -> None:
    assert problems(INDICATOR, ["not", "an", "object"]) == {("data_object", "must be an object")}


def test_a_custom_classs_own_types_are_checked() -> None:
    own = tuple(
        f.as_field()
        for f in (
            NewField("owner_team", "Team", "Enum", enum_values=("red", "blue")),
            NewField("score", "Score", "Double"),
            NewField("seen", "Seen", "Boolean"),
            NewField("tags", "Tags", "List<String>"),
            NewField("size", "Size", "Long", required=True),
        )
    )
    asset = DataClass(
        "c0ffee00-0000-4000-8000-000000000001",
        "Asset",
        "Asset",
        "assets",
        "",
        SYSTEM_FIELDS + own,
        False,
    )

    fits = {"owner_team": "red", "score": 2, "seen": False, "tags": ["a"], "size": 2**40}
    wrong = {"owner_team": "green", "score": "2", "seen": 1, "tags": [1], "size": 2**63}

    assert problems(asset, fits) == set()
    assert {field for field, _ in problems(asset, wrong)} == {
        "owner_team",
        "score",
        "seen",
        "tags",
        "size",
    }


def test_a_batch_lists_every_problem_with_its_index() -> None:
    objects = [alert(), alert(severity="Severe"), "x", alert(title="")]

    found = check_data_objects(ALERT, objects)

    assert [(p.row, p.field) for p in found] == [
        (1, "severity"),
        (2, "data_object"),
        (3, "title"),
    ]
