"""The import's fast checks never disagree with Pydantic: what they accept, Pydantic accepts and
dumps to the same value; rows they accept give the same fields as the slow way."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socdesk.incidents.record import IncidentObject
from socdesk.transfer import checks
from socdesk.transfer.candidates import SheetPlan, _header, _slow_row
from socdesk.transfer.cells import cell_reader
from socdesk.transfer.checks import Refer, field_check, model_check
from socdesk.transfer.columns import COLUMNS
from socdesk.transfer.importer import validate_candidate
from tests.transfer.files import HEADER, good_row

TIMES = st.sampled_from(
    [
        "2026-11-24T06:33:00.000Z",
        "2026-11-24T06:33:00Z",
        "2026-11-24T14:33:00+08:00",
        "2023-04-18T13:00:00.000Z+0800",
        "2026-11-24T06:33:00.123456Z",
        "2026-13-24T06:33:00.000Z",
        "0999-01-01T00:00:00.000Z",
        "0999-01-01T00:00:00Z",
        "2026-11-24 06:33:00",
        "2026-11-24",
        " 2026-11-24T06:33:00Z ",
        "9999-12-31T23:59:59.999-01:00",
    ]
)
ODD_TEXT = st.sampled_from(
    ["", " ", "a\x00b", "\ud800", "é", "x" * 128, "x" * 129, "x" * 255, "x" * 256, "Open", "High"]
)
TEXT = st.text(max_size=40) | ODD_TEXT | TIMES
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-5, 300)
    | st.sampled_from([2**31 - 1, 2**31, 1, 2, 3])
    | st.floats(allow_nan=True, allow_infinity=True)
    | TEXT
)
JSONISH = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3)
)
NETWORK_KEYS = st.sampled_from(
    ["direction", "src_ip", "src_port", "dest_port", "src_geo", "dest_geo", "latitude", "bogus"]
)
ITEMS = st.dictionaries(
    NETWORK_KEYS,
    SCALARS | st.dictionaries(st.sampled_from(["latitude", "city_code", "x"]), SCALARS),
    max_size=4,
)
VALUES = JSONISH | st.lists(ITEMS, max_size=3) | ITEMS


def _dump(data: dict[str, Any]) -> str:
    # As text, so key order counts too.
    return json.dumps(
        IncidentObject.model_validate(data).model_dump(mode="json", exclude_unset=True)
    )


def _pydantic_accepts(data: dict[str, Any]) -> bool:
    try:
        IncidentObject.model_validate(data)
    except ValueError:
        return False
    return True


def test_every_incident_field_has_a_compiled_check() -> None:
    refused = [
        name
        for name in IncidentObject.model_fields
        if field_check(IncidentObject, name) is checks._refer_all
    ]

    assert refused == []


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(value=VALUES)
@pytest.mark.parametrize("name", list(IncidentObject.model_fields))
def test_a_field_check_accepts_only_what_pydantic_accepts_and_dumps_the_same(
    name: str, value: Any
) -> None:
    try:
        out = field_check(IncidentObject, name)(value)
    except Refer:
        return

    assert _pydantic_accepts({name: value})
    assert _dump({name: value}) == json.dumps({name: out})


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    item=st.dictionaries(
        st.sampled_from(list(IncidentObject.model_fields) + ["unknown"]), VALUES, max_size=6
    )
)
def test_the_object_check_agrees_with_pydantic(item: dict[str, Any]) -> None:
    try:
        out = model_check(IncidentObject)(item)
    except Refer:
        return

    assert _pydantic_accepts(item)
    assert _dump(item) == json.dumps(out)


def test_good_values_take_the_fast_way() -> None:
    check = field_check(IncidentObject, "network_list")

    assert check([{"src_ip": "10.0.0.1", "src_port": 22}]) == [
        {"src_ip": "10.0.0.1", "src_port": 22}
    ]
    assert field_check(IncidentObject, "first_observed_time")("2026-11-24T14:33:00+08:00") == (
        "2026-11-24T06:33:00.000Z"
    )
    assert field_check(IncidentObject, "confidence")(100) == 100


@pytest.mark.parametrize(
    "value", [True, 1.0, "5", math.nan, "a\x00", "\ud800", [1], {"a": 1}, 101, -1]
)
def test_doubtful_values_are_left_to_pydantic(value: Any) -> None:
    with pytest.raises(Refer):
        field_check(IncidentObject, "confidence")(value)


CELLS = (
    st.none()
    | st.integers(-3, 200)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
    | st.sampled_from(
        ['[{"src_ip": "10.0.0.1", "src_port": 22}]', "[{oops", '{"a": 1}', "'=1+2", "''=x"]
    )
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.dictionaries(st.sampled_from(HEADER + ["owner", "id"]), CELLS, max_size=4))
def test_rows_the_fast_way_takes_give_the_fields_pydantic_gives(changes: dict[str, Any]) -> None:
    header = [*HEADER, "owner", "id"]
    row = good_row() + ["analyst", None]
    for key, value in changes.items():
        row[header.index(key)] = value
    columns = _header(header)
    plan = SheetPlan(columns)

    sent = plan.sent(row)
    try:
        given_id = plan.given_id(row) if sent is not None else None
    except Refer:
        sent = None
    if sent is None:
        return
    readers = [(i, c.key, cell_reader(c)) for i, c in enumerate(columns) if c is not None]
    slow = _slow_row(2, row, readers)
    assert slow is not None
    validate_candidate(slow)

    assert slow.problems == []
    assert slow.sent is not None
    assert json.dumps(slow.sent) == json.dumps(sent)
    assert slow.given_id == given_id


def test_a_good_row_takes_the_fast_way_with_every_column() -> None:
    plan = SheetPlan(list(COLUMNS))
    row = [None] * len(COLUMNS)
    for index, column in enumerate(COLUMNS):
        row[index] = {
            "title": "t",
            "description": "d",
            "severity": "Low",
            "handle_status": "Closed",
            "incident_type.category": "c",
            "incident_type.incident_type": "i",
            "data_source.source_type": "2",
            "data_source.product_name": "p",
            "data_source.product_feature": "f",
            "first_observed_time": "2026-11-24T06:33:00Z",
            "environment.region_id": "r",
            "system_info": '{"os": "linux"}',
        }.get(column.key)

    sent = plan.sent(row)

    assert sent is not None
    assert sent["data_source"] == {"source_type": 2, "product_name": "p", "product_feature": "f"}
    assert sent["environment"] == {"region_id": "r"}
    assert sent["first_observed_time"] == "2026-11-24T06:33:00.000Z"
    assert list(sent) == [k for k in IncidentObject.model_fields if k in sent]
