"""Whatever JSON value a client puts in a free-form field, the answer is a 200 or a 400 that is
itself valid JSON — never a 500; and a value JSON cannot carry is refused, never stored."""

from __future__ import annotations

import json
import math
from typing import Any

import httpx
import pytest
from hypothesis import strategies as st

from tests.factories import TenantInfo
from tests.kit.test_no_server_errors import examples
from tests.secmaster.incidents.payloads import incident_object, incidents_path

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**62, max_value=2**70)
    | st.floats()  # NaN and both infinities included
    | st.text(max_size=12)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


def wrapped(depth: int, leaf: Any) -> Any:
    for _ in range(depth):
        leaf = [leaf]
    return leaf


# Around the nesting limit and past it (the rest of the body uses 3 levels).
deep = st.builds(wrapped, st.integers(min_value=1, max_value=150), st.integers())
FREE_FIELDS = ["extend_properties", "system_info", "system_alert_table"]


def unfit(value: Any) -> bool:
    """Whether `value` holds a number JSON or a 64-bit store cannot hold."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return not -(2**63) <= value < 2**63
    if isinstance(value, dict):
        return any(unfit(v) for v in value.values())
    if isinstance(value, list):
        return any(unfit(v) for v in value)
    return False


@pytest.mark.parametrize("field", FREE_FIELDS)
async def test_free_form_fields_never_get_a_500(
    admin_client: httpx.AsyncClient, tenant: TenantInfo, field: str
) -> None:
    path = incidents_path(tenant.project_hex, tenant.workspace_id)
    drawn = [{"k": v} for v in examples(values, 50)] + [{"k": v} for v in examples(deep, 10)]
    outcomes = []
    for value in drawn:
        body = {"data_object": incident_object(**{field: value})}
        # json.dumps writes NaN and Infinity as JavaScript does (httpx's json= refuses them).
        response = await admin_client.post(
            path, content=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        json.loads(response.text, parse_constant=lambda c: pytest.fail(f"{c} in an answer"))
        outcomes.append((value, response.status_code))

    assert [o for o in outcomes if o[1] not in (200, 400)] == []
    assert [value for value, status in outcomes if unfit(value) and status != 400] == []
