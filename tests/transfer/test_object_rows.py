"""The rows of an object import: each row's object is built as its cells say, and a row is
marked checked only when the class's rule (check_data_object) finds nothing wrong with it —
whatever the cells hold, for a built-in class and a workspace's own with nested objects."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from socdesk.classes.definitions import NewField
from socdesk.classes.registry import ALERT, SYSTEM_FIELDS, DataClass
from socdesk.classes.validation import check_data_object
from socdesk.transfer.cells import CellError
from socdesk.transfer.class_columns import ClassColumns
from socdesk.transfer.object_rows import RowPlan

DEVICE = DataClass(
    "c0ffee00-0000-4000-8000-000000000002",
    "Device",
    "Device",
    "devices",
    "",
    SYSTEM_FIELDS
    + tuple(
        f.as_field()
        for f in (
            NewField("hostname", "Host", "String", required=True),
            NewField("tier", "Tier", "Enum", enum_values=("gold", "silver")),
            NewField("rack", "Rack", "Integer"),
            NewField("load", "Load", "Double"),
            NewField("managed", "Managed", "Boolean"),
            NewField("seen", "Seen", "Timestamp"),
            NewField("owner", "Owner", "Object", required=True),
            NewField("owner.team", "Team", "String"),
            NewField("owner.site", "Site", "Object"),
            NewField("owner.site.city", "City", "String", required=True),
            NewField("facts", "Facts", "Object"),
            NewField("tags", "Tags", "List<String>"),
            NewField("ports", "Ports", "List<Object>"),
        )
    ),
    False,
)
# Cells of every kind a file may hold where a column expects another: good values, empty and
# blank cells, wrong types, formula-quoted text, JSON of each shape, bad times and numbers.
CELLS = st.sampled_from(
    [
        "",
        " ",
        "text",
        "'=1+2",
        "'",
        "0",
        "3",
        "-7",
        "1.5",
        "99999999999",
        "true",
        "no",
        "High",
        "Open",
        "gold",
        "Intrusion",
        "2026-11-20T08:00:00.000Z",
        "2026-11-20T08:00:00+0800",
        "2026-11-20 08:00",
        "{}",
        '{"a": 1}',
        "[]",
        '["a", "b"]',
        '[{"port": 22}]',
        "[1]",
        '""',
        '"x"',
        "null",
        "{bad",
        "1e400",
        "00000000-0000-4000-8000-000000000000",
    ]
)


def reference_object(cells: list[Any], columns: list[tuple[int, Any, Any]]) -> dict[str, Any]:
    """The object as the import always built it: each readable, non-empty cell nested."""
    data: dict[str, Any] = {}
    for index, column, read in columns:
        if index >= len(cells):
            continue
        try:
            value = read(cells[index])
        except CellError:
            continue
        if value is None:
            continue
        *parents, last = column.key.split(".")
        holder = data
        for part in parents:
            holder = holder.setdefault(part, {})
        holder[last] = value
    return data


def plan_columns(data_class: DataClass, keys: list[str]) -> list[tuple[int, Any, Any]]:
    found = ClassColumns(data_class)
    return [
        (index, found.by_key[key], found.reader(found.by_key[key]))
        for index, key in enumerate(keys)
    ]


ALERT_KEYS = [
    "id",
    "title",
    "description",
    "severity",
    "handle_status",
    "alert_type.category",
    "alert_type.alert_type",
    "data_source.source_type",
    "data_source.product_name",
    "data_source.product_feature",
    "first_observed_time",
    "confidence",
    "labels",
    "network_list",
    "system_info",
    "incident_id",
]
DEVICE_KEYS = [
    "hostname",
    "tier",
    "rack",
    "load",
    "managed",
    "seen",
    "owner.team",
    "owner.site.city",
    "facts",
    "tags",
    "ports",
    "create_time",
]


def assert_plan_agrees(data_class: DataClass, keys: list[str], cells: list[Any]) -> None:
    columns = plan_columns(data_class, keys)
    rows = list(RowPlan(data_class, columns).rows(iter([cells])))
    expected = reference_object(cells, columns)
    if not rows:
        assert expected == {}
        return
    (row,) = rows
    assert row.data == expected
    if row.checked:
        assert row.problems == []
        without_id = {k: v for k, v in row.data.items() if k != "id"}
        assert check_data_object(data_class, without_id, row=row.number) == []


GOOD_ALERT = [
    "",
    "Brute force",
    "Failed logins",
    "High",
    "Open",
    "Intrusion",
    "Brute force",
    "3",
    "HSS",
    "login",
    "2026-11-20T08:00:00.000Z",
    "80",
    "ssh",
    '[{"src_ip": "10.0.0.1"}]',
    "{}",
    "",
]
GOOD_DEVICE = [
    "host-1",
    "gold",
    "7",
    "0.5",
    "true",
    "2026-11-20T08:00:00Z",
    "blue",
    "Lyon",
    '{"os": "linux"}',
    '["dmz"]',
    '[{"port": 22}]',
    "2026-11-20T08:00:00+01:00",
]


def rows_like(good: list[str]) -> st.SearchStrategy[list[str]]:
    """Rows mostly of good cells, some replaced by any cell, some cut short."""
    cells = [st.one_of(st.just(cell), st.just(cell), CELLS) for cell in good]
    return st.tuples(st.tuples(*cells), st.integers(0, len(good))).map(
        lambda drawn: list(drawn[0][: len(good) - drawn[1] // 4])
    )


@settings(max_examples=500, deadline=None)
@given(rows_like(GOOD_ALERT))
def test_an_alert_row_is_checked_only_when_the_rule_finds_nothing(cells: list[str]) -> None:
    assert_plan_agrees(ALERT, ALERT_KEYS, cells)


@settings(max_examples=500, deadline=None)
@given(rows_like(GOOD_DEVICE))
def test_a_nested_custom_row_is_checked_only_when_the_rule_finds_nothing(cells: list[str]) -> None:
    assert_plan_agrees(DEVICE, DEVICE_KEYS, cells)


def test_a_good_row_is_checked_and_a_missing_required_one_is_left_to_the_rule() -> None:
    good = GOOD_ALERT
    columns = plan_columns(ALERT, ALERT_KEYS)
    plan = RowPlan(ALERT, columns)
    missing_title = [good[0], "", *good[2:]]
    checked = [row.checked for row in plan.rows(iter([good, missing_title]))]
    assert checked == [True, False]
    device = RowPlan(DEVICE, plan_columns(DEVICE, DEVICE_KEYS))
    no_city = [*GOOD_DEVICE[:7], "", *GOOD_DEVICE[8:]]
    assert [row.checked for row in device.rows(iter([GOOD_DEVICE, no_city]))] == [True, False]
    # Without the required data_source columns, no row can fit: the rule words each.
    partial = plan_columns(ALERT, ["title", "severity"])
    assert not RowPlan(ALERT, partial).usable
